//! The commands of the shared table ([`opentrain_tools::TOOLS`]): each tool with a command
//! becomes a subcommand of its family, its arguments flags (or positionals) named by the
//! kebab case of the MCP parameter, and a paged list takes the `--limit`, `--cursor`, `--all`
//! every list takes. An object argument is its members' flags, or, without listed members,
//! repeatable `--flag key=value`; an argument read from a file also takes `--flag-file PATH`.

use clap::{ArgAction, Args, Command};
use opentrain::operations::ValueKind;
use opentrain_tools::{Arg, Flag, Spec, Surface, Tool};

use super::Paging;

/// `command` with the table's commands added to their families (`jobs draft` is the family
/// `draft` within `jobs`).
pub fn add_to(mut command: Command) -> Command {
    for tool in opentrain_tools::TOOLS {
        let Some((family, name)) = tool.command else {
            continue;
        };
        let path: Vec<&str> = family.split(' ').collect();
        command = within(command, &path, subcommand(tool, name));
    }
    command
}

/// `command` with `leaf` added to its family at `path`.
fn within(command: Command, path: &[&str], leaf: Command) -> Command {
    match path {
        [] => command.subcommand(leaf),
        [first, rest @ ..] => command.mut_subcommand(*first, |family| within(family, rest, leaf)),
    }
}

/// The clap command of one tool.
fn subcommand(tool: &Tool, name: &'static str) -> Command {
    let operation = tool.operation();
    let mut command = Command::new(name);
    for arg in tool.args_on(Surface::Command) {
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
        if arg.file {
            // The same value read from a file (`-`: stdin); the rules of the tool say which
            // of the two is needed.
            command = command.arg(
                clap::Arg::new(file_flag(arg.name))
                    .long(format!("{}-file", arg.long()))
                    .help(format!("Read --{} from a file (`-` for stdin)", arg.long()))
                    .value_name("PATH")
                    .conflicts_with(arg.name),
            );
        }
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
        .help(arg.command_help())
        .value_name(arg.value_name())
        .required(within && spec.required);
    match arg.flag {
        Flag::Positional | Flag::PositionalOrLong => {}
        Flag::Long => clap_arg = clap_arg.long(arg.long()),
        Flag::Short(letter) => clap_arg = clap_arg.long(arg.long()).short(letter),
    }
    clap_arg = clap_arg.visible_aliases(arg.aliases);
    if let (Some(default), Some(_)) = (spec.default, arg.kind) {
        // An option of the tool's own has its default on the command line; a field's default
        // is the server's to apply.
        clap_arg = clap_arg.default_value(default.trim_matches('"'));
    }
    match spec.kind {
        ValueKind::Boolean => clap_arg.action(ArgAction::SetTrue).required(false),
        ValueKind::Array => clap_arg.action(ArgAction::Append).value_delimiter(','),
        // An object without listed members: repeatable `key=value` assignments (`--set`).
        ValueKind::Object => clap_arg.action(ArgAction::Append),
        // A negative number reaches the range check instead of reading as a flag.
        ValueKind::Integer | ValueKind::Number => clap_arg.allow_negative_numbers(true),
        _ => clap_arg,
    }
}

/// The id of the flag form of a positional-or-flag argument.
pub fn or_flag(name: &str) -> String {
    format!("{name}-flag")
}

/// The id of the file form of an argument read from a file (`--description-file`).
pub fn file_flag(name: &str) -> String {
    format!("{name}-file")
}
