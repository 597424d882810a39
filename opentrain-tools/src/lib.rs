//! The one table of the operations the `opentrain` command and the MCP server expose, and the
//! code both run them with.
//!
//! Each [`Tool`] of [`TOOLS`] is an MCP tool and a command at once: its name and its command
//! line, the operation it runs, its arguments (each naming the parameter or body member it
//! fills, typed, ranged and defaulted by the spec through the generated operation table) and
//! its [`Summary`]. The MCP server makes each tool's definition, input schema and dispatch from
//! it; the command its subcommand, flags and output. Running a tool is one path for both:
//! [`check`] the arguments, [`Tool::call`] the operation through the facade's pipeline (bodies
//! through the generated body types), summarise the typed value, show the body as sent.
//!
//! A draft's create and the patches build their body another way ([`Body`]: the facade's
//! `DraftInput`, a patch of job fields), and are sent by the same run. A tool whose work is
//! more than one call of one operation (registration and the claim, the command's `jobs post`)
//! is an entry too, marked with its [`Workflow`]: its arguments are described and checked here
//! like every other's, and each surface runs the facade's workflow with them, on the inputs
//! [`workflow`] builds.

mod arguments;
mod call;
mod summary;
mod table;
mod tool;
pub mod workflow;

pub use arguments::{Refusal, check};
pub use call::{CallError, Reply};
pub use summary::{
    Listing, Summary, Surface, clock, columns, items, next_cursor, published, shown,
};
pub use table::{TOOLS, by_command, by_name};
pub use tool::{Access, Arg, Body, Flag, Join, Naming, Rule, Spec, Tool, Workflow};
