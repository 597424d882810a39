//! [`Secret`]: the one type for every token and secret the client handles.
//!
//! API tokens (`ot_pat_…`), claim tokens (`ot_clm_…`), claim-attempt URLs (`…?token=ot_cat_…`),
//! claim user codes and webhook signing secrets (`whsec_…`) are all a `Secret`, in the facade
//! and in the generated types: every response property the spec marks `format: password` is
//! generated as a `Secret` (a generator conversion, not a hand list). `Debug` and `Display`
//! never show one; reading it is an explicit [`Secret::expose`].

use std::fmt;

use serde::{Deserialize, Serialize};

/// The prefix of a personal API token, the bearer token of every Public API call.
pub const API_TOKEN_PREFIX: &str = "ot_pat_";

/// The prefix of a claim token, kept by a self-registered agent until a human claims the account.
pub const CLAIM_TOKEN_PREFIX: &str = "ot_clm_";

/// The prefix of a claim-attempt token, carried by a claim's verification URL.
pub const CLAIM_ATTEMPT_PREFIX: &str = "ot_cat_";

/// The prefix of a webhook signing secret.
pub const WEBHOOK_SECRET_PREFIX: &str = "whsec_";

/// The prefixes of every kind of secret the API hands out.
pub const SECRET_PREFIXES: [&str; 4] = [
    API_TOKEN_PREFIX,
    CLAIM_TOKEN_PREFIX,
    CLAIM_ATTEMPT_PREFIX,
    WEBHOOK_SECRET_PREFIX,
];

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

/// A secret: an API or claim token, a claim's verification URL or user code, a webhook secret.
///
/// `Debug` and `Display` never show it: they print the token's kind prefix when it has a known
/// one (`ot_pat_…(redacted)`) and `(redacted)` otherwise. Read the secret with
/// [`expose`](Self::expose), only where it is sent or saved. Serializes as a plain JSON string
/// (the wire and the credentials file hold it so). Equality runs in time independent of where
/// two secrets differ.
///
/// ```
/// use opentrain_types::secret::Secret;
/// let token = Secret::api_token("ot_pat_abc123_s3cr3t")?;
/// assert_eq!(token.to_string(), "ot_pat_…(redacted)");
/// assert_eq!(format!("{token:?}"), "Secret(ot_pat_…(redacted))");
/// assert_eq!(token.expose(), "ot_pat_abc123_s3cr3t");
/// # Ok::<(), opentrain_types::secret::InvalidSecret>(())
/// ```
#[derive(Clone, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

/// Why a value is not the token it should be. Never contains the value beyond a known kind
/// prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidSecret {
    /// The prefix the token should have started with.
    pub expected_prefix: &'static str,
    /// What is wrong, in words that hold no character of the token beyond a kind prefix.
    pub problem: String,
}

impl fmt::Display for InvalidSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "expected a token starting with `{}`, but {}",
            self.expected_prefix, self.problem
        )
    }
}

impl std::error::Error for InvalidSecret {}

impl Secret {
    /// Wraps any secret without checking it.
    pub fn new(secret: impl Into<String>) -> Self {
        Self(secret.into())
    }

    /// A personal API token: it must start with `ot_pat_`, have something after the prefix and
    /// contain no whitespace or control characters. The error never contains the token.
    ///
    /// ```
    /// use opentrain_types::secret::Secret;
    /// assert!(Secret::api_token("ot_pat_abc_def").is_ok());
    /// let err = Secret::api_token("ot_clm_not_a_bearer").unwrap_err();
    /// assert!(!err.to_string().contains("not_a_bearer"));
    /// ```
    pub fn api_token(token: impl Into<String>) -> Result<Self, InvalidSecret> {
        Self::with_prefix(token, API_TOKEN_PREFIX)
    }

    /// A claim token: it must start with `ot_clm_` (same rules as [`api_token`](Self::api_token)).
    pub fn claim_token(token: impl Into<String>) -> Result<Self, InvalidSecret> {
        Self::with_prefix(token, CLAIM_TOKEN_PREFIX)
    }

    /// A token that must start with `expected`, have something after it and hold no
    /// whitespace or control characters.
    pub fn with_prefix(
        token: impl Into<String>,
        expected: &'static str,
    ) -> Result<Self, InvalidSecret> {
        let token = token.into();
        match token_problem(&token, expected) {
            None => Ok(Self(token)),
            Some(problem) => Err(InvalidSecret {
                expected_prefix: expected,
                problem,
            }),
        }
    }

