//! Test controls of the employer lifecycle, as methods of [`crate::Sandbox`]: play the human
//! who co-signs approvals, the trainers who apply and reply, and the moderation service. The
//! approval page (`routes/pages/approval.rs`) resolves approvals through the same [`settle`].

use opentrain_gen::types::{ApprovalStatus, EventType, PlatformEventData, ProposalStatus};

use super::money::{Outcome, resolve};
use super::{Msg, add_applicant, settle_expiry};
use crate::app::App;
use crate::{ControlError, Sandbox};

/// Resolves an approval as the human would, after applying lazy expiry (an approval past its
/// `expiresAt` can no longer be confirmed or declined). The controls below and the approval
/// page's buttons all end here.
pub(crate) fn settle(app: &App, approval_id: &str, outcome: Outcome) -> Result<(), ControlError> {
    let now = app.now();
    let mut st = app.state();
    if outcome != Outcome::Expire {
        settle_expiry(&mut st, approval_id, now);
    }
    resolve(&mut st, approval_id, outcome, now)
}

impl Sandbox {
    /// Makes moderation block any job whose fields contain one of `words` (case-insensitive):
    /// publish answers 403 `moderation_blocked`, a live edit 409 `moderation_blocked`. Adds to
    /// the words already blocked.
    pub fn block_words(&self, words: &[&str]) {
        self.app.block_words(words)
    }

    /// A seeded trainer applies to the open job `job_id`; records `proposal.received` and
    /// returns the new proposal's id.
    pub fn add_proposal(&self, job_id: &str) -> Result<String, ControlError> {
        self.app.add_proposal(job_id)
    }

    /// The human confirms the approval: the action executes (a hire creates the contract and its
    /// funded first milestone, a fund or release moves the milestone, an end ends the contract)
    /// and the events are recorded, `approval.confirmed` with `status: confirmed` last.
    pub fn confirm_approval(&self, approval_id: &str) -> Result<(), ControlError> {
        settle(&self.app, approval_id, Outcome::Confirm)
    }

    /// The human declines the approval: nothing runs; `approval.confirmed` fires with
    /// `status: declined`.
    pub fn decline_approval(&self, approval_id: &str) -> Result<(), ControlError> {
        settle(&self.app, approval_id, Outcome::Decline)
    }

    /// The approval expires now, whatever its `expiresAt`: nothing runs; `approval.confirmed`
    /// fires with `status: expired`.
    pub fn expire_approval(&self, approval_id: &str) -> Result<(), ControlError> {
        settle(&self.app, approval_id, Outcome::Expire)
    }

    /// The ids of the approvals still pending (after lazy expiry), oldest first.
    pub fn pending_approvals(&self) -> Vec<String> {
        let now = self.app.now();
        let mut st = self.app.state();
        let ids: Vec<String> = st
            .market
            .approvals
            .iter()
            .filter(|a| a.status == ApprovalStatus::Pending)
            .map(|a| a.id.clone())
            .collect();
        ids.into_iter()
            .filter(|id| !settle_expiry(&mut st, id, now))
            .collect()
    }

    /// Marks the seeded employer account claimed or unclaimed, to exercise the pre-claim rules
    /// (the lower publish limit, `account_claim_required`) without running the claim ceremony.
    pub fn set_owner_claimed(&self, claimed: bool) {
        let mut st = self.app.state();
        let owner = self.owner_account.clone();
        if let Some(account) = st.account_mut(&owner) {
            account.claimed = claimed;
        }
    }

    /// Gives the seeded employer account a payment method or removes it (without one, hires and
    /// funding answer 409 `payment_method_required`).
    pub fn set_payment_method(&self, on_file: bool) {
        self.app.set_payment_method(&self.owner_account, on_file);
    }

    /// The employer changes a proposal's status in the app (e.g. `SHORTLISTED`, `NOT_A_FIT`);
    /// records `proposal.status_changed`.
    pub fn set_proposal_status(&self, proposal_id: &str, status: &str) -> Result<(), ControlError> {
        let now = self.app.now();
        let mut st = self.app.state();
        let parsed = ProposalStatus::from(status);
        if parsed.is_unknown() {
            return Err(ControlError::InvalidState(format!(
                "{status} is not a proposal status"
            )));
        }
        let proposal =
            st.market
                .proposal_mut(proposal_id)
                .ok_or_else(|| ControlError::NotFound {
                    kind: "proposal",
                    id: proposal_id.to_owned(),
                })?;
        proposal.status = parsed;
        proposal.updated_at = now;
        let (account, job) = (proposal.account_id.clone(), proposal.job_id.clone());
        st.record_event(
            &account,
            EventType::ProposalStatusChanged,
            proposal_id,
            Some(&job),
            PlatformEventData::builder()
                .proposal_id(Some(proposal_id.to_owned()))
                .status(Some(status.to_owned())),
            now,
        )?;
        Ok(())
    }

