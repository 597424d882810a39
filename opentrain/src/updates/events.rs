//! The typed events of the feed (and of webhook deliveries): [`Event`], a record with its
//! payload typed by `type` and the record itself kept whole, [`EventData`] with one variant per
//! documented type, and one payload struct per type (IDs only, every key optional).

use super::Checkpoint;
use crate::types::{
    ApprovalStatus, ContractBudgetState, ContractPaymentType, EventType, PlatformEvent,
    PlatformEventData, ProposalStatus,
};

/// One event record (from `/updates` or a webhook delivery) with its payload typed by `type`.
///
/// The record as received stays in [`raw`](Self::raw), so nothing the typed view leaves out
/// is lost.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    /// The payload, typed by the event's `type`.
    pub data: EventData,
    /// The record as received.
    pub raw: PlatformEvent,
}

impl Event {
    /// Types a record. Never fails: an unknown type becomes [`EventData::Unknown`], a missing
    /// payload an all-`None` one.
    pub fn from_raw(raw: PlatformEvent) -> Self {
        let data = EventData::from_parts(&raw.type_, raw.data.as_ref());
        Self { data, raw }
    }

    /// The event ID (a numeric value sent as a string, e.g. `"1042"`); it is also the `/updates`
    /// cursor that resumes right after this event.
    pub fn id(&self) -> &str {
        &self.raw.id
    }

    /// The event type (an open enum: unknown types are kept as `EventType::Unknown`).
    pub fn event_type(&self) -> &EventType {
        &self.raw.type_
    }

    /// When the event happened, if sent.
    pub fn created_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.raw.created_at
    }

    /// The ID of the event's main resource (proposal, approval, ...), if sent.
    pub fn resource_id(&self) -> Option<&str> {
        self.raw.resource_id.as_deref()
    }

    /// The related job, if sent.
    pub fn job_id(&self) -> Option<&str> {
        self.raw.job_id.as_deref()
    }

    /// The position right after this event, to save once it is handled.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint {
            cursor: self.raw.id.clone(),
        }
    }
}

impl From<PlatformEvent> for Event {
    fn from(raw: PlatformEvent) -> Self {
        Self::from_raw(raw)
    }
}

/// An event's payload, one variant per documented type (IDs only, never content).
///
/// Every key is optional, as in the spec: the docs list only the "key" fields of each type.
/// Status fields use the API's open enums where the docs tie them to one (approval status,
/// budget state, payment type, proposal status); a value outside an enum is kept in its
/// `Unknown` variant.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum EventData {
    /// `proposal.received`: a new proposal landed on one of your jobs.
    ProposalReceived(ProposalReceived),
    /// `proposal.status_changed`: a proposal changed status.
    ProposalStatusChanged(ProposalStatusChanged),
    /// `message.received`: someone sent a message in one of your conversations.
    MessageReceived(MessageReceived),
    /// `contract.created`: a hire completed and the contract exists.
    ContractCreated(ContractCreated),
    /// `milestone.status_changed`: a milestone changed status.
    MilestoneStatusChanged(MilestoneStatusChanged),
    /// `payment.pending`: an invoice is waiting on action.
    PaymentPending(PaymentPending),
    /// `approval.confirmed`: a co-sign approval reached a terminal state (confirmed, declined
    /// *or expired*: read [`ApprovalConfirmed::status`]).
    ApprovalConfirmed(ApprovalConfirmed),
    /// `contract.budget_state_changed`: a contract's budget moved between OK, LOW and DEPLETED.
    ContractBudgetStateChanged(ContractBudgetStateChanged),
    /// A type this version of the client does not know; the payload is in [`Event::raw`].
    Unknown {
        /// The type as sent.
        event_type: String,
    },
}

