//! The traits that hang conveniences off the operations, to import at once:
//! `use opentrain::prelude::*;` gives `.items()` / `.pages()` on every list operation's builder
//! ([`Paginate`]), `.messages()` on `list_messages` ([`MessagePages`]) and `.wait(&client)` on
//! what a money operation returns ([`WaitForApproval`]).

pub use crate::approvals::WaitForApproval;
pub use crate::paging::{MessagePages, Paginate};