    /// The trainer of a conversation replies; records `message.received` and returns the
    /// message id. In a pre-hire thread the employer must have written first (the platform's
    /// employer-first rule).
    pub fn freelancer_reply(
        &self,
        conversation_id: &str,
        content: &str,
    ) -> Result<String, ControlError> {
        self.app.freelancer_reply(conversation_id, content)
    }
}

/// The controls the pages, the control routes and the [`Sandbox`] methods share.
impl App {
    /// Makes moderation block any job whose fields contain one of `words` (case-insensitive):
    /// publish answers 403 `moderation_blocked`, a live edit 409 `moderation_blocked`. Adds to
    /// the words already blocked.
    pub(crate) fn block_words(&self, words: &[&str]) {
        let mut st = self.state();
        for word in words {
            let word = word.trim().to_lowercase();
            if !word.is_empty() && !st.market.blocked_words.contains(&word) {
                st.market.blocked_words.push(word);
            }
        }
    }

    /// A seeded trainer applies to the open job `job_id`; records `proposal.received` and
    /// returns the new proposal's id.
    pub(crate) fn add_proposal(&self, job_id: &str) -> Result<String, ControlError> {
        let now = self.now();
        let mut st = self.state();
        let job = st
            .market
            .job(job_id)
            .ok_or_else(|| ControlError::NotFound {
                kind: "job",
                id: job_id.to_owned(),
            })?;
        if job.status != opentrain_gen::types::JobStatus::Open {
            return Err(ControlError::InvalidState(format!(
                "job {job_id} is {}, not OPEN",
                job.status
            )));
        }
        add_applicant(&mut st, job_id, now)?
            .ok_or_else(|| ControlError::InvalidState("no available trainer can apply".to_owned()))
    }

    /// The trainer of a conversation replies; records `message.received` and returns the
    /// message id. In a pre-hire thread the employer must have written first (the platform's
    /// employer-first rule).
    pub(crate) fn freelancer_reply(
        &self,
        conversation_id: &str,
        content: &str,
    ) -> Result<String, ControlError> {
        let now = self.now();
        let mut st = self.state();
        let conversation = st
            .market
            .conversations
            .iter()
            .find(|c| c.id == conversation_id)
            .cloned()
            .ok_or_else(|| ControlError::NotFound {
                kind: "conversation",
                id: conversation_id.to_owned(),
            })?;
        let employer_wrote = st
            .market
            .messages
            .iter()
            .any(|m| m.conversation_id == conversation_id && m.from_employer);
        if conversation.bucket == "proposal" && !employer_wrote {
            return Err(ControlError::InvalidState(
                "employer_first_message_required: the employer has not written yet".to_owned(),
            ));
        }
        let id = st.next_id("msg");
        st.market.messages.push(Msg {
            id: id.clone(),
            conversation_id: conversation_id.to_owned(),
            sender_user_id: conversation.freelancer_id.clone(),
            from_employer: false,
            content: content.to_owned(),
            created_at: now,
        });
        if let Some(c) = st
            .market
            .conversations
            .iter_mut()
            .find(|c| c.id == conversation_id)
        {
            c.updated_at = now;
        }
        st.record_event(
            &conversation.account_id,
            EventType::MessageReceived,
            &id,
            Some(&conversation.job_id),
            PlatformEventData::builder()
                .conversation_id(Some(conversation_id.to_owned()))
                .message_id(Some(id.clone())),
            now,
        )?;
        Ok(id)
    }

    /// Gives an account a payment method or removes it (the billing page's button; the seeded
    /// owner's through [`Sandbox::set_payment_method`]). Returns whether the account exists.
    pub(crate) fn set_payment_method(&self, account_id: &str, on_file: bool) -> bool {
        let mut st = self.state();
        match st.account_mut(account_id) {
            Some(account) => {
                account.payment_method = on_file;
                true
            }
            None => false,
        }
    }
}
