//! The credentials file (`opentrain::config::CredentialsFile`): the official CLI's layout,
//! atomic private writes, unknown keys kept, refusing to overwrite a login, and read errors.

mod common;

// In a module so that `cargo test config` selects these tests.
mod config_file {
    use std::fs;

    use opentrain::Secret;
    use opentrain::config::{ConfigError, Credentials, CredentialsFile, Overwrite};
    use serde_json::{Value, json};

    use tests::Scratch;

    const PAT: &str = "ot_pat_pub1_SecretPatValue";
    const CLM: &str = "ot_clm_SecretClaimValue";

    /// A fresh directory for one test, removed on drop (the shared `Scratch`).
    struct TempDir(Scratch);

    impl TempDir {
        fn new(tag: &str) -> Self {
            Self(Scratch::new(&format!("config-file-{tag}")))
        }

        /// The credentials file at `<dir>/opentrain/cli.json` (directory not created).
        fn file(&self) -> CredentialsFile {
            CredentialsFile::at(self.0.join("opentrain").join("cli.json"))
        }

        /// The credentials file, with `content` written to it by another tool.
        fn file_with(&self, content: &str) -> CredentialsFile {
            let file = self.file();
            fs::create_dir_all(file.path().parent().unwrap()).unwrap();
            fs::write(file.path(), content).unwrap();
            file
        }
    }

    fn login() -> Credentials {
        Credentials {
            api_token: Some(Secret::api_token(PAT).unwrap()),
            base_url: Some("https://app.opentrain.ai".to_owned()),
            claim_token: Some(Secret::claim_token(CLM).unwrap()),
            ..Credentials::default()
        }
    }

    fn read_json(file: &CredentialsFile) -> Value {
        serde_json::from_slice(&fs::read(file.path()).unwrap()).unwrap()
    }

    fn dir_entries(file: &CredentialsFile) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(file.path().parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    // ----- layout ----------------------------------------------------------------------------

    #[test]
    fn save_writes_the_official_cli_layout_and_load_reads_it_back() {
        let dir = TempDir::new("layout");
        let file = dir.file();
        file.save(&login(), Overwrite::Refuse).unwrap();
        assert_eq!(
            read_json(&file),
            json!({"apiToken": PAT, "baseUrl": "https://app.opentrain.ai", "claimToken": CLM})
        );
        assert_eq!(file.load().unwrap(), login());
    }

    #[test]
    fn absent_fields_are_not_written() {
        let dir = TempDir::new("absent");
        let file = dir.file();
        let creds = Credentials {
            api_token: Some(Secret::new(PAT)),
            ..Credentials::default()
        };
        file.save(&creds, Overwrite::Allow).unwrap();
        assert_eq!(read_json(&file), json!({"apiToken": PAT}));
    }

    #[test]
    fn null_fields_in_the_file_read_as_none() {
        let dir = TempDir::new("nulls");
        let file = dir.file_with(r#"{"apiToken":null,"baseUrl":null,"claimToken":null}"#);
        assert_eq!(file.load().unwrap(), Credentials::default());
    }

    #[test]
    fn unknown_keys_are_kept_across_save() {
        let dir = TempDir::new("unknown-keys");
        let file = dir.file_with(
            r#"{"apiToken":"ot_pat_old_x","telemetry":false,"profiles":{"work":{"region":"eu"}}}"#,
        );
        let mut creds = file.load().unwrap();
        assert_eq!(creds.other.get("telemetry"), Some(&json!(false)));
        creds.api_token = Some(Secret::new(PAT));
        file.save(&creds, Overwrite::Allow).unwrap();
        assert_eq!(
            read_json(&file),
            json!({"apiToken": PAT, "telemetry": false, "profiles": {"work": {"region": "eu"}}})
        );
    }

    #[test]
    fn update_drops_the_claim_token_and_keeps_everything_else() {
        let dir = TempDir::new("update");
        let file = dir.file_with(&format!(
            r#"{{"apiToken":"{PAT}","baseUrl":"https://x.example","claimToken":"{CLM}","extra":1}}"#
        ));
        let had_claim = file.update(|c| c.claim_token.take().is_some()).unwrap();
        assert!(had_claim);
        assert_eq!(
            read_json(&file),
            json!({"apiToken": PAT, "baseUrl": "https://x.example", "extra": 1})
        );
    }

    #[test]
    fn update_creates_a_missing_file() {
        let dir = TempDir::new("update-missing");
        let file = dir.file();
        file.update(|c| c.claim_token = Some(Secret::new(CLM)))
            .unwrap();
        assert_eq!(read_json(&file), json!({"claimToken": CLM}));
    }

    #[test]
    fn update_of_a_malformed_file_fails_and_leaves_it_untouched() {
        let dir = TempDir::new("update-malformed");
        let file = dir.file_with("not json at all");
        let err = file.update(|c| c.claim_token = None).unwrap_err();
        assert!(
            matches!(
                err,
                opentrain::Error::Config(ConfigError::MalformedCredentialsFile { .. })
            ),
            "{err:?}"
        );
        assert_eq!(fs::read_to_string(file.path()).unwrap(), "not json at all");
    }

    // ----- permissions and atomicity ---------------------------------------------------------

    #[cfg(unix)]
    #[test]
    fn save_creates_the_file_with_mode_0600_and_its_directory_with_mode_0700() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("modes");
        let file = dir.file();
        assert!(!file.path().parent().unwrap().exists());
        file.save(&login(), Overwrite::Refuse).unwrap();
        let mode = |p: &std::path::Path| fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(file.path()), 0o600);
        assert_eq!(mode(file.path().parent().unwrap()), 0o700);
    }

