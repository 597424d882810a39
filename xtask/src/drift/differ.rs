//! The state of the walk over two specs, [`Differ`]: both documents, the findings so far and, for
//! each component schema, the operations that use it. [`At`] is the place a schema comparison is
//! at. The walk itself is in `operations.rs` (operations, parameters, bodies, statuses) and
//! `schemas.rs` (component schemas and the comparison of two schemas).

use super::report::{Finding, Kind, Severity};
use super::usage::Usage;
use opentrain_spec::escape_pointer;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

/// The properties of a schema without properties, and the like.
pub(super) static EMPTY: LazyLock<Map<String, Value>> = LazyLock::new(Map::new);

/// The place a schema comparison is at: pointers into both documents and the finding's owner.
#[derive(Clone)]
pub(super) struct At<'a> {
    pub(super) operation: &'a str,
    pub(super) old: String,
    pub(super) new: String,
    pub(super) usage: Usage,
    pub(super) depth: usize,
}

impl At<'_> {
    pub(super) fn child(&self, token: &str) -> Self {
        let t = escape_pointer(token);
        At {
            operation: self.operation,
            old: format!("{}/{t}", self.old),
            new: format!("{}/{t}", self.new),
            usage: self.usage,
            depth: self.depth + 1,
        }
    }
}

pub(super) struct Differ<'a> {
    pub(super) old: &'a Value,
    pub(super) new: &'a Value,
    pub(super) findings: Vec<Finding>,
    pub(super) used_by: BTreeMap<String, BTreeSet<String>>,
}

impl<'a> Differ<'a> {
    pub(super) fn push(
        &mut self,
        operation: &str,
        kind: Kind,
        pointer: &str,
        detail: String,
        severity: Severity,
    ) {
        self.findings.push(Finding {
            operation: operation.to_owned(),
            kind,
            pointer: pointer.to_owned(),
            detail,
            severity,
        });
    }
}
