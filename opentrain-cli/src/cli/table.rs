//! The commands of the shared table ([`opentrain_tools::TOOLS`]): each tool with a command
//! becomes a subcommand of its family, its arguments flags (or positionals) named by the
//! kebab case of the MCP parameter, and a paged list takes the `--limit`, `--cursor`, `--all`
//! every list takes.

use clap::{ArgAction, Args, Command};
use opentrain::operations::ValueKind;
use opentrain_tools::{Flag, Tool};

use super::Paging;

/// `command` with the table's commands added to their families.
pub fn add_to(mut command: Command) -> Command {
    for tool in opentrain_tools::TOOLS {
        let Some((family, name)) = tool.command else {
            continue;
        };
        command = command.mut_subcommand(family, |f| f.subcommand(subcommand(tool, name)));
    }
    command
}

/// The clap command of one tool.
fn subcommand(tool: &Tool, name: &'static str) -> Command {
    let operation = tool.operation();
    let mut command = Command::new(name);
    for arg in tool.args {
        if tool.pages() && matches!(arg.name, "cursor" | "limit") {
            continue;
        }
        let spec = arg.spec(operation);
        let mut clap_arg = clap::Arg::new(arg.name)
            .help(arg.doc)
            .value_name(arg.value_name())
            .required(spec.required);
        match arg.flag {
            Flag::Positional => {}
            Flag::PositionalOrLong => {
                // The positional, or the same value as a flag: one of the two is required.
                let flag_id = or_flag(arg.name);
                clap_arg = clap_arg
                    .required(false)
                    .required_unless_present(flag_id.clone());
                command = command.arg(
                    clap::Arg::new(flag_id)
                        .long(arg.long())
                        .help(format!("{} (same as the positional argument)", arg.doc))
                        .value_name(arg.value_name())
                        .conflicts_with(arg.name),
                );
            }
            Flag::Long | Flag::Short(_) => clap_arg = clap_arg.long(arg.long()),
        }
        if let Flag::Short(letter) = arg.flag {
            clap_arg = clap_arg.short(letter);
        }
        clap_arg = match spec.kind {
            ValueKind::Boolean => clap_arg.action(ArgAction::SetTrue).required(false),
            ValueKind::Array => clap_arg.action(ArgAction::Append).value_delimiter(','),
            _ => clap_arg,
        };
        command = command.arg(clap_arg);
    }
    if tool.pages() {
        command = Paging::augment_args(command);
    }
    // After the paging flags, whose struct doc would otherwise become the about; without the
    // final period, as clap's derive writes the other commands' abouts.
    command.about(tool.about.trim_end_matches('.'))
}

/// The id of the flag form of a positional-or-flag argument.
pub fn or_flag(name: &str) -> String {
    format!("{name}-flag")
}
