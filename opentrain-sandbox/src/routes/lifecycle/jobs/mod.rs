//! Jobs and the public marketplace. One idea per file: `listing.rs` builds the public job
//! object, `marketplace.rs` serves the tokenless reads (search, facets, change feed, one job),
//! `mine.rs` the account's own jobs, `publishing.rs` publish, live edits and close,
//! `invites.rs` invitations, and `freelancers.rs` the trainer profile.

mod freelancers;
mod invites;
mod listing;
mod marketplace;
mod mine;
mod publishing;

pub(crate) use freelancers::freelancer;
pub(crate) use invites::invite;
pub(crate) use marketplace::{changes, facets, get_job, search};
pub(crate) use mine::mine;
pub(crate) use publishing::{close, publish, update_job};
