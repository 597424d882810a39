//! (in progress) the `updates` workflow.
