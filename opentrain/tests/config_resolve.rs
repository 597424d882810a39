//! Token and base-URL resolution (`opentrain::config::resolve`): the official CLI's precedence,
//! when the credentials file is read, and how bad values are reported.

mod common;

// In a module so that `cargo test config` selects these tests.
mod config_resolve {
    use std::collections::HashMap;
    use std::fs;
    use std::path::{Path, PathBuf};

    use opentrain::config::{
        ConfigError, CredentialsFile, DEFAULT_BASE_URL, Resolved, Source, resolve,
        resolve_with_credentials_file,
    };
    use tests::Scratch;

    const EXPLICIT: &str = "ot_pat_explicit_SecretOne";
    const OT_ENV: &str = "ot_pat_otenv_SecretTwo";
    const OPENTRAIN_ENV: &str = "ot_pat_opentrainenv_SecretThree";
    const FROM_FILE: &str = "ot_pat_file_SecretFour";

    /// A fresh directory for one test, removed on drop (the shared `Scratch`).
    struct TempDir(Scratch);

    impl TempDir {
        fn new(tag: &str) -> Self {
            Self(Scratch::new(&format!("config-resolve-{tag}")))
        }
    }

    /// A config home (used as `XDG_CONFIG_HOME`) and the credentials file path under it.
    struct Home {
        dir: TempDir,
        file: PathBuf,
    }

    impl Home {
        fn empty(tag: &str) -> Self {
            let dir = TempDir::new(tag);
            let file = dir.0.join("opentrain").join("cli.json");
            Self { dir, file }
        }

        fn with_file(tag: &str, content: &str) -> Self {
            let home = Self::empty(tag);
            fs::create_dir_all(home.file.parent().unwrap()).unwrap();
            fs::write(&home.file, content).unwrap();
            home
        }

        /// A normal login: a token and a base URL in the file.
        fn logged_in(tag: &str) -> Self {
            Self::with_file(
                tag,
                &format!(r#"{{"apiToken":"{FROM_FILE}","baseUrl":"https://file.example/"}}"#),
            )
        }

        fn xdg(&self) -> &str {
            self.dir.0.path().to_str().unwrap()
        }
    }

    fn fake_env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    fn token_of(resolved: &Resolved) -> Option<&str> {
        resolved.token.as_ref().map(|t| t.expose())
    }

    // ----- token precedence ------------------------------------------------------------------

