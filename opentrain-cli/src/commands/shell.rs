//! What the shell and the manual need, generated from the clap definition itself so they never
//! fall behind it: `opentrain completions <shell>` prints a completion script, `opentrain man`
//! prints the `opentrain(1)` manual page (roff).

use std::io::Write;

use crate::cli::CompletionShell;
use crate::error::CliError;

/// `opentrain completions <shell>`: the completion script on stdout.
pub fn completions(shell: CompletionShell) -> Result<(), CliError> {
    let mut command = crate::cli::command();
    let mut script = Vec::new();
    let shell = match shell {
        CompletionShell::Bash => clap_complete::Shell::Bash,
        CompletionShell::Zsh => clap_complete::Shell::Zsh,
        CompletionShell::Fish => clap_complete::Shell::Fish,
        CompletionShell::Powershell => clap_complete::Shell::PowerShell,
    };
    clap_complete::generate(shell, &mut command, "opentrain", &mut script);
    write_stdout(&script, "the completion script")
}

/// `opentrain man`: the manual page on stdout.
pub fn man() -> Result<(), CliError> {
    let mut page = Vec::new();
    clap_mangen::Man::new(crate::cli::command())
        .render(&mut page)
        .map_err(|source| CliError::Io {
            what: "cannot render the manual page".into(),
            source,
        })?;
    write_stdout(&page, "the manual page")
}

/// Writes `bytes` to stdout; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8], what: &str) -> Result<(), CliError> {
    match std::io::stdout().lock().write_all(bytes) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|source| CliError::Io {
            what: format!("cannot write {what}"),
            source,
        }),
    }
}
