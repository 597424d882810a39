//! Secrets: [`SecretToken`], which never shows a secret in `Debug`, `Display` or an error
//! message, the token kind prefixes (`ot_pat_`, `ot_clm_`, ...) and the checks that a token has
//! the prefix and shape expected of it.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{ConfigError, Source};

/// The prefix of a personal API token, the bearer token of every Public API call.
pub const API_TOKEN_PREFIX: &str = "ot_pat_";

/// The prefix of a claim token, kept by a self-registered agent until a human claims the account.
pub const CLAIM_TOKEN_PREFIX: &str = "ot_clm_";

/// Token prefixes that redacted output may show (they name the kind of token, not the secret),
/// with what an error message calls such a token, and a note on what it is for.
const KNOWN_PREFIXES: [(&str, &str, &str); 4] = [
    ("ot_pat_", "a personal API token", ""),
    (
        "ot_clm_",
        "a claim token",
        ", which is exchanged for an API token once a human claims the account",
    ),
    (
        "ot_cat_",
        "a claim-attempt token",
        ", which belongs in the verification URL a human opens",
    ),
    (
        "ot_ptk_",
        "a Platform API partner token",
        ", which the Public API does not accept",
    ),
];

/// A secret: an `ot_pat_` API token, an `ot_clm_` claim token or a webhook secret.
///
/// `Debug` and `Display` never show it: they print the token's kind prefix when it has a known
/// one (`ot_pat_…(redacted)`) and `(redacted)` otherwise. Read the secret with
/// [`expose`](Self::expose), only where it is sent. Serializes as a plain JSON string, as the
/// credentials file stores it. Equality runs in time independent of where the secrets differ.
///
/// ```
/// use opentrain::config::SecretToken;
/// let token = SecretToken::api_token("ot_pat_abc123_s3cr3t")?;
/// assert_eq!(token.to_string(), "ot_pat_…(redacted)");
/// assert_eq!(format!("{token:?}"), "SecretToken(ot_pat_…(redacted))");
/// assert_eq!(token.expose(), "ot_pat_abc123_s3cr3t");
/// # Ok::<(), opentrain::config::ConfigError>(())
/// ```
#[derive(Clone, Serialize, Deserialize)]
#[serde(transparent)]
pub struct SecretToken(String);

impl SecretToken {
    /// Wraps any secret without checking it (webhook secrets, tokens read before validation).
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// A personal API token: it must start with `ot_pat_`, have something after the prefix and
    /// contain no whitespace or control characters. The error never contains the token.
    ///
    /// ```
    /// use opentrain::config::{ConfigError, SecretToken};
    /// assert!(SecretToken::api_token("ot_pat_abc_def").is_ok());
    /// let err = SecretToken::api_token("ot_clm_not_a_bearer").unwrap_err();
    /// assert!(matches!(err, ConfigError::InvalidToken { .. }));
    /// assert!(!err.to_string().contains("not_a_bearer"));
    /// ```
    pub fn api_token(token: impl Into<String>) -> Result<Self, ConfigError> {
        Self::checked(token.into(), API_TOKEN_PREFIX, Source::Explicit)
    }

    /// A claim token: it must start with `ot_clm_` (same rules as [`api_token`](Self::api_token)).
    ///
    /// ```
    /// use opentrain::config::SecretToken;
    /// assert!(SecretToken::claim_token("ot_clm_abc").is_ok());
    /// assert!(SecretToken::claim_token("ot_pat_abc").is_err());
    /// ```
    pub fn claim_token(token: impl Into<String>) -> Result<Self, ConfigError> {
        Self::checked(token.into(), CLAIM_TOKEN_PREFIX, Source::Explicit)
    }

    /// The secret itself. Call it only where the secret is sent (a header, a form body, a file).
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The token's known kind prefix (`ot_pat_`, `ot_clm_`, `ot_cat_`, `ot_ptk_`), if it has one.
    pub fn prefix(&self) -> Option<&'static str> {
        known_prefix(&self.0).map(|(prefix, _, _)| prefix)
    }

    pub(super) fn checked(
        token: String,
        expected: &'static str,
        origin: Source,
    ) -> Result<Self, ConfigError> {
        match token_problem(&token, expected) {
            None => Ok(Self(token)),
            Some(problem) => Err(ConfigError::InvalidToken {
                origin,
                expected_prefix: expected,
                problem,
            }),
        }
    }
}

impl fmt::Display for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            f.write_str("(empty)")
        } else if let Some(prefix) = self.prefix() {
            write!(f, "{prefix}…(redacted)")
        } else {
            f.write_str("(redacted)")
        }
    }
}

impl fmt::Debug for SecretToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretToken({self})")
    }
}