    #[test]
    fn explicit_token_beats_both_env_vars_and_the_file() {
        let home = Home::logged_in("explicit-token");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_TOKEN", OT_ENV),
            ("OPENTRAIN_API_TOKEN", OPENTRAIN_ENV),
        ]);
        let resolved = resolve(Some(EXPLICIT), None, &env).unwrap();
        assert_eq!(token_of(&resolved), Some(EXPLICIT));
        assert_eq!(resolved.token_source, Source::Explicit);
    }

    #[test]
    fn ot_api_token_beats_opentrain_api_token() {
        let home = Home::logged_in("ot-beats-opentrain");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_TOKEN", OT_ENV),
            ("OPENTRAIN_API_TOKEN", OPENTRAIN_ENV),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(token_of(&resolved), Some(OT_ENV));
        assert_eq!(resolved.token_source, Source::Env("OT_API_TOKEN"));
    }

    #[test]
    fn opentrain_api_token_beats_the_file() {
        let home = Home::logged_in("opentrain-beats-file");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OPENTRAIN_API_TOKEN", OPENTRAIN_ENV),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(token_of(&resolved), Some(OPENTRAIN_ENV));
        assert_eq!(resolved.token_source, Source::Env("OPENTRAIN_API_TOKEN"));
    }

    #[test]
    fn file_token_is_used_when_no_explicit_or_env_token() {
        let home = Home::logged_in("file-token");
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(token_of(&resolved), Some(FROM_FILE));
        assert_eq!(resolved.token_source, Source::File(home.file.clone()));
    }

    #[test]
    fn no_token_anywhere_is_not_an_error() {
        let home = Home::with_file("no-token", r#"{"baseUrl":"https://file.example"}"#);
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.token, None);
        assert_eq!(resolved.token_source, Source::None);
    }

    #[test]
    fn empty_env_tokens_count_as_unset() {
        let home = Home::logged_in("empty-env-token");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_TOKEN", ""),
            ("OPENTRAIN_API_TOKEN", OPENTRAIN_ENV),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.token_source, Source::Env("OPENTRAIN_API_TOKEN"));

        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_TOKEN", ""),
            ("OPENTRAIN_API_TOKEN", ""),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(token_of(&resolved), Some(FROM_FILE));
        assert_eq!(resolved.token_source, Source::File(home.file.clone()));
    }

    #[test]
    fn empty_token_in_the_file_counts_as_unset() {
        let home = Home::with_file("empty-file-token", r#"{"apiToken":""}"#);
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.token, None);
        assert_eq!(resolved.token_source, Source::None);
    }

    // ----- base URL precedence ---------------------------------------------------------------

    #[test]
    fn explicit_base_url_beats_both_env_vars_and_the_file() {
        let home = Home::logged_in("explicit-url");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_BASE_URL", "https://ot.example"),
            ("OPENTRAIN_API_BASE_URL", "https://opentrain.example"),
        ]);
        let resolved = resolve(None, Some("http://127.0.0.1:9000"), &env).unwrap();
        assert_eq!(resolved.base_url, "http://127.0.0.1:9000");
        assert_eq!(resolved.base_url_source, Source::Explicit);
    }

    #[test]
    fn ot_api_base_url_beats_opentrain_api_base_url() {
        let home = Home::logged_in("ot-url");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_BASE_URL", "https://ot.example"),
            ("OPENTRAIN_API_BASE_URL", "https://opentrain.example"),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.base_url, "https://ot.example");
        assert_eq!(resolved.base_url_source, Source::Env("OT_API_BASE_URL"));
    }

    #[test]
    fn opentrain_api_base_url_beats_the_file() {
        let home = Home::logged_in("opentrain-url");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OPENTRAIN_API_BASE_URL", "https://opentrain.example"),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.base_url, "https://opentrain.example");
        assert_eq!(
            resolved.base_url_source,
            Source::Env("OPENTRAIN_API_BASE_URL")
        );
    }

    #[test]
    fn file_base_url_beats_the_default() {
        let home = Home::logged_in("file-url");
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.base_url, "https://file.example");
        assert_eq!(resolved.base_url_source, Source::File(home.file.clone()));
    }

    #[test]
    fn default_base_url_when_nothing_is_set() {
        let home = Home::with_file("default-url", &format!(r#"{{"apiToken":"{FROM_FILE}"}}"#));
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.base_url, DEFAULT_BASE_URL);
        assert_eq!(resolved.base_url, "https://app.opentrain.ai");
        assert_eq!(resolved.base_url_source, Source::Default);
        assert_eq!(resolved.api_url(), "https://app.opentrain.ai/api/public/v1");
    }

    #[test]
    fn empty_env_base_urls_count_as_unset() {
        let home = Home::logged_in("empty-env-url");
        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_BASE_URL", ""),
            ("OPENTRAIN_API_BASE_URL", "https://opentrain.example"),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(
            resolved.base_url_source,
            Source::Env("OPENTRAIN_API_BASE_URL")
        );

        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OT_API_BASE_URL", ""),
            ("OPENTRAIN_API_BASE_URL", ""),
        ]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.base_url, "https://file.example");
    }

    #[test]
    fn trailing_slashes_are_stripped_from_every_base_url_source() {
        let home = Home::logged_in("trailing-slash");
        let xdg = ("XDG_CONFIG_HOME", home.xdg());
        let explicit = resolve(None, Some("https://a.example/"), &fake_env(&[xdg])).unwrap();
        assert_eq!(explicit.base_url, "https://a.example");
        let env = fake_env(&[xdg, ("OT_API_BASE_URL", "https://b.example/v/")]);
        assert_eq!(
            resolve(None, None, &env).unwrap().base_url,
            "https://b.example/v"
        );
        let file = resolve(None, None, &fake_env(&[xdg])).unwrap();
        assert_eq!(file.base_url, "https://file.example");
    }

    #[test]
    fn token_and_base_url_may_come_from_different_sources() {
        let home = Home::logged_in("mixed");
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg()), ("OT_API_TOKEN", OT_ENV)]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.token_source, Source::Env("OT_API_TOKEN"));
        assert_eq!(resolved.base_url_source, Source::File(home.file.clone()));
    }

    // ----- when the file is read -------------------------------------------------------------

    #[test]
    fn broken_file_is_not_read_when_explicit_and_env_cover_everything() {
        let home = Home::with_file("not-needed", "this is { not json");
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg()), ("OT_API_TOKEN", OT_ENV)]);
        let resolved = resolve(None, Some("https://x.example"), &env).unwrap();
        assert_eq!(token_of(&resolved), Some(OT_ENV));

        let env = fake_env(&[
            ("XDG_CONFIG_HOME", home.xdg()),
            ("OPENTRAIN_API_BASE_URL", "https://y.example"),
        ]);
        let resolved = resolve(Some(EXPLICIT), None, &env).unwrap();
        assert_eq!(resolved.base_url, "https://y.example");
    }

    #[test]
    fn directory_at_the_file_path_is_not_read_when_not_needed() {
        let home = Home::empty("dir-not-needed");
        fs::create_dir_all(&home.file).unwrap();
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(Some(EXPLICIT), Some("https://x.example"), &env).unwrap();
        assert_eq!(resolved.token_source, Source::Explicit);
    }

    #[test]
    fn missing_file_means_no_token_and_the_default_base_url() {
        let home = Home::empty("missing");
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(resolved.token, None);
        assert_eq!(resolved.token_source, Source::None);
        assert_eq!(resolved.base_url, DEFAULT_BASE_URL);
        assert_eq!(resolved.base_url_source, Source::Default);
        assert!(!home.file.exists(), "resolution must not create the file");
    }

    #[test]
    fn no_home_and_no_xdg_means_no_file_and_no_error() {
        let resolved = resolve(None, None, &fake_env(&[])).unwrap();
        assert_eq!(resolved.token, None);
        assert_eq!(resolved.base_url_source, Source::Default);
    }

    #[test]
    fn home_is_used_when_xdg_config_home_is_unset() {
        let dir = TempDir::new("home-fallback");
        let file = dir.0.join(".config").join("opentrain").join("cli.json");
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, format!(r#"{{"apiToken":"{FROM_FILE}"}}"#)).unwrap();
        let env = fake_env(&[("HOME", dir.0.path().to_str().unwrap())]);
        let resolved = resolve(None, None, &env).unwrap();
        assert_eq!(token_of(&resolved), Some(FROM_FILE));
        assert_eq!(resolved.token_source, Source::File(file));
    }

    #[test]
    fn unreadable_file_is_an_error_when_needed() {
        let home = Home::empty("unreadable");
        fs::create_dir_all(&home.file).unwrap();
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let err = resolve(None, None, &env).unwrap_err();
        match &err {
            opentrain::Error::Config(ConfigError::UnreadableCredentialsFile { path, .. }) => {
                assert_eq!(path, &home.file)
            }
            other => panic!("expected UnreadableCredentialsFile, got {other:?}"),
        }
        // Needed for the base URL only: still an error.
        let err = resolve(Some(EXPLICIT), None, &env).unwrap_err();
        assert!(matches!(
            err,
            opentrain::Error::Config(ConfigError::UnreadableCredentialsFile { .. })
        ));
    }

    #[test]
    fn non_json_file_is_an_error_when_needed_and_its_content_is_not_shown() {
        let home = Home::with_file(
            "not-json",
            &format!("{{\n  \"apiToken\": \"{FROM_FILE}\",\n  oops\n}}"),
        );
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg()), ("OT_API_TOKEN", OT_ENV)]);
        let err = resolve(None, None, &env).unwrap_err();
        match &err {
            opentrain::Error::Config(ConfigError::MalformedCredentialsFile {
                path,
                line,
                column,
                ..
            }) => {
                assert_eq!(path, &home.file);
                assert_eq!((*line, *column), (3, 3));
            }
            other => panic!("expected MalformedCredentialsFile, got {other:?}"),
        }
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("SecretFour"), "{shown}");
            assert!(!shown.contains("oops"), "{shown}");
        }
    }

    #[test]
    fn resolve_with_an_explicit_credentials_file_reads_that_file() {
        let home = Home::logged_in("explicit-file");
        let file = CredentialsFile::at(&home.file);
        let resolved =
            resolve_with_credentials_file(None, None, &fake_env(&[]), Some(&file)).unwrap();
        assert_eq!(token_of(&resolved), Some(FROM_FILE));
        let none = resolve_with_credentials_file(None, None, &fake_env(&[]), None).unwrap();
        assert_eq!(none.token, None);
    }

    // ----- bad values ------------------------------------------------------------------------

    fn assert_invalid_token(err: opentrain::Error, want_origin: Source, secret: &str) {
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains(secret), "secret leaked: {shown}");
        }
        match err {
            opentrain::Error::Config(ConfigError::InvalidToken {
                origin,
                expected_prefix,
                ..
            }) => {
                assert_eq!(origin, want_origin);
                assert_eq!(expected_prefix, "ot_pat_");
            }
            other => panic!("expected InvalidToken, got {other:?}"),
        }
    }

    #[test]
    fn wrong_token_prefix_from_the_explicit_argument_is_rejected() {
        let err = resolve(Some("sk_live_SecretXyz"), None, &fake_env(&[])).unwrap_err();
        assert_invalid_token(err, Source::Explicit, "SecretXyz");
    }

    #[test]
    fn explicit_empty_token_is_rejected() {
        let err = resolve(Some(""), None, &fake_env(&[])).unwrap_err();
        assert_invalid_token(err, Source::Explicit, "ot_pat_x");
    }

    #[test]
    fn wrong_token_prefix_from_ot_api_token_is_rejected_naming_the_variable() {
        let env = fake_env(&[("OT_API_TOKEN", "ot_clm_SecretXyz")]);
        let err = resolve(None, None, &env).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("OT_API_TOKEN") && text.contains("claim token"),
            "{text}"
        );
        assert_invalid_token(err, Source::Env("OT_API_TOKEN"), "SecretXyz");
    }

    #[test]
    fn wrong_token_prefix_from_opentrain_api_token_is_rejected_naming_the_variable() {
        let env = fake_env(&[("OPENTRAIN_API_TOKEN", "SecretXyz")]);
        let err = resolve(None, None, &env).unwrap_err();
        assert!(err.to_string().contains("OPENTRAIN_API_TOKEN"), "{err}");
        assert_invalid_token(err, Source::Env("OPENTRAIN_API_TOKEN"), "SecretXyz");
    }

    #[test]
    fn wrong_token_prefix_from_the_file_is_rejected_naming_the_file() {
        let home = Home::with_file("bad-file-token", r#"{"apiToken":"pat_SecretXyz"}"#);
        let env = fake_env(&[("XDG_CONFIG_HOME", home.xdg())]);
        let err = resolve(None, None, &env).unwrap_err();
        assert!(
            err.to_string().contains(home.file.to_str().unwrap()),
            "{err}"
        );
        assert_invalid_token(err, Source::File(home.file.clone()), "SecretXyz");
    }

    #[test]
    fn bad_base_url_is_rejected_naming_its_source() {
        let home = Home::with_file("bad-url", r#"{"baseUrl":"app.opentrain.ai"}"#);
        let xdg = ("XDG_CONFIG_HOME", home.xdg());
        let cases = [
            (
                resolve(None, Some("ftp://x.example"), &fake_env(&[xdg])),
                Source::Explicit,
            ),
            (
                resolve(None, None, &fake_env(&[xdg, ("OT_API_BASE_URL", "nope")])),
                Source::Env("OT_API_BASE_URL"),
            ),
            (
                resolve(
                    None,
                    None,
                    &fake_env(&[xdg, ("OPENTRAIN_API_BASE_URL", "http://")]),
                ),
                Source::Env("OPENTRAIN_API_BASE_URL"),
            ),
            (
                resolve(None, None, &fake_env(&[xdg])),
                Source::File(home.file.clone()),
            ),
            (resolve(None, Some(""), &fake_env(&[xdg])), Source::Explicit),
        ];
        for (result, want) in cases {
            match result {
                Err(opentrain::Error::Config(ConfigError::InvalidBaseUrl { origin, .. })) => {
                    assert_eq!(origin, want)
                }
                other => panic!("expected InvalidBaseUrl from {want:?}, got {other:?}"),
            }
        }
    }

    #[test]
    fn resolved_debug_does_not_contain_the_token() {
        let env = fake_env(&[("OT_API_TOKEN", OT_ENV)]);
        let resolved = resolve(None, None, &env).unwrap();
        for shown in [format!("{resolved:?}"), format!("{resolved:#?}")] {
            assert!(!shown.contains("SecretTwo"), "{shown}");
            assert!(!shown.contains("otenv"), "{shown}");
            assert!(shown.contains("ot_pat_…(redacted)"), "{shown}");
        }
    }

    // ----- default path ----------------------------------------------------------------------

    #[test]
    fn default_path_uses_xdg_config_home_when_absolute() {
        let env = fake_env(&[("XDG_CONFIG_HOME", "/xdg"), ("HOME", "/home/ada")]);
        assert_eq!(
            CredentialsFile::default_path(&env).unwrap(),
            Path::new("/xdg/opentrain/cli.json")
        );
    }

    #[test]
    fn default_path_falls_back_to_home_dot_config() {
        for xdg in [None, Some(""), Some("relative/dir")] {
            let mut vars = vec![("HOME", "/home/ada")];
            if let Some(xdg) = xdg {
                vars.push(("XDG_CONFIG_HOME", xdg));
            }
            assert_eq!(
                CredentialsFile::default_path(&fake_env(&vars)).unwrap(),
                Path::new("/home/ada/.config/opentrain/cli.json"),
                "XDG_CONFIG_HOME = {xdg:?}"
            );
        }
    }

    #[test]
    fn default_path_without_usable_home_or_xdg_is_a_typed_error() {
        for vars in [
            vec![],
            vec![("HOME", "")],
            vec![("HOME", "relative"), ("XDG_CONFIG_HOME", "also/relative")],
        ] {
            let err = CredentialsFile::default_path(&fake_env(&vars)).unwrap_err();
            assert!(
                matches!(err, opentrain::Error::Config(ConfigError::NoConfigDir)),
                "{vars:?}: {err:?}"
            );
            assert!(err.to_string().contains("set HOME"), "{err}");
        }
    }

    #[test]
    fn locate_points_at_the_default_path() {
        let env = fake_env(&[("HOME", "/home/ada")]);
        let file = CredentialsFile::locate(&env).unwrap();
        assert_eq!(
            file.path(),
            Path::new("/home/ada/.config/opentrain/cli.json")
        );
    }
}