    #[cfg(unix)]
    #[test]
    fn save_makes_an_existing_world_readable_file_private() {
        use std::os::unix::fs::PermissionsExt;
        let dir = TempDir::new("tighten");
        let file = dir.file_with("{}");
        fs::set_permissions(file.path(), fs::Permissions::from_mode(0o644)).unwrap();
        file.save(&login(), Overwrite::Allow).unwrap();
        let mode = fs::metadata(file.path()).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn save_leaves_no_temporary_files_behind() {
        let dir = TempDir::new("no-temp");
        let file = dir.file();
        file.save(&login(), Overwrite::Allow).unwrap();
        file.update(|c| c.claim_token = None).unwrap();
        file.save(&Credentials::default(), Overwrite::Allow)
            .unwrap();
        assert_eq!(dir_entries(&file), ["cli.json"]);
    }

    #[test]
    fn a_stray_temporary_file_from_an_interrupted_save_does_not_break_load_or_save() {
        let dir = TempDir::new("interrupted");
        let file = dir.file_with(&format!(r#"{{"apiToken":"{PAT}"}}"#));
        let stray = file
            .path()
            .with_file_name(".cli.json.tmp-1-00000000deadbeef");
        fs::write(&stray, r#"{"apiToken":"ot_pat_half"#).unwrap();

        assert_eq!(file.load().unwrap().api_token, Some(Secret::new(PAT)));
        file.update(|c| c.base_url = Some("https://x.example".into()))
            .unwrap();
        assert_eq!(
            read_json(&file),
            json!({"apiToken": PAT, "baseUrl": "https://x.example"})
        );
        assert!(
            stray.exists(),
            "another process's temp file is not ours to delete"
        );
    }

    #[cfg(unix)]
    #[test]
    fn save_through_a_symlink_keeps_the_link_and_replaces_its_target() {
        let dir = TempDir::new("symlink");
        let real = dir.0.join("dotfiles").join("opentrain.json");
        fs::create_dir_all(real.parent().unwrap()).unwrap();
        fs::write(&real, r#"{"baseUrl":"https://x.example"}"#).unwrap();
        let file = dir.file();
        fs::create_dir_all(file.path().parent().unwrap()).unwrap();
        std::os::unix::fs::symlink(&real, file.path()).unwrap();

        file.update(|c| c.api_token = Some(Secret::new(PAT)))
            .unwrap();
        let link = fs::symlink_metadata(file.path()).unwrap();
        assert!(link.file_type().is_symlink(), "the link was replaced");
        let written: Value = serde_json::from_slice(&fs::read(&real).unwrap()).unwrap();
        assert_eq!(
            written,
            json!({"apiToken": PAT, "baseUrl": "https://x.example"})
        );
        assert_eq!(dir_entries(&file), ["cli.json"]);
    }

    #[test]
    fn failed_write_is_a_typed_error_naming_the_path() {
        let dir = TempDir::new("write-fails");
        let blocker = dir.0.join("not-a-dir");
        fs::write(&blocker, "").unwrap();
        let file = CredentialsFile::at(blocker.join("cli.json"));
        let err = file.save(&login(), Overwrite::Allow).unwrap_err();
        match &err {
            opentrain::Error::Config(ConfigError::WriteFailed { path, .. }) => {
                assert_eq!(path, file.path())
            }
            other => panic!("expected WriteFailed, got {other:?}"),
        }
        assert!(!err.to_string().contains("Secret"), "{err}");
    }

    // ----- refusing to overwrite -------------------------------------------------------------

    #[test]
    fn refuse_fails_when_the_file_holds_an_api_token() {
        let dir = TempDir::new("refuse-api");
        let file = dir.file_with(&format!(r#"{{"apiToken":"{PAT}"}}"#));
        let err = file.save(&login(), Overwrite::Refuse).unwrap_err();
        match &err {
            opentrain::Error::Config(ConfigError::CredentialsExist { path }) => {
                assert_eq!(path, file.path())
            }
            other => panic!("expected CredentialsExist, got {other:?}"),
        }
        assert!(err.to_string().contains("--force"), "{err}");
        assert_eq!(read_json(&file), json!({"apiToken": PAT}));
    }

    #[test]
    fn refuse_fails_when_the_file_holds_a_claim_token() {
        let dir = TempDir::new("refuse-claim");
        let file = dir.file_with(&format!(r#"{{"claimToken":"{CLM}"}}"#));
        let err = file.save(&login(), Overwrite::Refuse).unwrap_err();
        assert!(
            matches!(
                err,
                opentrain::Error::Config(ConfigError::CredentialsExist { .. })
            ),
            "{err:?}"
        );
    }

    #[test]
    fn refuse_writes_when_the_file_holds_no_login() {
        let dir = TempDir::new("refuse-ok");
        let file = dir.file_with(r#"{"baseUrl":"https://x.example","apiToken":""}"#);
        file.save(&login(), Overwrite::Refuse).unwrap();
        assert_eq!(file.load().unwrap(), login());
    }

    #[test]
    fn refuse_does_not_clobber_a_file_it_cannot_parse() {
        let dir = TempDir::new("refuse-malformed");
        let file = dir.file_with("{ garbage");
        let err = file.save(&login(), Overwrite::Refuse).unwrap_err();
        assert!(
            matches!(
                err,
                opentrain::Error::Config(ConfigError::MalformedCredentialsFile { .. })
            ),
            "{err:?}"
        );
        assert_eq!(fs::read_to_string(file.path()).unwrap(), "{ garbage");
    }

    #[test]
    fn allow_overwrites_an_existing_login() {
        let dir = TempDir::new("allow");
        let file = dir.file_with(r#"{"apiToken":"ot_pat_old_x","claimToken":"ot_clm_old"}"#);
        file.save(&login(), Overwrite::Allow).unwrap();
        assert_eq!(file.load().unwrap(), login());
    }

    // ----- reading errors --------------------------------------------------------------------

    #[test]
    fn load_of_a_missing_file_is_missing_credentials_file() {
        let dir = TempDir::new("missing");
        let file = dir.file();
        match file.load().unwrap_err() {
            opentrain::Error::Config(ConfigError::MissingCredentialsFile { path }) => {
                assert_eq!(path, file.path())
            }
            other => panic!("expected MissingCredentialsFile, got {other:?}"),
        }
        assert_eq!(file.load_optional().unwrap(), None);
    }

    #[test]
    fn load_of_a_directory_is_unreadable_credentials_file() {
        let dir = TempDir::new("directory");
        let file = dir.file();
        fs::create_dir_all(file.path()).unwrap();
        for err in [file.load().unwrap_err(), file.load_optional().unwrap_err()] {
            match &err {
                opentrain::Error::Config(ConfigError::UnreadableCredentialsFile {
                    path, ..
                }) => {
                    assert_eq!(path, file.path());
                }
                other => panic!("expected UnreadableCredentialsFile, got {other:?}"),
            }
        }
    }

    #[test]
    fn load_of_non_json_reports_line_and_column_but_not_the_content() {
        let dir = TempDir::new("non-json");
        let file = dir.file_with(&format!(
            "{{\"apiToken\": \"{PAT}\",\n\"x\": SecretGarbage}}"
        ));
        let err = file.load().unwrap_err();
        match &err {
            opentrain::Error::Config(ConfigError::MalformedCredentialsFile {
                path,
                line,
                column,
                ..
            }) => {
                assert_eq!(path, file.path());
                assert_eq!((*line, *column), (2, 6));
            }
            other => panic!("expected MalformedCredentialsFile, got {other:?}"),
        }
        for shown in [err.to_string(), format!("{err:?}")] {
            assert!(!shown.contains("Secret"), "content leaked: {shown}");
        }
    }

    #[test]
    fn load_of_json_with_the_wrong_shape_is_malformed_without_echoing_values() {
        let dir = TempDir::new("wrong-shape");
        for content in [
            "[]",
            "\"ot_pat_SecretInAString\"",
            r#"{"apiToken": 12345}"#,
            r#"{"apiToken": ["ot_pat_SecretInArray"]}"#,
            "",
        ] {
            let file = dir.file_with(content);
            let err = file.load().unwrap_err();
            assert!(
                matches!(
                    err,
                    opentrain::Error::Config(ConfigError::MalformedCredentialsFile { .. })
                ),
                "{content:?}: {err:?}"
            );
            let shown = format!("{err} {err:?}");
            assert!(
                !shown.contains("Secret") && !shown.contains("12345"),
                "{shown}"
            );
        }
    }

    #[test]
    fn load_accepts_a_utf8_byte_order_mark() {
        let dir = TempDir::new("bom");
        let file = dir.file_with(&format!("\u{feff}{{\"apiToken\":\"{PAT}\"}}"));
        assert_eq!(file.load().unwrap().api_token, Some(Secret::new(PAT)));
    }

    // ----- remove ----------------------------------------------------------------------------

    #[test]
    fn remove_deletes_the_file_and_reports_whether_it_existed() {
        let dir = TempDir::new("remove");
        let file = dir.file_with(&format!(r#"{{"apiToken":"{PAT}"}}"#));
        assert!(file.remove().unwrap());
        assert!(!file.path().exists());
        assert!(!file.remove().unwrap());
    }

    #[test]
    fn remove_of_a_directory_is_remove_failed() {
        let dir = TempDir::new("remove-dir");
        let file = dir.file();
        fs::create_dir_all(file.path()).unwrap();
        assert!(matches!(
            file.remove().unwrap_err(),
            opentrain::Error::Config(ConfigError::RemoveFailed { .. })
        ));
    }

    // ----- no secret in Debug ----------------------------------------------------------------

    #[test]
    fn credentials_debug_hides_tokens_and_the_values_of_other_keys() {
        let mut creds = login();
        creds
            .other
            .insert("refreshToken".into(), json!("SecretOtherTool"));
        for shown in [format!("{creds:?}"), format!("{creds:#?}")] {
            for secret in ["SecretPatValue", "SecretClaimValue", "SecretOtherTool"] {
                assert!(!shown.contains(secret), "{secret} leaked: {shown}");
            }
            assert!(shown.contains("ot_pat_…(redacted)"), "{shown}");
            assert!(shown.contains("ot_clm_…(redacted)"), "{shown}");
            assert!(shown.contains("refreshToken"), "{shown}");
        }
    }

    #[test]
    fn has_login_means_a_non_empty_api_or_claim_token() {
        assert!(login().has_login());
        assert!(!Credentials::default().has_login());
        let empty = Credentials {
            api_token: Some(Secret::new("")),
            ..Credentials::default()
        };
        assert!(!empty.has_login());
    }
}
