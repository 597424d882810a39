//! Secrets: the one [`Secret`] type (defined beside the generated types, which carry it too,
//! and re-exported here) and [`checked`], which turns a malformed token into a [`ConfigError`]
//! naming where the token came from.

pub use opentrain_gen::secret::{
    API_TOKEN_PREFIX, CLAIM_ATTEMPT_PREFIX, CLAIM_TOKEN_PREFIX, SECRET_PREFIXES, Secret,
    WEBHOOK_SECRET_PREFIX,
};

use super::{ConfigError, Source};

/// `token` as a token starting with `expected`, or the reason it is not one, blamed on `origin`.
pub(crate) fn checked(
    token: String,
    expected: &'static str,
    origin: Source,
) -> Result<Secret, ConfigError> {
    Secret::with_prefix(token, expected).map_err(|invalid| ConfigError::InvalidToken {
        origin,
        expected_prefix: invalid.expected_prefix,
        problem: invalid.problem,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_token_is_blamed_on_its_origin_without_its_characters() {
        let err = checked(
            "ot_clm_SuperSecretValue".into(),
            API_TOKEN_PREFIX,
            Source::Env("OT_API_TOKEN"),
        )
        .unwrap_err();
        let ConfigError::InvalidToken {
            origin,
            expected_prefix,
            problem,
        } = &err
        else {
            panic!("expected InvalidToken, got {err:?}");
        };
        assert_eq!(*origin, Source::Env("OT_API_TOKEN"));
        assert_eq!(*expected_prefix, "ot_pat_");
        assert!(problem.contains("claim token"), "{problem}");
        assert!(!err.to_string().contains("Super"), "{err}");
        assert_eq!(
            checked("ot_pat_x".into(), API_TOKEN_PREFIX, Source::Explicit)
                .unwrap()
                .expose(),
            "ot_pat_x"
        );
    }
}
