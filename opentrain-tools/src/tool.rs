//! One entry of the table: a [`Tool`] (its MCP name, its command, the operation it runs, what it
//! does to the account) and its [`Arg`]s. An argument names the operation's parameter or body
//! member it fills; its type, range, length, default and values are the spec's, read from the
//! generated operation table ([`Arg::spec`]), so they are never written here.

use opentrain::operations::{BodyField, Operation, ValueKind};

use serde_json::{Map, Value};

use crate::summary::{Summary, Surface};

/// What a tool does to the account: the MCP tool annotations, and the command's wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Reads only.
    Read,
    /// Creates or changes something; calling again with the same arguments is harmless.
    Idempotent,
    /// Creates or changes something.
    Write,
    /// Removes or ends something, or cannot be undone.
    Destructive,
}

/// How messages name an argument: as the MCP parameter or as the command's flag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Naming {
    /// `jobId`.
    Parameter,
    /// `--job-id`, or `<JOB_ID>` for a positional.
    Flag,
}

impl Naming {
    /// The surface that names arguments this way.
    pub fn surface(self) -> Surface {
        match self {
            Naming::Parameter => Surface::Mcp,
            Naming::Flag => Surface::Command,
        }
    }
}

/// How a tool's request body is built. Whichever way, it is passed through the generated
/// body type before it is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Body {
    /// Gathered from the arguments that fill its members.
    Members,
    /// A draft's create, from the draft's source arguments through the facade's `DraftInput`
    /// ([`crate::workflow::draft_body`]).
    Draft,
    /// A patch of job fields, from the `patch` argument: an object in the MCP server, checked
    /// by the facade's patch builder; `--set key=value` on the command line, each value typed
    /// from the capabilities' field catalog.
    Patch,
}

/// A tool whose work is more than one call of one operation: each surface runs it on the
/// facade's workflow of that name, after the one check of its arguments, because what it
/// does around the calls is the surface's own (saving tokens and saying where, a live wait
/// with progress, questions asked at the terminal).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Workflow {
    /// Register an anonymous agent account and save its tokens (`opentrain::agent::register`).
    Register,
    /// Start the claim ceremony: the owner gets a link and a code.
    Claim,
    /// Poll the claim once (the command can also wait for it); a completed claim saves the
    /// claimed token.
    ClaimStatus,
    /// Draft, answer the missing fields at the terminal, publish on confirmation (the
    /// drafting loop of `opentrain::drafting`).
    PostJob,
}

/// How an argument is given on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// `--kebab-name VALUE` (a boolean is a switch, an array repeats or takes commas).
    Long,
    /// `--kebab-name` with a one-letter alias: `-q`.
    Short(char),
    /// A positional value.
    Positional,
    /// A positional value, or the same as `--kebab-name` (`jobs publish JOB_ID` or
    /// `jobs publish --job-id JOB_ID`).
    PositionalOrLong,
}

/// One argument of a tool: the MCP parameter `name` (camelCase, the tools reference's), the
/// command's `--kebab-case` flag or positional, and the operation field it fills.
#[derive(Clone, Copy, Debug)]
pub struct Arg {
    /// The MCP parameter name, e.g. `jobId`; the flag is its kebab case (`--job-id`).
    pub name: &'static str,
    /// The operation's path or query parameter, or top-level body member, it fills.
    pub field: &'static str,
    /// How the command takes it.
    pub flag: Flag,
    /// The command's flag when it is not the kebab case of `name` (`--event` for
    /// `eventTypes`).
    pub flag_name: Option<&'static str>,
    /// What it is, for the tool's schema and the command's help.
    pub doc: &'static str,
    /// A documented maximum tighter than the spec's (the tools reference caps search at 50).
    pub maximum: Option<f64>,
    /// Whether the schema lists the spec's enum values; `false` where the tools reference
    /// documents a plain string (an open set such as a job status).
    pub lists_values: bool,
    /// Whether the schema states the spec's default.
    pub states_default: bool,
    /// A documented "greater than" the spec does not declare (a hire's amount is positive).
    pub exclusive_minimum: Option<f64>,
    /// The members of an object argument, each filling a member of the object body member
    /// (a hire's `milestone`): nested in the MCP schema, flags of their own on the command line.
    pub members: &'static [Arg],
    /// The type of an option of the tool's own, which fills no field (`includeInterview`).
    pub kind: Option<ValueKind>,
    /// Whether an option of the tool's own must be given (a field's requiredness is the
    /// spec's).
    pub required: bool,
    /// The default of an option of the tool's own, as JSON text (`--timeout`'s 1800).
    pub default: Option<&'static str>,
    /// The one surface that has it (`None`: both): the command's `--wait`, the MCP server's
    /// `importPayload`.
    pub only: Option<Surface>,
    /// The command's other names for the flag (`--text` for `--description`).
    pub aliases: &'static [&'static str],
    /// The command's placeholder when it is not the name's (`NAME` for `--agent-name`).
    pub placeholder: Option<&'static str>,
    /// The command's help when its form differs from the MCP parameter's (`--set key=value`
    /// for the patch object).
    pub help: Option<&'static str>,
    /// Whether the command also takes the value from a file, `--<flag>-file PATH` (`-`:
    /// stdin).
    pub file: bool,
}

