//! The typed events of the feed (and of webhook deliveries): [`Event`], a record with its
//! payload typed by `type` and the record itself kept whole, and accessors for the IDs it
//! carries ([`Event::proposal_id`], [`Event::contract_id`], ...) whatever its type,
//! [`EventData`] with one variant per documented type, and one payload struct per type (IDs
//! only, every key optional).

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

    /// The related job: the record's `jobId`, else the payload's (`proposal.received`,
    /// `contract.created`), if either was sent.
    pub fn job_id(&self) -> Option<&str> {
        self.raw.job_id.as_deref().or(match &self.data {
            EventData::ProposalReceived(p) => p.job_id.as_deref(),
            EventData::ContractCreated(c) => c.job_id.as_deref(),
            _ => None,
        })
    }

    /// The proposal the event is about, without a `match` on [`data`](Self::data): the
    /// payload's `proposalId` (`proposal.received`, `proposal.status_changed`,
    /// `contract.created`), or for `proposal.received` without one the record's `resourceId`
    /// (the docs' example shows it is the proposal). `None` for other types.
    ///
    /// ```
    /// use opentrain::types::PlatformEvent;
    /// use opentrain::updates::Event;
    ///
    /// let raw: PlatformEvent = serde_json::from_value(serde_json::json!({
    ///     "id": "1042", "type": "proposal.received", "resourceId": "prop_1", "jobId": "job_1",
    ///     "data": {"proposalId": "prop_1", "jobId": "job_1"}
    /// }))?;
    /// let event = Event::from_raw(raw);
    /// if let Some(id) = event.proposal_id() {
    ///     // e.g. client.proposal(id).await?
    ///     assert_eq!(id, "prop_1");
    /// }
    /// assert_eq!(event.job_id(), Some("job_1"));
    /// assert_eq!(event.approval_id(), None);
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn proposal_id(&self) -> Option<&str> {
        match &self.data {
            EventData::ProposalReceived(p) => p.proposal_id.as_deref().or(self.resource_id()),
            EventData::ProposalStatusChanged(p) => p.proposal_id.as_deref(),
            EventData::ContractCreated(c) => c.proposal_id.as_deref(),
            _ => None,
        }
    }

    /// The approval of an `approval.confirmed` event: the payload's `approvalId`, else the
    /// record's `resourceId` (the docs' example shows it is the approval). `None` for other
    /// types.
    pub fn approval_id(&self) -> Option<&str> {
        match &self.data {
            EventData::ApprovalConfirmed(a) => a.approval_id.as_deref().or(self.resource_id()),
            _ => None,
        }
    }

    /// The contract the event is about: the payload's `contractId` (`contract.created`,
    /// `milestone.status_changed`, `payment.pending`, `contract.budget_state_changed`).
    /// `None` for other types.
    pub fn contract_id(&self) -> Option<&str> {
        match &self.data {
            EventData::ContractCreated(c) => c.contract_id.as_deref(),
            EventData::MilestoneStatusChanged(m) => m.contract_id.as_deref(),
            EventData::PaymentPending(p) => p.contract_id.as_deref(),
            EventData::ContractBudgetStateChanged(b) => b.contract_id.as_deref(),
            _ => None,
        }
    }

    /// The milestone the event is about: the payload's `milestoneId`
    /// (`milestone.status_changed`, `payment.pending`). `None` for other types.
    pub fn milestone_id(&self) -> Option<&str> {
        match &self.data {
            EventData::MilestoneStatusChanged(m) => m.milestone_id.as_deref(),
            EventData::PaymentPending(p) => p.milestone_id.as_deref(),
            _ => None,
        }
    }

    /// The conversation of a `message.received` event: the payload's `conversationId`. `None`
    /// for other types.
    pub fn conversation_id(&self) -> Option<&str> {
        match &self.data {
            EventData::MessageReceived(m) => m.conversation_id.as_deref(),
            _ => None,
        }
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

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    /// An event of `kind` whose record names `resource` and `job`, with payload `data`.
    fn event(kind: &str, resource: Option<&str>, job: Option<&str>, data: Value) -> Event {
        let mut record = json!({"id": "1", "type": kind, "data": data});
        if let Some(resource) = resource {
            record["resourceId"] = json!(resource);
        }
        if let Some(job) = job {
            record["jobId"] = json!(job);
        }
        Event::from_raw(serde_json::from_value(record).expect("an event record"))
    }

    #[test]
    fn proposal_id_comes_from_the_payload_of_every_type_that_carries_one() {
        let received = event(
            "proposal.received",
            Some("prop_r"),
            None,
            json!({"proposalId": "prop_1", "jobId": "job_1"}),
        );
        assert_eq!(received.proposal_id(), Some("prop_1"));
        let changed = event(
            "proposal.status_changed",
            None,
            None,
            json!({"proposalId": "prop_2", "status": "HIRED"}),
        );
        assert_eq!(changed.proposal_id(), Some("prop_2"));
        let contract = event(
            "contract.created",
            None,
            None,
            json!({"contractId": "ctr_1", "jobId": "job_1", "proposalId": "prop_3"}),
        );
        assert_eq!(contract.proposal_id(), Some("prop_3"));
    }

    #[test]
    fn proposal_id_of_a_received_proposal_falls_back_to_the_resource_id_only() {
        let received = event("proposal.received", Some("prop_r"), None, json!({}));
        assert_eq!(received.proposal_id(), Some("prop_r"));
        // The docs do not say what the resource of a status change is.
        let changed = event("proposal.status_changed", Some("prop_r"), None, json!({}));
        assert_eq!(changed.proposal_id(), None);
    }

    #[test]
    fn proposal_id_is_none_for_a_type_without_a_proposal() {
        let message = event(
            "message.received",
            Some("conv_1"),
            None,
            json!({"conversationId": "conv_1", "messageId": "msg_1", "proposalId": "prop_x"}),
        );
        assert_eq!(message.proposal_id(), None);
        let unknown = event(
            "proposal.renamed",
            Some("prop_r"),
            None,
            json!({"proposalId": "p"}),
        );
        assert_eq!(unknown.proposal_id(), None);
    }

    #[test]
    fn job_id_prefers_the_record_and_falls_back_to_the_payload() {
        let both = event(
            "proposal.received",
            None,
            Some("job_record"),
            json!({"proposalId": "prop_1", "jobId": "job_payload"}),
        );
        assert_eq!(both.job_id(), Some("job_record"));
        let payload_only = event(
            "contract.created",
            None,
            None,
            json!({"contractId": "ctr_1", "jobId": "job_payload"}),
        );
        assert_eq!(payload_only.job_id(), Some("job_payload"));
        let record_only = event(
            "approval.confirmed",
            None,
            Some("job_record"),
            json!({"approvalId": "apr_1"}),
        );
        assert_eq!(record_only.job_id(), Some("job_record"));
    }

    #[test]
    fn job_id_is_none_for_a_type_without_a_job() {
        let message = event(
            "message.received",
            None,
            None,
            json!({"conversationId": "conv_1", "jobId": "job_x"}),
        );
        assert_eq!(message.job_id(), None);
    }

    #[test]
    fn approval_id_comes_from_the_payload_else_the_resource_id() {
        let confirmed = event(
            "approval.confirmed",
            Some("apr_r"),
            None,
            json!({"approvalId": "apr_1", "status": "confirmed"}),
        );
        assert_eq!(confirmed.approval_id(), Some("apr_1"));
        let expired = event(
            "approval.confirmed",
            Some("apr_r"),
            None,
            json!({"status": "expired"}),
        );
        assert_eq!(expired.approval_id(), Some("apr_r"));
    }

    #[test]
    fn approval_id_is_none_for_a_type_without_an_approval() {
        let received = event(
            "proposal.received",
            Some("prop_1"),
            None,
            json!({"proposalId": "prop_1", "approvalId": "apr_x"}),
        );
        assert_eq!(received.approval_id(), None);
    }

    #[test]
    fn contract_id_comes_from_the_payload_of_every_type_that_carries_one() {
        for (kind, data) in [
            (
                "contract.created",
                json!({"contractId": "ctr_1", "jobId": "job_1"}),
            ),
            (
                "milestone.status_changed",
                json!({"milestoneId": "ms_1", "contractId": "ctr_1", "status": "FUNDED"}),
            ),
            (
                "payment.pending",
                json!({"invoiceId": "inv_1", "milestoneId": "ms_1", "contractId": "ctr_1"}),
            ),
            (
                "contract.budget_state_changed",
                json!({"contractId": "ctr_1", "previousState": "OK", "state": "LOW"}),
            ),
        ] {
            assert_eq!(
                event(kind, None, None, data).contract_id(),
                Some("ctr_1"),
                "{kind}"
            );
        }
    }

    #[test]
    fn contract_id_is_none_for_a_type_without_a_contract() {
        let confirmed = event(
            "approval.confirmed",
            Some("apr_1"),
            None,
            json!({"approvalId": "apr_1", "contractId": "ctr_x"}),
        );
        assert_eq!(confirmed.contract_id(), None);
    }

    #[test]
    fn milestone_id_comes_from_the_payload_of_every_type_that_carries_one() {
        let changed = event(
            "milestone.status_changed",
            None,
            None,
            json!({"milestoneId": "ms_1", "contractId": "ctr_1"}),
        );
        assert_eq!(changed.milestone_id(), Some("ms_1"));
        let pending = event(
            "payment.pending",
            None,
            None,
            json!({"invoiceId": "inv_1", "milestoneId": "ms_2"}),
        );
        assert_eq!(pending.milestone_id(), Some("ms_2"));
    }

    #[test]
    fn milestone_id_is_none_for_a_type_without_a_milestone() {
        let created = event(
            "contract.created",
            None,
            None,
            json!({"contractId": "ctr_1", "milestoneId": "ms_x"}),
        );
        assert_eq!(created.milestone_id(), None);
    }

    #[test]
    fn conversation_id_comes_from_a_received_message() {
        let message = event(
            "message.received",
            None,
            None,
            json!({"conversationId": "conv_1", "messageId": "msg_1"}),
        );
        assert_eq!(message.conversation_id(), Some("conv_1"));
    }

    #[test]
    fn conversation_id_is_none_for_a_type_without_a_conversation() {
        let received = event(
            "proposal.received",
            None,
            None,
            json!({"proposalId": "prop_1", "conversationId": "conv_x"}),
        );
        assert_eq!(received.conversation_id(), None);
    }

    #[test]
    fn an_event_without_a_payload_carries_no_ids_but_the_documented_fallbacks() {
        let mut record = json!({"id": "1", "type": "payment.pending", "resourceId": "inv_1"});
        let bare = Event::from_raw(serde_json::from_value(record.clone()).expect("record"));
        assert_eq!(
            (bare.contract_id(), bare.milestone_id(), bare.proposal_id()),
            (None, None, None)
        );
        record["type"] = json!("approval.confirmed");
        record["resourceId"] = json!("apr_1");
        let approval = Event::from_raw(serde_json::from_value(record).expect("record"));
        assert_eq!(approval.approval_id(), Some("apr_1"));
    }
}
