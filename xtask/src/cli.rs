//! The `cargo xtask` command line: argument parsing, running a command, printing its report and
//! choosing the exit code (see [`crate::exit`]).
//!
//! [`run`] takes the arguments and the two output streams, so tests run the exact CLI in-process
//! and read what it printed.

use crate::drift::{DriftReport, diff};
use crate::refresh::{RefreshOptions, refresh};
use crate::{DEFAULT_URL, Error, convert, counts, default_spec_path, exit, fetch, fsutil};
use std::io::Write;
use std::path::PathBuf;
use std::time::Duration;

/// The help text.
pub const USAGE: &str = "\
usage: cargo xtask spec <command> [options]
       cargo xtask generate [--check] [--spec PATH]
       cargo xtask public-api [--check]

generate [--check] [--spec PATH]
      write the raw client (opentrain-gen/src/generated/, opentrain-types/src/generated/) from the spec;
      --check: exit 1, listing the stale files, when they differ from what the spec gives
public-api [--check]
      list the public API of the opentrain crate (rustdoc JSON) into opentrain/public-api.txt;
      --check: exit 1, with the difference, when the checked-in list is stale

commands:
  refresh [--url URL] [--out PATH] [--timeout SECS] [--allow-lossy]
      fetch the served spec, convert OpenAPI 3.1 to 3.0.3, canonicalize, run the
      generator gate, print the drift against the previous file, write atomically
  drift [--url URL | --file PATH] [--spec PATH] [--format text|json] [--timeout SECS]
      structural diff of the committed spec against the served (or given) one;
      exit 0 no drift, 1 additive only, 2 breaking
  check [--spec PATH]
      the generator-constraint gate alone; exit 1 when there are violations
  fmt [--spec PATH] [--check]
      rewrite the spec in canonical form (--check: exit 1 if it is not)

options:
  --url URL       the served spec (default https://app.opentrain.ai/api/public/v1/openapi.json)
  --spec PATH     the committed spec (default: openapi.json at the workspace root)
  --out PATH      the file refresh replaces (default: --spec)

errors exit 3 with the message on stderr";

/// Output format of `spec drift`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Grouped by operation, for CI logs.
    Text,
    /// `{"findings": [...], "summary": {...}}` for tools.
    Json,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// `spec refresh`.
    Refresh {
        /// `--url`.
        url: String,
        /// `--out` (or `--spec`).
        out: PathBuf,
        /// `--timeout`.
        timeout: Duration,
        /// `--allow-lossy`.
        allow_lossy: bool,
    },
    /// `spec drift`.
    Drift {
        /// `--url` (`None` when `--file` is given).
        url: Option<String>,
        /// `--file`.
        file: Option<PathBuf>,
        /// `--spec`.
        spec: PathBuf,
        /// `--format`.
        format: Format,
        /// `--timeout`.
        timeout: Duration,
    },
    /// `spec check`.
    Check {
        /// `--spec`.
        spec: PathBuf,
    },
    /// `spec fmt`.
    Fmt {
        /// `--spec`.
        spec: PathBuf,
        /// `--check`.
        check: bool,
    },
    /// `generate`.
    Generate {
        /// `--spec`.
        spec: PathBuf,
        /// `--check`.
        check: bool,
    },
    /// `public-api`.
    PublicApi {
        /// `--check`.
        check: bool,
    },
    /// `help`, `--help`, `-h`.
    Help,
}

