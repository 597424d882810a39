//! The sandbox serves only what the real service serves: every route it registers is an
//! operation of `openapi.json` (same method, same path template), one of the four agent-auth
//! endpoints, one of the HTML pages listed in [`PAGES`] (which stand in for the OpenTrain
//! app's own pages behind `verification_uri`, `approvalUrl` and `jobUrl`, plus the overview), or
//! one of the [`CONTROLS`] that play the other sides of the marketplace.

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

/// The HTML pages a person opens from links the API hands out. They are not API routes: the
/// claim page behind a claim's `verification_uri` (`/claim?token=ot_cat_...`, its form posts
/// back to the same URL) and the approval page behind every `approvalUrl` (its Confirm and
/// Decline buttons post back to it). A new page must be added here on purpose.
const PAGES: [(&str, &str); 17] = [
    ("GET", "/"),
    ("POST", "/settings/moderation"),
    ("GET", "/jobs/{id}"),
    ("POST", "/jobs/{id}"),
    ("GET", "/job-post"),
    ("GET", "/proposals/{id}"),
    ("GET", "/conversations/{id}"),
    ("POST", "/conversations/{id}"),
    ("GET", "/contracts/{id}"),
    ("GET", "/settings/billing"),
    ("POST", "/settings/billing"),
    ("GET", "/checkout/{id}"),
    ("POST", "/checkout/{id}"),
    ("GET", "/claim"),
    ("POST", "/claim"),
    ("GET", "/approvals/{approvalId}"),
    ("POST", "/approvals/{approvalId}"),
];

/// The control routes: the other sides of the marketplace (trainers, the co-signing human,
/// moderation), which the real service has no HTTP surface for.
const CONTROLS: [(&str, &str); 4] = [
    ("POST", "/sandbox/trainer/proposals"),
    ("POST", "/sandbox/trainer/replies"),
    ("POST", "/sandbox/approvals/{approvalId}/{decision}"),
    ("POST", "/sandbox/moderation/blocked-words"),
];

/// The routes of `served` that are neither a spec operation, an agent-auth endpoint nor a
/// listed page.
fn strays(served: &[ServedRoute]) -> Vec<String> {
    let spec: BTreeSet<(String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.method.to_owned(), format!("{API_PREFIX}{}", op.path)))
        .chain(
            AGENT_AUTH
                .iter()
                .chain(PAGES.iter())
                .chain(CONTROLS.iter())
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
fn every_served_route_is_a_spec_operation_an_agent_auth_endpoint_a_listed_page_or_control() {
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
        ServedRoute {
            method: "DELETE",
            path: "/approvals/{approvalId}",
        },
        ServedRoute {
            method: "GET",
            path: "/claim/{token}",
        },
        ServedRoute {
            method: "GET",
            path: "/approvals/{approvalId}",
        },
    ];
    assert_eq!(
        strays(&invented),
        [
            "DELETE /api/public/v1/auth/me",
            "GET /api/public/v1/jobs/{jobId}",
            "GET /api/public/v1/sandbox/reset",
            "DELETE /approvals/{approvalId}",
            "GET /claim/{token}"
        ]
    );
}

#[test]
fn every_listed_page_and_control_is_served_and_only_they_are_outside_the_api_prefixes() {
    let all = routes();
    for (method, path) in PAGES.into_iter().chain(CONTROLS) {
        assert!(
            all.iter().any(|r| r.method == method && r.path == path),
            "the page or control {method} {path} is listed but not served"
        );
    }
    let outside: BTreeSet<(&str, &str)> = all
        .iter()
        .filter(|r| !r.path.starts_with("/api/"))
        .map(|r| (r.method, r.path))
        .collect();
    assert_eq!(outside, PAGES.into_iter().chain(CONTROLS).collect());
}

#[test]
fn no_route_is_registered_twice() {
    let all = routes();
    let unique: BTreeSet<_> = all.iter().map(|r| (r.method, r.path)).collect();
    assert_eq!(unique.len(), all.len());
}
