//! Revocation (`POST /api/agent/oauth/revoke`, RFC 7009): [`revoke_token`] for any personal
//! API token, and [`Agent::revoke`], which also drops the revoked token from the credentials
//! file.

use serde::Deserialize;

use super::Agent;
use super::wire::{Body, REVOKE, Reply, post};
use crate::Client;
use crate::config::{self, Secret};
use crate::error::Error;

/// The success body of `POST /api/agent/oauth/revoke`: the docs show an empty object `{}`.
/// Unknown keys are ignored; RFC 7009 lets a server send no body at all.
#[derive(Deserialize)]
struct RevokeReply {}

impl RevokeReply {
    /// Checks the reply: no body, or a JSON object (whatever its keys).
    fn read(reply: &Reply) -> Result<(), Error> {
        if !reply.is_empty() {
            let RevokeReply {} = reply.decode()?;
        }
        Ok(())
    }
}

impl Agent {
    /// Revokes this agent's pre-claim API token ([`revoke_token`]) and then removes it from
    /// the credentials file if the file still holds it (the claim token, the base URL and
    /// other keys stay). Use it to decommission an agent or after a suspected leak.
    pub async fn revoke(self) -> Result<(), Error> {
        revoke_token(&self.client, &self.api_token).await?;
        let (file, token) = (self.credentials.clone(), self.api_token.clone());
        config::off_runtime(move || {
            if file
                .load_optional()?
                .is_some_and(|c| c.api_token.as_ref() == Some(&token))
            {
                file.update(|c| {
                    if c.api_token.as_ref() == Some(&token) {
                        c.api_token = None;
                    }
                })?;
            }
            Ok::<(), Error>(())
        })
        .await?;
        Ok(())
    }
}

/// Revokes a personal API token by value (`POST /api/agent/oauth/revoke`, RFC 7009, form body
/// `token=…`); the request goes to `client`'s base URL and carries no bearer token.
///
/// The server answers 200 whether or not the token existed, and the token stops
/// authenticating at once. The docs describe revoking `ot_pat_` tokens; for routine rotation
/// they recommend the token-management API instead. Errors are [`Error::OAuth`] (400
/// `invalid_request`, 500 `server_error`). The credentials file is not touched (see
/// [`Agent::revoke`]).
///
/// A 200 must carry the documented JSON object (or, as RFC 7009 allows, no body): a body that
/// is not JSON, such as a proxy's HTML page, is an [`Error::Decode`], since the token may not
/// have reached the server.
pub async fn revoke_token(client: &Client, token: &Secret) -> Result<(), Error> {
    let form = Body::form(&[("token", token.expose())])?;
    let reply = post(client, &REVOKE, form).await?;
    RevokeReply::read(&reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_revocation_reply_may_be_empty_or_any_object() {
        for body in ["", "{}", r#"{"revoked": true}"#, " {} "] {
            assert!(
                RevokeReply::read(&Reply::for_test(body)).is_ok(),
                "{body:?}"
            );
        }
    }

    #[test]
    fn a_revocation_reply_that_is_not_a_json_object_is_a_decode_error() {
        for (body, expected) in [
            (
                "<html>Signed in to the hotel wifi</html>",
                "not JSON (line 1, column 1)",
            ),
            ("[]", "the body is JSON but not an object"),
        ] {
            let err = RevokeReply::read(&Reply::for_test(body)).expect_err(body);
            assert!(
                matches!(&err, Error::Decode { message, .. } if message == expected),
                "{body}: {err:?}"
            );
        }
    }
}