impl Arg {
    /// The argument `name` filling the operation field of the same name, as a `--flag`.
    pub const fn new(name: &'static str, doc: &'static str) -> Self {
        Arg {
            name,
            field: name,
            flag: Flag::Long,
            flag_name: None,
            doc,
            maximum: None,
            lists_values: true,
            states_default: true,
            exclusive_minimum: None,
            members: &[],
            kind: None,
            required: false,
            default: None,
            only: None,
            aliases: &[],
            placeholder: None,
            help: None,
            file: false,
        }
    }

    /// An option of the tool's own that must be given.
    pub const fn required(mut self) -> Self {
        self.required = true;
        self
    }

    /// An option of the tool's own with the default `json` (JSON text).
    pub const fn default(mut self, json: &'static str) -> Self {
        self.default = Some(json);
        self
    }

    /// Only on `surface`.
    pub const fn only(mut self, surface: Surface) -> Self {
        self.only = Some(surface);
        self
    }

    /// With other names for the command's flag.
    pub const fn aliases(mut self, aliases: &'static [&'static str]) -> Self {
        self.aliases = aliases;
        self
    }

    /// With the command's placeholder `name`.
    pub const fn placeholder(mut self, name: &'static str) -> Self {
        self.placeholder = Some(name);
        self
    }

    /// With the command's own help line.
    pub const fn help(mut self, help: &'static str) -> Self {
        self.help = Some(help);
        self
    }

    /// Also read from a file on the command line (`--<flag>-file PATH`).
    pub const fn from_file(mut self) -> Self {
        self.file = true;
        self
    }

    /// Whether `surface` has this argument.
    pub fn on(&self, surface: Surface) -> bool {
        self.only.is_none_or(|only| only == surface)
    }

    /// The command's help line.
    pub fn command_help(&self) -> &'static str {
        self.help.unwrap_or(self.doc)
    }

    /// An option of the tool's own, of type `kind`, that fills no field of the operation: it
    /// says what else the tool does (`includeInterview` joins a second operation).
    pub const fn option(name: &'static str, kind: ValueKind, doc: &'static str) -> Self {
        let mut arg = Arg::new(name, doc);
        arg.field = "";
        arg.kind = Some(kind);
        arg
    }

    /// An object argument made of `members`.
    pub const fn members(mut self, members: &'static [Arg]) -> Self {
        self.members = members;
        self
    }

    /// Must be greater than 0, as the docs say where the spec declares no minimum.
    pub const fn positive(mut self) -> Self {
        self.exclusive_minimum = Some(0.0);
        self
    }

    /// Fills the operation field `field` (the spec's name, when the tool's differs: the tool's
    /// `jobId` is the path's `id`).
    pub const fn to(mut self, field: &'static str) -> Self {
        self.field = field;
        self
    }

    /// Taken as a positional value or as its `--flag` on the command line.
    pub const fn positional_or_flag(mut self) -> Self {
        self.flag = Flag::PositionalOrLong;
        self
    }

    /// Spelled `--name` on the command line.
    pub const fn flag_name(mut self, name: &'static str) -> Self {
        self.flag_name = Some(name);
        self
    }

    /// The command's long flag, without the dashes: `job-id` for `jobId`.
    pub fn long(&self) -> String {
        self.flag_name
            .map_or_else(|| kebab(self.name), str::to_owned)
    }

    /// Taken as a positional value on the command line.
    pub const fn positional(mut self) -> Self {
        self.flag = Flag::Positional;
        self
    }

    /// With a one-letter alias on the command line.
    pub const fn short(mut self, letter: char) -> Self {
        self.flag = Flag::Short(letter);
        self
    }

    /// Capped at the documented `maximum`, below the spec's.
    pub const fn max(mut self, maximum: f64) -> Self {
        self.maximum = Some(maximum);
        self
    }

    /// The schema leaves the spec's enum values out: the set is open.
    pub const fn open_values(mut self) -> Self {
        self.lists_values = false;
        self
    }

    /// The schema leaves the spec's default out.
    pub const fn unstated_default(mut self) -> Self {
        self.states_default = false;
        self
    }

    /// The argument as `naming` calls it in a message: `jobId` (the MCP parameter), or
    /// `--job-id` (a flag) and `<JOB_ID>` (a positional) on the command line.
    pub fn named(&self, naming: Naming) -> String {
        match (naming, self.flag) {
            (Naming::Parameter, _) => format!("`{}`", self.name),
            (Naming::Flag, Flag::Positional | Flag::PositionalOrLong) => {
                format!("<{}>", self.value_name())
            }
            (Naming::Flag, _) => format!("`--{}`", self.long()),
        }
    }

    /// A member of the object argument `parent` as `naming` calls it: `milestone.amount`, or
    /// its own flag `--amount` on the command line.
    pub fn named_in(&self, parent: &Arg, naming: Naming) -> String {
        match naming {
            Naming::Parameter => format!("`{}.{}`", parent.name, self.name),
            Naming::Flag => self.named(naming),
        }
    }

    /// The command line's placeholder for the value: `JOB_ID` for `jobId`.
    pub fn value_name(&self) -> String {
        match self.placeholder {
            Some(name) => name.to_owned(),
            None => kebab(self.name).replace('-', "_").to_uppercase(),
        }
    }

    /// What the spec declares for the field this argument fills, in `operation`.
    pub fn spec(&self, operation: &Operation) -> Spec {
        if let Some(p) = operation.parameter(self.field) {
            return Spec {
                kind: p.kind,
                items: ValueKind::Any,
                required: p.required,
                minimum: p.minimum,
                exclusive_minimum: self.exclusive_minimum,
                maximum: min(p.maximum, self.maximum),
                min_length: p.min_length,
                max_length: p.max_length,
                default: p.default.filter(|_| self.states_default),
                values: if self.lists_values { p.values } else { &[] },
            };
        }
        self.body_spec(operation.body_field(self.field))
    }

    /// What the spec declares for this member of the object argument filling `parent`.
    pub fn spec_in(&self, parent: Option<&BodyField>) -> Spec {
        self.body_spec(parent.and_then(|p| p.fields.iter().find(|f| f.name == self.field)))
    }

    fn body_spec(&self, field: Option<&BodyField>) -> Spec {
        match field {
            Some(f) => Spec {
                kind: f.kind,
                items: f.items,
                required: f.required,
                minimum: f.minimum,
                exclusive_minimum: self.exclusive_minimum,
                maximum: min(f.maximum, self.maximum),
                min_length: f.min_length,
                max_length: f.max_length,
                default: None,
                values: if self.lists_values { f.values } else { &[] },
            },
            // An option of the tool's own; the table's test proves every other argument names
            // a field of its operation.
            None => Spec {
                kind: self.kind.unwrap_or(ValueKind::Any),
                items: ValueKind::Any,
                required: self.required,
                minimum: None,
                exclusive_minimum: self.exclusive_minimum,
                maximum: self.maximum,
                min_length: None,
                max_length: None,
                default: self.default,
                values: &[],
            },
        }
    }
}

