//! Reads who the token belongs to (`GET /auth/me`) with the facade and prints the actor.

#[tokio::main]
async fn main() -> Result<(), opentrain::Error> {
    let me = opentrain::Client::from_env()?.get_me().send().await?.into_inner();
    println!("{:?}", me.actor.and_then(|a| a.user_id));
    Ok(())
}