    /// The secret itself. Call it only where the secret is sent or saved.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether the secret is empty.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The token's known kind prefix (`ot_pat_`, `ot_clm_`, `ot_cat_`, `ot_ptk_`), if it has one.
    pub fn prefix(&self) -> Option<&'static str> {
        known_prefix(&self.0).map(|(prefix, _, _)| prefix)
    }
}

impl From<String> for Secret {
    fn from(secret: String) -> Self {
        Self(secret)
    }
}

impl From<&str> for Secret {
    fn from(secret: &str) -> Self {
        Self(secret.to_owned())
    }
}

impl fmt::Display for Secret {
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

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({self})")
    }
}

impl PartialEq for Secret {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.0.as_bytes(), other.0.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for Secret {}

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
    fn display_and_debug_show_only_the_kind_prefix() {
        let token = Secret::new(PAT);
        assert_eq!(token.to_string(), "ot_pat_…(redacted)");
        assert_eq!(format!("{token:?}"), "Secret(ot_pat_…(redacted))");
        assert_eq!(format!("{token:#?}"), "Secret(ot_pat_…(redacted))");
        let claim = Secret::new("ot_clm_SuperSecretValue");
        assert_eq!(claim.to_string(), "ot_clm_…(redacted)");
    }

    #[test]
    fn a_secret_without_a_known_prefix_shows_no_characters() {
        let webhook = Secret::new("whsec_SuperSecretValue");
        assert_eq!(webhook.to_string(), "(redacted)");
        assert_eq!(format!("{webhook:?}"), "Secret((redacted))");
        let url = Secret::new("https://app.opentrain.ai/claim?token=ot_cat_SuperSecret");
        assert_eq!(format!("{url:?}"), "Secret((redacted))");
        assert_eq!(Secret::new("").to_string(), "(empty)");
    }

    #[test]
    fn expose_returns_the_secret() {
        assert_eq!(Secret::api_token(PAT).unwrap().expose(), PAT);
        assert_eq!(Secret::new(PAT).prefix(), Some("ot_pat_"));
        assert_eq!(Secret::new("x").prefix(), None);
    }

    #[test]
    fn equality_compares_the_whole_secret() {
        assert_eq!(Secret::new(PAT), Secret::new(PAT));
        assert_ne!(
            Secret::new(PAT),
            Secret::new("ot_pat_pub123_SuperSecretValuE")
        );
        assert_ne!(Secret::new(PAT), Secret::new("ot_pat_pub123"));
    }

    #[test]
    fn serializes_as_a_plain_string() {
        let token = Secret::new(PAT);
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(json, format!("\"{PAT}\""));
        let back: Secret = serde_json::from_str(&json).unwrap();
        assert_eq!(back, token);
    }

    #[test]
    fn wrong_prefixes_are_refused_without_leaking_the_token() {
        for bad in [
            "SuperSecretValue",
            "ot_clm_SuperSecretValue",
            "ot_cat_SuperSecretValue",
            " ot_pat_SuperSecretValue",
            "ot_pat_SuperSecretValue\n",
            "ot_pat_Super SecretValue",
        ] {
            let err = Secret::api_token(bad).unwrap_err();
            assert_eq!(err.expected_prefix, "ot_pat_");
            for shown in [err.to_string(), format!("{err:?}")] {
                assert!(!shown.contains("Super"), "{bad:?} leaked in {shown}");
                assert!(!shown.contains("SecretValue"), "{bad:?} leaked in {shown}");
            }
        }
    }

    #[test]
    fn empty_and_bare_prefix_are_refused() {
        let empty = Secret::api_token("").unwrap_err().to_string();
        assert!(empty.contains("it is empty"), "{empty}");
        let bare = Secret::api_token("ot_pat_").unwrap_err().to_string();
        assert!(bare.contains("nothing after `ot_pat_`"), "{bare}");
    }

    #[test]
    fn the_message_names_the_kind_or_the_length() {
        let claim = Secret::api_token("ot_clm_abcdef").unwrap_err().to_string();
        assert!(claim.contains("claim token"), "{claim}");
        let other = Secret::api_token("abcdef").unwrap_err().to_string();
        assert!(other.contains("6 characters long"), "{other}");
        assert!(
            other.contains("expected a token starting with `ot_pat_`"),
            "{other}"
        );
    }

    #[test]
    fn a_claim_token_requires_the_claim_prefix() {
        assert_eq!(
            Secret::claim_token("ot_clm_abc").unwrap().expose(),
            "ot_clm_abc"
        );
        let text = Secret::claim_token("ot_pat_SuperSecretValue")
            .unwrap_err()
            .to_string();
        assert!(
            text.contains("`ot_clm_`") && text.contains("personal API token"),
            "{text}"
        );
        assert!(!text.contains("Super"), "{text}");
    }
}