/// Parses the arguments after the program name (`spec drift --format json ...`).
pub fn parse(args: &[String]) -> Result<Command, Error> {
    let usage = |m: String| Error::Usage(m);
    let mut it = args.iter().map(String::as_str);
    match it.next() {
        None | Some("help" | "--help" | "-h") => return Ok(Command::Help),
        Some("spec") => {}
        Some("generate") => {
            let mut spec = None;
            let mut check = false;
            let rest: Vec<&str> = it.collect();
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "--check" => check = true,
                    "--spec" => {
                        i += 1;
                        let value = rest
                            .get(i)
                            .ok_or_else(|| usage("--spec needs a value".into()))?;
                        spec = Some(PathBuf::from(value));
                    }
                    other => {
                        if let Some(value) = other.strip_prefix("--spec=") {
                            spec = Some(PathBuf::from(value));
                        } else {
                            return Err(usage(format!("unknown option `{other}` for generate")));
                        }
                    }
                }
                i += 1;
            }
            return Ok(Command::Generate {
                spec: spec.unwrap_or_else(default_spec_path),
                check,
            });
        }
        Some("public-api") => {
            let mut check = false;
            for arg in it {
                match arg {
                    "--check" => check = true,
                    other => {
                        return Err(usage(format!("unknown option `{other}` for public-api")));
                    }
                }
            }
            return Ok(Command::PublicApi { check });
        }
        Some(other) => return Err(usage(format!("unknown task `{other}`"))),
    }
    let command = match it.next() {
        None | Some("help" | "--help" | "-h") => return Ok(Command::Help),
        Some(c @ ("refresh" | "drift" | "check" | "fmt")) => c,
        Some(other) => return Err(usage(format!("unknown spec command `{other}`"))),
    };

    let mut url = None;
    let mut file = None;
    let mut spec = None;
    let mut out = None;
    let mut format = Format::Text;
    let mut timeout = fetch::DEFAULT_TIMEOUT;
    let mut allow_lossy = false;
    let mut check = false;
    let rest: Vec<&str> = it.collect();
    let mut i = 0;
    while i < rest.len() {
        let (flag, inline) = match rest[i].split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f, Some(v.to_owned())),
            _ => (rest[i], None),
        };
        i += 1;
        let takes_value = matches!(
            flag,
            "--url" | "--file" | "--spec" | "--out" | "--format" | "--timeout"
        );
        let value = if takes_value {
            match inline {
                Some(v) => v,
                None => {
                    let v = rest
                        .get(i)
                        .ok_or_else(|| usage(format!("{flag} needs a value")))?;
                    i += 1;
                    (*v).to_owned()
                }
            }
        } else {
            if inline.is_some() {
                return Err(usage(format!("{flag} takes no value")));
            }
            String::new()
        };
        let allowed: &[&str] = match command {
            "refresh" => &["--url", "--out", "--spec", "--timeout", "--allow-lossy"],
            "drift" => &["--url", "--file", "--spec", "--format", "--timeout"],
            "check" => &["--spec"],
            _ => &["--spec", "--check"],
        };
        if !allowed.contains(&flag) {
            return Err(usage(format!("`spec {command}` does not take `{flag}`")));
        }
        match flag {
            "--url" => url = Some(value),
            "--file" => file = Some(PathBuf::from(value)),
            "--spec" => spec = Some(PathBuf::from(value)),
            "--out" => out = Some(PathBuf::from(value)),
            "--format" => {
                format = match value.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    other => {
                        return Err(usage(format!(
                            "--format must be `text` or `json`, not `{other}`"
                        )));
                    }
                }
            }
            "--timeout" => {
                timeout = value
                    .parse::<f64>()
                    .ok()
                    .filter(|s| *s > 0.0)
                    .and_then(|s| Duration::try_from_secs_f64(s).ok())
                    .ok_or_else(|| {
                        usage(format!(
                            "--timeout must be a positive number of seconds, not `{value}`"
                        ))
                    })?;
            }
            "--allow-lossy" => allow_lossy = true,
            _ => check = true,
        }
    }
    let spec_or_default = |p: Option<PathBuf>| p.unwrap_or_else(default_spec_path);
    Ok(match command {
        "refresh" => Command::Refresh {
            url: url.unwrap_or_else(|| DEFAULT_URL.to_owned()),
            out: spec_or_default(out.or(spec)),
            timeout,
            allow_lossy,
        },
        "drift" => {
            if url.is_some() && file.is_some() {
                return Err(usage("give either --url or --file, not both".into()));
            }
            Command::Drift {
                url: if file.is_none() {
                    Some(url.unwrap_or_else(|| DEFAULT_URL.to_owned()))
                } else {
                    None
                },
                file,
                spec: spec_or_default(spec),
                format,
                timeout,
            }
        }
        "check" => Command::Check {
            spec: spec_or_default(spec),
        },
        _ => Command::Fmt {
            spec: spec_or_default(spec),
            check,
        },
    })
}