impl EventData {
    fn from_parts(event_type: &EventType, data: Option<&PlatformEventData>) -> Self {
        let empty = PlatformEventData::default();
        let d = data.unwrap_or(&empty);
        match event_type {
            EventType::ProposalReceived => Self::ProposalReceived(ProposalReceived {
                proposal_id: d.proposal_id.clone(),
                job_id: d.job_id.clone(),
            }),
            EventType::ProposalStatusChanged => {
                Self::ProposalStatusChanged(ProposalStatusChanged {
                    proposal_id: d.proposal_id.clone(),
                    status: d.status.as_deref().map(ProposalStatus::from),
                })
            }
            EventType::MessageReceived => Self::MessageReceived(MessageReceived {
                conversation_id: d.conversation_id.clone(),
                message_id: d.message_id.clone(),
            }),
            EventType::ContractCreated => Self::ContractCreated(ContractCreated {
                contract_id: d.contract_id.clone(),
                job_id: d.job_id.clone(),
                proposal_id: d.proposal_id.clone(),
            }),
            EventType::MilestoneStatusChanged => {
                Self::MilestoneStatusChanged(MilestoneStatusChanged {
                    milestone_id: d.milestone_id.clone(),
                    contract_id: d.contract_id.clone(),
                    status: d.status.clone(),
                })
            }
            EventType::PaymentPending => Self::PaymentPending(PaymentPending {
                invoice_id: d.invoice_id.clone(),
                milestone_id: d.milestone_id.clone(),
                contract_id: d.contract_id.clone(),
            }),
            EventType::ApprovalConfirmed => Self::ApprovalConfirmed(ApprovalConfirmed {
                approval_id: d.approval_id.clone(),
                status: d.status.as_deref().map(ApprovalStatus::from),
            }),
            EventType::ContractBudgetStateChanged => {
                Self::ContractBudgetStateChanged(ContractBudgetStateChanged {
                    contract_id: d.contract_id.clone(),
                    previous_state: d.previous_state.clone(),
                    state: d.state.clone(),
                    payment_type: d.payment_type.clone(),
                    funded_volume: d.funded_volume,
                    consumed_volume: d.consumed_volume,
                    remaining_volume: d.remaining_volume,
                    consumed_fraction: d.consumed_fraction,
                })
            }
            // A type this client does not know, or one the spec adds later.
            other => Self::Unknown {
                event_type: other.as_str().to_owned(),
            },
        }
    }
}

/// Payload of `proposal.received` (read it with `GET /proposals/{proposalId}`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ProposalReceived {
    /// The new proposal.
    pub proposal_id: Option<String>,
    /// The job it is on.
    pub job_id: Option<String>,
}

/// Payload of `proposal.status_changed`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ProposalStatusChanged {
    /// The proposal.
    pub proposal_id: Option<String>,
    /// Its new status. The docs describe it in prose ("shortlisted, hired, declined…") without
    /// showing the wire value; it is read as the API's proposal status, and a value outside that
    /// enum stays in `ProposalStatus::Unknown`.
    pub status: Option<ProposalStatus>,
}

/// Payload of `message.received` (read it with `GET /messages?conversationId=…`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct MessageReceived {
    /// The conversation.
    pub conversation_id: Option<String>,
    /// The new message.
    pub message_id: Option<String>,
}

/// Payload of `contract.created`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ContractCreated {
    /// The new contract.
    pub contract_id: Option<String>,
    /// Its job.
    pub job_id: Option<String>,
    /// The hired proposal.
    pub proposal_id: Option<String>,
}

/// Payload of `milestone.status_changed`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct MilestoneStatusChanged {
    /// The milestone.
    pub milestone_id: Option<String>,
    /// Its contract.
    pub contract_id: Option<String>,
    /// The new status as sent. A plain string: the docs name the changes (created, funded,
    /// paid, cancelled) but not their wire values, which differ from the milestone object's
    /// documented statuses.
    pub status: Option<String>,
}

/// Payload of `payment.pending`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct PaymentPending {
    /// The invoice waiting on action.
    pub invoice_id: Option<String>,
    /// Its milestone.
    pub milestone_id: Option<String>,
    /// Its contract.
    pub contract_id: Option<String>,
}

/// Payload of `approval.confirmed`, sent when an approval reaches *any* terminal state.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ApprovalConfirmed {
    /// The approval.
    pub approval_id: Option<String>,
    /// How it ended: `confirmed`, `declined` or `expired`.
    pub status: Option<ApprovalStatus>,
}

/// Payload of `contract.budget_state_changed`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct ContractBudgetStateChanged {
    /// The contract.
    pub contract_id: Option<String>,
    /// The budget state before the change (`OK`, `LOW`, `DEPLETED`).
    pub previous_state: Option<ContractBudgetState>,
    /// The budget state now.
    pub state: Option<ContractBudgetState>,
    /// The contract's payment type.
    pub payment_type: Option<ContractPaymentType>,
    /// Sum of the funded milestones' volume.
    pub funded_volume: Option<f64>,
    /// Volume consumed.
    pub consumed_volume: Option<f64>,
    /// Volume remaining.
    pub remaining_volume: Option<f64>,
    /// Consumed / funded.
    pub consumed_fraction: Option<f64>,
}
