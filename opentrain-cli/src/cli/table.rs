//! The commands of the shared table ([`opentrain_tools::TOOLS`]): each tool with a command
//! becomes a subcommand of its family, its arguments flags (or positionals) named by the
//! kebab case of the MCP parameter, and a paged list takes the `--limit`, `--cursor`, `--all`
//! every list takes.

use clap::{ArgAction, Args, Command};
use opentrain::operations::ValueKind;
use opentrain_tools::{Arg, Flag, Spec, Tool};

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
        if !arg.members.is_empty() {
            // An object argument: each member is a flag of its own (`--amount`, `--name`).
            let parent = operation.body_field(arg.field);
            for member in arg.members {
                let member_spec = member.spec_in(parent);
                command = command.arg(flag(member, &member_spec, spec.required));
            }
            continue;
        }
        if arg.flag == Flag::PositionalOrLong {
            // The positional, or the same value as a flag: one of the two is required.
            let flag_id = or_flag(arg.name);
            command = command
                .arg(
                    clap::Arg::new(flag_id.clone())
                        .long(arg.long())
                        .help(format!("{} (same as the positional argument)", arg.doc))
                        .value_name(arg.value_name())
                        .conflicts_with(arg.name),
                )
                .arg(
                    flag(arg, &spec, false)
                        .required(false)
                        .required_unless_present(flag_id),
                );
            continue;
        }
        command = command.arg(flag(arg, &spec, true));
    }
    if tool.pages() {
        command = Paging::augment_args(command);
    }
    // After the paging flags, whose struct doc would otherwise become the about; without the
    // final period, as clap's derive writes the other commands' abouts.
    command.about(tool.about.trim_end_matches('.'))
}

/// The clap argument of one tool argument (or object member): a flag or a positional, a
/// switch for a boolean, repeatable with commas for a list; required when the spec requires it
/// and `within` (its object, if any) is required.
fn flag(arg: &Arg, spec: &Spec, within: bool) -> clap::Arg {
    let mut clap_arg = clap::Arg::new(arg.name)
        .help(arg.doc)
        .value_name(arg.value_name())
        .required(within && spec.required);
    match arg.flag {
        Flag::Positional | Flag::PositionalOrLong => {}
        Flag::Long => clap_arg = clap_arg.long(arg.long()),
        Flag::Short(letter) => clap_arg = clap_arg.long(arg.long()).short(letter),
    }
    match spec.kind {
        ValueKind::Boolean => clap_arg.action(ArgAction::SetTrue).required(false),
        ValueKind::Array => clap_arg.action(ArgAction::Append).value_delimiter(','),
        // A negative number reaches the range check instead of reading as a flag.
        ValueKind::Integer | ValueKind::Number => clap_arg.allow_negative_numbers(true),
        _ => clap_arg,
    }
}

/// The id of the flag form of a positional-or-flag argument.
pub fn or_flag(name: &str) -> String {
    format!("{name}-flag")
}
