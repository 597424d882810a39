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

/// Rounds to cents. The schema puts no ceiling on an amount, so a huge one must still answer a
/// number: past about 1e15 an `f64` has no cents to round (kept as is), and a sum that
/// overflowed saturates at the largest finite value instead of becoming JSON `null`.
fn cents(v: f64) -> f64 {
    let rounded = (v * 100.0).round() / 100.0;
    if rounded.is_finite() {
        rounded
    } else if v.is_finite() {
        v
    } else {
        f64::MAX.copysign(v)
    }
}

#[cfg(test)]
mod tests {
    use super::cents;

    #[test]
    fn cents_rounds_to_two_decimals() {
        assert_eq!(cents(80.004), 80.0);
        assert_eq!(cents(0.125), 0.13);
        assert_eq!(cents(-2.346), -2.35);
    }

    #[test]
    fn cents_answers_a_finite_number_for_huge_amounts() {
        assert_eq!(cents(1e307), 1e307);
        assert_eq!(cents(f64::INFINITY), f64::MAX);
        assert_eq!(cents(f64::NEG_INFINITY), -f64::MAX);
    }
}