/// Runs a command line and returns the process exit code; reports go to `out`, errors and
/// warnings to `err`.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let result = parse(args).and_then(|command| execute(command, out, err));
    match result {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(err, "error: {e}");
            exit::ERROR
        }
    }
}

fn execute(command: Command, out: &mut dyn Write, err: &mut dyn Write) -> Result<i32, Error> {
    match command {
        Command::Help => {
            let _ = writeln!(out, "{USAGE}");
            Ok(exit::OK)
        }
        Command::Refresh {
            url,
            out: path,
            timeout,
            allow_lossy,
        } => {
            let outcome = refresh(&RefreshOptions {
                url,
                out: path,
                timeout,
                allow_lossy,
            })?;
            let _ = write!(out, "{}", outcome.to_text());
            Ok(exit::OK)
        }
        Command::Drift {
            url,
            file,
            spec,
            format,
            timeout,
        } => {
            let committed = convert::to_openapi_3_0(fetch::read_spec_file(&spec)?).doc;
            let (served, origin) = match (file, url) {
                (Some(f), _) => (fetch::read_spec_file(&f)?, f.display().to_string()),
                (None, Some(u)) => (fetch::fetch_spec(&u, timeout)?, u),
                (None, None) => return Err(Error::Usage("nothing to compare with".into())),
            };
            let conversion = convert::to_openapi_3_0(served);
            if let Some(v) = &conversion.converted_from {
                let _ = writeln!(
                    err,
                    "note: {origin} is OpenAPI {v}; compared after conversion to 3.0.3"
                );
            }
            for l in &conversion.losses {
                let _ = writeln!(err, "warning: not comparable after conversion: {l}");
            }
            let report: DriftReport = diff(&committed, &conversion.doc);
            let text = match format {
                Format::Text => report.to_text(),
                Format::Json => report.to_json(),
            };
            let _ = write!(out, "{text}");
            Ok(report.exit_code())
        }
        Command::Generate { spec, check } => {
            let files = crate::generate::generate(&spec).map_err(|message| Error::Generate {
                spec: spec.clone(),
                message,
            })?;
            let dir = crate::generate::output_dir(&spec);
            let mut stale = Vec::new();
            for (name, content) in &files {
                let path = dir.join(name);
                let current = std::fs::read_to_string(&path).unwrap_or_default();
                if current != *content {
                    stale.push(path);
                }
            }
            if check {
                if stale.is_empty() {
                    let _ = writeln!(
                        out,
                        "generate --check: {} files are up to date",
                        files.len()
                    );
                    return Ok(exit::OK);
                }
                let _ = writeln!(
                    out,
                    "generate --check: {} file(s) differ from what {} gives (run `cargo xtask generate`):",
                    stale.len(),
                    spec.display()
                );
                for path in &stale {
                    let _ = writeln!(out, "  {}", path.display());
                }
                return Ok(exit::ADDITIVE);
            }
            for (name, content) in &files {
                let path = dir.join(name);
                if let Some(parent) = path.parent() {
                    std::fs::create_dir_all(parent).map_err(|source| Error::Io {
                        action: "create",
                        path: parent.to_path_buf(),
                        source,
                    })?;
                }
                fsutil::write_atomic(&path, content.as_bytes())?;
            }
            let _ = writeln!(
                out,
                "generate: wrote {} file(s) under {} ({} changed)",
                files.len(),
                dir.display(),
                stale.len()
            );
            Ok(exit::OK)
        }
        Command::PublicApi { check } => {
            crate::public_api::run(&crate::workspace_root(), check, out, err)
        }
        Command::Check { spec } => {
            let doc = fetch::read_spec_file(&spec)?;
            let violations = opentrain_spec::check(&doc);
            let (ops, schemas) = counts(&doc);
            if violations.is_empty() {
                let _ = writeln!(
                    out,
                    "spec check: {} passes the generator gate ({ops} operations, {schemas} schemas)",
                    spec.display()
                );
                return Ok(exit::OK);
            }
            let _ = writeln!(
                out,
                "spec check: {} breaks {} generator constraint(s):",
                spec.display(),
                violations.len()
            );
            for v in &violations {
                let _ = writeln!(out, "  {v}");
            }
            Ok(exit::ADDITIVE)
        }
        Command::Fmt { spec, check } => {
            let bytes = std::fs::read(&spec).map_err(|source| Error::Io {
                action: "read",
                path: spec.clone(),
                source,
            })?;
            let doc = fetch::parse_spec(&bytes, &format!("file {}", spec.display()))?;
            let canonical = opentrain_spec::to_canonical_string(&doc);
            if canonical.as_bytes() == bytes.as_slice() {
                let _ = writeln!(out, "spec fmt: {} is canonical", spec.display());
                Ok(exit::OK)
            } else if check {
                let _ = writeln!(
                    out,
                    "spec fmt: {} is not in canonical form (run `cargo xtask spec fmt`)",
                    spec.display()
                );
                Ok(exit::ADDITIVE)
            } else {
                fsutil::write_atomic(&spec, canonical.as_bytes())?;
                let _ = writeln!(
                    out,
                    "spec fmt: rewrote {} in canonical form",
                    spec.display()
                );
                Ok(exit::OK)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(str::to_owned).collect()
    }

    #[test]
    fn parses_drift_options() {
        let c = parse(&args(
            "spec drift --file a.json --spec=b.json --format json --timeout 2.5",
        ))
        .unwrap();
        assert_eq!(
            c,
            Command::Drift {
                url: None,
                file: Some("a.json".into()),
                spec: "b.json".into(),
                format: Format::Json,
                timeout: Duration::from_millis(2500),
            }
        );
    }

    #[test]
    fn refresh_defaults_to_the_served_url_and_the_committed_spec() {
        let Command::Refresh { url, out, .. } = parse(&args("spec refresh")).unwrap() else {
            panic!("not refresh");
        };
        assert_eq!(url, DEFAULT_URL);
        assert!(out.ends_with("openapi.json"));
    }

    #[test]
    fn parses_public_api() {
        assert_eq!(
            parse(&args("public-api")).unwrap(),
            Command::PublicApi { check: false }
        );
        assert_eq!(
            parse(&args("public-api --check")).unwrap(),
            Command::PublicApi { check: true }
        );
        let e = parse(&args("public-api --spec x")).unwrap_err().to_string();
        assert!(e.contains("unknown option `--spec` for public-api"), "{e}");
    }

    #[test]
    fn bad_usage_is_an_error_with_the_usage_text() {
        for (line, needle) in [
            ("spec drift --url u --file f", "either --url or --file"),
            ("spec check --url u", "`spec check` does not take `--url`"),
            ("spec drift --format yaml", "--format must be"),
            ("spec refresh --timeout 0", "--timeout must be"),
            ("spec refresh --timeout 1e300", "--timeout must be"),
            ("spec refresh --timeout NaN", "--timeout must be"),
            ("spec refresh --out", "--out needs a value"),
            ("spec bogus", "unknown spec command"),
            ("lint", "unknown task"),
        ] {
            let e = parse(&args(line)).unwrap_err().to_string();
            assert!(e.contains(needle), "{line}: {e}");
            assert!(e.contains("usage: cargo xtask spec"), "{line}: {e}");
        }
        let mut out = Vec::new();
        let mut err = Vec::new();
        assert_eq!(run(&args("spec nope"), &mut out, &mut err), exit::ERROR);
        assert!(String::from_utf8_lossy(&err).starts_with("error: unknown spec command"));
    }
}