fn min(spec: Option<f64>, documented: Option<f64>) -> Option<f64> {
    match (spec, documented) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// What the spec declares for one argument: its JSON type, whether it is required, its range,
/// length, default (JSON text) and enum values.
#[derive(Clone, Copy, Debug)]
pub struct Spec {
    /// The declared type.
    pub kind: ValueKind,
    /// The type of an array's items.
    pub items: ValueKind,
    /// Whether the operation requires it.
    pub required: bool,
    /// `minimum`.
    pub minimum: Option<f64>,
    /// A documented "greater than".
    pub exclusive_minimum: Option<f64>,
    /// `maximum` (the documented one when tighter).
    pub maximum: Option<f64>,
    /// `minLength`.
    pub min_length: Option<u64>,
    /// `maxLength`.
    pub max_length: Option<u64>,
    /// `default`, as JSON text.
    pub default: Option<&'static str>,
    /// The enum values the schema lists.
    pub values: &'static [&'static str],
}

/// A second operation joined into a tool's result: called with the path parameters the tool's
/// arguments give it, its member `key` is added to the result under the same name.
#[derive(Clone, Copy, Debug)]
pub struct Join {
    /// The boolean option that asks for it.
    pub when: &'static str,
    /// The second operation's `operationId`.
    pub operation: &'static str,
    /// The member of its response that is joined, under the same name.
    pub key: &'static str,
}

