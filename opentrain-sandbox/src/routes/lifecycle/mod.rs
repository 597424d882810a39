//! (in progress) The employer lifecycle: drafts, jobs, freelancers, proposals, messages, hires,
//! approvals, contracts, milestones and payments.

use super::Route;

/// The lifecycle's records.
#[derive(Debug, Default)]
pub(crate) struct Market {}

/// The lifecycle's routes.
pub(crate) fn routes() -> Vec<Route> {
    Vec::new()
}
