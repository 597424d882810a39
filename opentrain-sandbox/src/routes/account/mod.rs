//! (in progress) Agent registration and the claim ceremony (`/api/agent/...`), team, credits
//! and webhook subscriptions with signed deliveries.

use super::Route;
use crate::app::App;

/// The account family's records.
#[derive(Debug, Default)]
pub(crate) struct Agents {}

/// The account family's routes.
pub(crate) fn routes() -> Vec<Route> {
    Vec::new()
}

/// Background tasks started with the server (webhook deliveries).
pub(crate) fn start_background(_app: &App) -> Vec<tokio::task::JoinHandle<()>> {
    Vec::new()
}