/// A rule across a tool's checked arguments: `Err` carries the refusal's text, naming the
/// arguments as `Naming` says (the rule reads them from the tool).
pub type Rule = fn(&Tool, &Map<String, Value>, Naming) -> Result<(), String>;

/// One tool: the MCP tool and the command it is, the operation it runs, its arguments and how
/// its result is summarised.
#[derive(Clone, Copy, Debug)]
pub struct Tool {
    /// The MCP tool name (`opentrain_list_jobs`); `None` for a command the MCP server does
    /// not have.
    pub name: Option<&'static str>,
    /// The command: its family and subcommand (`jobs list`); `None` for an MCP-only tool.
    pub command: Option<(&'static str, &'static str)>,
    /// The spec's `operationId`; for a workflow, its first one, or empty when its endpoints
    /// are outside the spec (the agent identity's registration and claim).
    pub operation: &'static str,
    /// What it does to the account.
    pub access: Access,
    /// The command's one-line help.
    pub about: &'static str,
    /// The MCP tool description (the tools reference's).
    pub description: &'static str,
    /// Its arguments, in the order the schema requires them and the command shows them.
    pub args: &'static [Arg],
    /// How the result is summarised (for an onboarding workflow, what the surface did: where
    /// it saved the tokens, the link and code to show).
    pub summary: Summary,
    /// A warning about the response (it holds a secret shown once): the command prints it on
    /// stderr, the MCP server adds it to the summary.
    pub warning: Option<&'static str>,
    /// Another operation whose response is joined into this one's when the boolean option
    /// `when` is true (a proposal with its AI interview).
    pub join: Option<Join>,
    /// Whether each surface adds where its credentials came from (the MCP server the token's
    /// source, the command the API's base URL): `auth status`.
    pub session_note: bool,
    /// A rule the docs state across arguments and the schema cannot (a hire's milestone needs
    /// a name or a description): checked after each argument, a refusal's text when broken.
    pub rule: Option<Rule>,
    /// How the request body is built.
    pub body: Body,
    /// The workflow each surface runs instead of one call of the operation.
    pub workflow: Option<Workflow>,
}

impl Tool {
    /// The fields most entries leave as they are (no warning, no join, no rule), for the
    /// table's entries to complete with `..Tool::PLAIN`.
    pub const PLAIN: Tool = Tool {
        name: None,
        command: None,
        operation: "",
        access: Access::Read,
        about: "",
        description: "",
        args: &[],
        summary: Summary::Record {
            at: "",
            fields: &[],
        },
        warning: None,
        join: None,
        session_note: false,
        rule: None,
        body: Body::Members,
        workflow: None,
    };

    /// The operation this tool runs (the table's test proves every entry but a workflow
    /// outside the spec names one).
    pub fn operation(&self) -> &'static Operation {
        Operation::by_id(self.operation).unwrap_or(&Operation::UNLISTED)
    }

    /// Whether the operation needs no token (`security: []`): the tool then runs without one.
    pub fn tokenless(&self) -> bool {
        self.operation().tokenless
    }

    /// The argument `name`, if the tool has it.
    pub fn arg(&self, name: &str) -> Option<&'static Arg> {
        self.args.iter().find(|a| a.name == name)
    }

    /// The arguments `surface` takes.
    pub fn args_on(&self, surface: Surface) -> impl Iterator<Item = &'static Arg> {
        self.args.iter().filter(move |a| a.on(surface))
    }

    /// Whether the tool reads a cursor-paged list (it has a `cursor` argument).
    pub fn pages(&self) -> bool {
        self.arg("cursor").is_some()
    }
}

/// `jobId` → `job-id`: the command's flag for an argument.
pub fn kebab(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    for c in name.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_are_the_kebab_case_of_the_parameter() {
        assert_eq!(kebab("jobId"), "job-id");
        assert_eq!(kebab("payType"), "pay-type");
        assert_eq!(kebab("q"), "q");
    }

    #[test]
    fn an_argument_takes_the_specs_type_and_range_and_a_tighter_documented_maximum() {
        let search = Operation::by_id("searchJobs").expect("searchJobs");
        let limit = Arg::new("limit", "Max results").max(50.0).spec(search);
        assert_eq!(limit.kind, ValueKind::Integer);
        assert_eq!((limit.minimum, limit.maximum), (Some(1.0), Some(50.0)));
        let top_up = Operation::by_id("createTopUp").expect("createTopUp");
        let amount = Arg::new("amountUsd", "USD").spec(top_up);
        assert!(amount.required);
        assert_eq!(
            (amount.minimum, amount.maximum),
            (Some(10.0), Some(10000.0))
        );
    }
}