impl PartialEq for SecretToken {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for SecretToken {}

fn known_prefix(s: &str) -> Option<(&'static str, &'static str, &'static str)> {
    KNOWN_PREFIXES
        .iter()
        .copied()
        .find(|(prefix, _, _)| s.starts_with(prefix))
}

/// What is wrong with `token` as a token starting with `expected`, in words that contain no
/// character of the token beyond a known kind prefix.
fn token_problem(token: &str, expected: &'static str) -> Option<String> {
    if token.is_empty() {
        return Some("it is empty".to_owned());
    }
    if let Some(rest) = token.strip_prefix(expected) {
        if rest.is_empty() {
            return Some(format!("it has nothing after `{expected}`"));
        }
        if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Some(
                "it contains whitespace or control characters (a stray space or newline?)"
                    .to_owned(),
            );
        }
        return None;
    }
    Some(match known_prefix(token) {
        Some((prefix, name, note)) => format!("it is {name} (`{prefix}…`){note}"),
        None if token.trim_start().starts_with(expected) => {
            "it starts with whitespace (a stray space or newline?)".to_owned()
        }
        None => format!(
            "it does not start with `{expected}` (it is {} characters long)",
            token.chars().count()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAT: &str = "ot_pat_pub123_SuperSecretValue";

    #[test]
    fn secret_token_display_and_debug_show_only_the_kind_prefix() {
        let token = SecretToken::new(PAT);
        assert_eq!(token.to_string(), "ot_pat_…(redacted)");
        assert_eq!(format!("{token:?}"), "SecretToken(ot_pat_…(redacted))");
        assert_eq!(format!("{token:#?}"), "SecretToken(ot_pat_…(redacted))");
        let claim = SecretToken::new("ot_clm_SuperSecretValue");
        assert_eq!(claim.to_string(), "ot_clm_…(redacted)");
    }

    #[test]
    fn secret_token_without_known_prefix_shows_no_characters() {
        let webhook = SecretToken::new("whsec_SuperSecretValue");
        assert_eq!(webhook.to_string(), "(redacted)");
        assert_eq!(format!("{webhook:?}"), "SecretToken((redacted))");
        assert_eq!(SecretToken::new("").to_string(), "(empty)");
    }

    #[test]
    fn secret_token_expose_returns_the_secret() {
        assert_eq!(SecretToken::api_token(PAT).unwrap().expose(), PAT);
        assert_eq!(SecretToken::new(PAT).prefix(), Some("ot_pat_"));
        assert_eq!(SecretToken::new("x").prefix(), None);
    }

    #[test]
    fn secret_token_equality_compares_the_whole_secret() {
        assert_eq!(SecretToken::new(PAT), SecretToken::new(PAT));
        assert_ne!(
            SecretToken::new(PAT),
            SecretToken::new("ot_pat_pub123_SuperSecretValuE")
        );
        assert_ne!(SecretToken::new(PAT), SecretToken::new("ot_pat_pub123"));
    }

    #[test]
    fn secret_token_serializes_as_a_plain_string() {
        let token = SecretToken::new(PAT);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(json, format!("\"{PAT}\""));
        let back: SecretToken = serde_json::from_str(&json).unwrap();
        assert_eq!(back, token);
    }

    #[test]
    fn api_token_rejects_wrong_prefixes_without_leaking_the_token() {
        for bad in [
            "SuperSecretValue",
            "ot_clm_SuperSecretValue",
            "ot_cat_SuperSecretValue",
            " ot_pat_SuperSecretValue",
            "ot_pat_SuperSecretValue\n",
            "ot_pat_Super SecretValue",
        ] {
            let err = SecretToken::api_token(bad).unwrap_err();
            let ConfigError::InvalidToken {
                origin,
                expected_prefix,
                ..
            } = &err
            else {
                panic!("expected InvalidToken, got {err:?}");
            };
            assert_eq!(*origin, Source::Explicit);
            assert_eq!(*expected_prefix, "ot_pat_");
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("Secret"), "{bad:?} leaked in {shown}");
                assert!(!shown.contains("Super"), "{bad:?} leaked in {shown}");
            }
        }
    }

    #[test]
    fn api_token_rejects_empty_and_bare_prefix() {
        let empty = SecretToken::api_token("").unwrap_err().to_string();
        assert!(empty.contains("it is empty"), "{empty}");
        let bare = SecretToken::api_token("ot_pat_").unwrap_err().to_string();
        assert!(bare.contains("nothing after `ot_pat_`"), "{bare}");
    }

    #[test]
    fn invalid_token_message_names_the_kind_or_the_length() {
        let claim = SecretToken::api_token("ot_clm_abcdef")
            .unwrap_err()
            .to_string();
        assert!(claim.contains("claim token"), "{claim}");
        let other = SecretToken::api_token("abcdef").unwrap_err().to_string();
        assert!(other.contains("6 characters long"), "{other}");
        assert!(
            other.contains("expected a token starting with `ot_pat_`"),
            "{other}"
        );
    }

    #[test]
    fn claim_token_requires_the_claim_prefix() {
        assert_eq!(
            SecretToken::claim_token("ot_clm_abc").unwrap().expose(),
            "ot_clm_abc"
        );
        let err = SecretToken::claim_token("ot_pat_SuperSecretValue").unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("`ot_clm_`") && text.contains("personal API token"),
            "{text}"
        );
        assert!(!text.contains("Super"), "{text}");
    }
}
