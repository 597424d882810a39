//! (in progress) the `approvals` workflow.
