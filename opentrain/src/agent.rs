//! (in progress) the `agent` workflow.
