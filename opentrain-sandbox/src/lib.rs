//! (in progress) the embedded sandbox.
