//! (in progress) the `drafting` workflow.
