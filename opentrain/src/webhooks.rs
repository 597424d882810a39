//! (in progress) the `webhooks` workflow.
