//! Reading a file a flag names, where `-` means stdin: the one reader behind
//! `--description-file`, `--body-file` and `--input`. A file that cannot be read is a usage
//! error naming the flag.

use std::path::Path;

use crate::error::CliError;

/// The bytes of `path` (`-`: stdin), for the flag `flag`.
pub fn read_bytes(path: &Path, flag: &str) -> Result<Vec<u8>, CliError> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
            .map_err(|e| CliError::usage(format!("cannot read {flag} from stdin: {e}")))?;
        Ok(bytes)
    } else {
        std::fs::read(path)
            .map_err(|e| CliError::usage(format!("cannot read {flag} {}: {e}", path.display())))
    }
}

/// The text of `path` (`-`: stdin), for the flag `flag`; text that is not UTF-8 is a usage
/// error.
pub fn read_text(path: &Path, flag: &str) -> Result<String, CliError> {
    String::from_utf8(read_bytes(path, flag)?)
        .map_err(|_| CliError::usage(format!("{flag} {} is not UTF-8 text", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_file_is_a_usage_error_naming_the_flag_and_the_path() {
        let err = read_bytes(Path::new("/nonexistent/body.json"), "--input").unwrap_err();
        assert!(
            matches!(&err, CliError::Usage(m) if m.starts_with("cannot read --input /nonexistent/body.json:")),
            "{err:?}"
        );
    }

    #[test]
    fn text_that_is_not_utf8_is_a_usage_error() {
        let dir = std::env::temp_dir().join(format!("opentrain-input-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("latin1.txt");
        std::fs::write(&file, [0xff, 0xfe, b'a']).unwrap();
        let err = read_text(&file, "--description-file").unwrap_err();
        assert!(
            matches!(&err, CliError::Usage(m) if m.ends_with("is not UTF-8 text")),
            "{err:?}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
