//! Money: hire requests, milestone funding and release, ending contracts (all co-signed: each
//! records a pending approval and answers 202), approvals with lazy expiry, contracts,
//! milestones and pending payments.
//!
//! One idea per file: `approvals.rs` is the state machine (open, lazy expiry, auto-confirm, and
//! [`resolve`], the one place an approval leaves `pending`), `execute.rs` what a confirmed
//! approval does and the events it records, `views.rs` the wire forms, `guards.rs` the checks
//! the writes share, `fields.rs` the body readers they share, and one file per resource for the
//! handlers: `hire.rs`, `milestones.rs`, `contracts.rs`, `payments.rs`.

mod approvals;
mod contracts;
mod execute;
mod fields;
mod guards;
mod hire;
mod milestones;
mod payments;
mod views;

pub(crate) use approvals::{Outcome, auto_confirm, get_approval, resolve, settle_expiry};
pub(crate) use contracts::{end_contract, get_contract, list_contracts};
pub(crate) use hire::hire;
pub(crate) use milestones::{approve, create_milestone, fund};
pub(crate) use payments::pending_payments;
pub(crate) use views::contract_view;

/// The wire status of a released milestone. Only `NOT_FUNDED` and `ACTIVE_FUNDED` are
/// documented; the employer UI calls the released state "Paid", so the sandbox answers `PAID`.
pub(crate) const PAID: &str = "PAID";

/// Rounds to cents.
fn cents(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}
