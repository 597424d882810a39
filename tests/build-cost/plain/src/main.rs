//! Reads who the token belongs to (`GET /auth/me`) with plain reqwest and prints the actor.

#[derive(serde::Deserialize)]
struct Me {
    actor: Option<Actor>,
}

#[derive(serde::Deserialize)]
struct Actor {
    user_id: Option<String>,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base = std::env::var("OT_API_BASE_URL").unwrap_or_else(|_| "http://127.0.0.1:9".into());
    let token = std::env::var("OT_API_TOKEN").unwrap_or_default();
    let me: Me = reqwest::Client::new()
        .get(format!("{base}/api/public/v1/auth/me"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    println!("{:?}", me.actor.and_then(|a| a.user_id));
    Ok(())
}
