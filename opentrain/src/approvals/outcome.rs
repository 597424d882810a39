//! How an approval ended: [`Outcome`] (confirmed, declined, expired) and, for a confirmed
//! one, what it produced ([`Confirmation`], typed by the approval's type).

use serde::Serialize;

use crate::types::{self, ApprovalStatus, ApprovalType};

/// How an approval ended, with the approval as last read.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Outcome {
    /// The human confirmed and the action executed.
    Confirmed {
        /// What the action produced, typed by the approval's type.
        result: Confirmation,
        /// The approval as last read.
        approval: types::Approval,
    },
    /// The human declined; nothing ran.
    Declined {
        /// The approval as last read.
        approval: types::Approval,
    },
    /// Nobody acted in time (about 72 h); nothing ran.
    Expired {
        /// The approval as last read.
        approval: types::Approval,
    },
}

impl Outcome {
    /// The approval as last read.
    pub fn approval(&self) -> &types::Approval {
        match self {
            Outcome::Confirmed { approval, .. }
            | Outcome::Declined { approval }
            | Outcome::Expired { approval } => approval,
        }
    }

    /// The approval as last read, by value.
    pub fn into_approval(self) -> types::Approval {
        match self {
            Outcome::Confirmed { approval, .. }
            | Outcome::Declined { approval }
            | Outcome::Expired { approval } => approval,
        }
    }

    /// The terminal status: `confirmed`, `declined` or `expired`.
    pub fn status(&self) -> ApprovalStatus {
        match self {
            Outcome::Confirmed { .. } => ApprovalStatus::Confirmed,
            Outcome::Declined { .. } => ApprovalStatus::Declined,
            Outcome::Expired { .. } => ApprovalStatus::Expired,
        }
    }

    /// Whether the human confirmed.
    pub fn is_confirmed(&self) -> bool {
        matches!(self, Outcome::Confirmed { .. })
    }

    /// What the confirmed action produced, if it was confirmed.
    pub fn confirmation(&self) -> Option<&Confirmation> {
        match self {
            Outcome::Confirmed { result, .. } => Some(result),
            _ => None,
        }
    }
}

/// An approval that is not yet in a terminal state comes back as the error.
impl TryFrom<types::Approval> for Outcome {
    type Error = types::Approval;

    fn try_from(approval: types::Approval) -> Result<Self, types::Approval> {
        match approval.status {
            ApprovalStatus::Confirmed => Ok(Outcome::Confirmed {
                result: Confirmation::of(&approval),
                approval,
            }),
            ApprovalStatus::Declined => Ok(Outcome::Declined { approval }),
            ApprovalStatus::Expired => Ok(Outcome::Expired { approval }),
            // `pending`, and a status this client does not know: still waiting.
            _ => Err(approval),
        }
    }
}

/// What a confirmed approval produced, read from its `result` by its type.
///
/// The docs list the `result` keys per type but promise none of them (one official example
/// leaves one out), so every id is optional.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Confirmation {
    /// `proposal_hire`: the proposal was accepted and the contract created, with its first
    /// milestone funded.
    Hired {
        /// The new contract (`result.contractId`, else the approval's `contractId`).
        contract_id: Option<String>,
        /// The job (`result.jobId`, else the approval's `jobId`).
        job_id: Option<String>,
        /// The hired AI trainer's user id (`result.freelancerUserId`).
        freelancer_user_id: Option<String>,
    },
    /// `milestone_fund`: the milestone's escrow was funded.
    Funded {
        /// The funding invoice (`result.invoiceId`).
        invoice_id: Option<String>,
        /// The payment intent (`result.paymentIntentId`; absent from the docs' example).
        payment_intent_id: Option<String>,
    },
    /// `milestone_approve`: the milestone's escrow was released to the AI trainer.
    Released {
        /// The invoice (`result.invoiceId`).
        invoice_id: Option<String>,
        /// The payout transaction (`result.payoutTransactionId`).
        payout_transaction_id: Option<String>,
    },
    /// `contract_end`: the contract ended.
    ContractEnded {
        /// The contract (the approval's `contractId`).
        contract_id: Option<String>,
    },
    /// An approval type this client does not know: its raw `result`.
    Other {
        /// The type as sent.
        approval_type: ApprovalType,
        /// The `result` as sent.
        result: Option<types::ApprovalResult>,
    },
}

impl Confirmation {
    pub(super) fn of(approval: &types::Approval) -> Self {
        let result = approval.result.clone().unwrap_or_default();
        match &approval.type_ {
            ApprovalType::ProposalHire => Confirmation::Hired {
                contract_id: result.contract_id.or_else(|| approval.contract_id.clone()),
                job_id: result.job_id.or_else(|| approval.job_id.clone()),
                freelancer_user_id: result.freelancer_user_id,
            },
            ApprovalType::MilestoneFund => Confirmation::Funded {
                invoice_id: result.invoice_id,
                payment_intent_id: result.payment_intent_id,
            },
            ApprovalType::MilestoneApprove => Confirmation::Released {
                invoice_id: result.invoice_id,
                payout_transaction_id: result.payout_transaction_id,
            },
            ApprovalType::ContractEnd => Confirmation::ContractEnded {
                contract_id: approval.contract_id.clone(),
            },
            // A type this client does not know, or one the spec adds later.
            other => Confirmation::Other {
                approval_type: other.clone(),
                result: approval.result.clone(),
            },
        }
    }
}
