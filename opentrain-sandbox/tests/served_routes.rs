//! The sandbox serves only what the real service serves: every route it registers is an
//! operation of `openapi.json` (same method, same path template) or one of the four agent-auth
//! endpoints.

use std::collections::BTreeSet;

use opentrain_gen::operations::OPERATIONS;
use opentrain_sandbox::{API_PREFIX, ServedRoute, routes};

/// The agent-auth endpoints (outside `/v1`, not in `openapi.json`).
const AGENT_AUTH: [(&str, &str); 4] = [
    ("POST", "/api/agent/identity"),
    ("POST", "/api/agent/identity/claim"),
    ("POST", "/api/agent/oauth/token"),
    ("POST", "/api/agent/oauth/revoke"),
];

/// The routes of `served` that are neither a spec operation nor an agent-auth endpoint.
fn strays(served: &[ServedRoute]) -> Vec<String> {
    let spec: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.method.to_owned(), format!("{API_PREFIX}{}", op.path)))
        .chain(
            AGENT_AUTH
                .iter()
                .map(|(m, p)| ((*m).to_owned(), (*p).to_owned())),
        )
        .collect();
    served
        .iter()
        .filter(|r| !spec.contains(&(r.method.to_owned(), r.path.to_owned())))
        .map(|r| format!("{} {}", r.method, r.path))
        .collect()
}

#[test]
fn every_served_route_is_a_spec_operation_or_an_agent_auth_endpoint() {
    let strays = strays(&routes());
    assert!(
        strays.is_empty(),
        "routes the real service does not have: {strays:?}"
    );
}

#[test]
fn the_check_catches_a_wrong_method_a_wrong_template_and_an_invented_path() {
    let invented = [
        ServedRoute {
            method: "DELETE",
            path: "/api/public/v1/auth/me",
        },
        ServedRoute {
            method: "GET",
            path: "/api/public/v1/jobs/{jobId}",
        },
        ServedRoute {
            method: "GET",
            path: "/api/public/v1/sandbox/reset",
        },
        ServedRoute {
            method: "GET",
            path: "/api/public/v1/auth/me",
        },
    ];
    assert_eq!(
        strays(&invented),
        [
            "DELETE /api/public/v1/auth/me",
            "GET /api/public/v1/jobs/{jobId}",
            "GET /api/public/v1/sandbox/reset"
        ]
    );
}

#[test]
fn no_route_is_registered_twice() {
    let all = routes();
    let unique: BTreeSet<_> = all.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(unique.len(), all.len());
}
