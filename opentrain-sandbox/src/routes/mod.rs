//! The route table: every endpoint the sandbox serves, in one list that both builds the axum
//! router and answers [`crate::routes`], so the served surface can be checked against
//! `openapi.json`; the HTML pages a person opens (`pages`) are listed apart and served outside
//! the API's fault and recording middleware. Also the small request helpers shared by the
//! handlers (JSON bodies, query parameters, limits and cursor paging).

use std::collections::HashMap;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, rejection::QueryRejection};
use axum::http::{HeaderValue, Method, StatusCode, Uri};
use axum::response::Response;
use axum::routing::{MethodRouter, delete, get, post};
use opentrain_gen::types::ErrorCode;

use crate::ServedRoute;
use crate::app::App;
use crate::errors::{ApiError, envelope, json, request_id};

mod account;
mod controls;
mod lifecycle;
mod me;
mod pages;

pub(crate) use account::{Agents, start_background};
pub use account::{ClaimSummary, DeliveryAttempt};
pub(crate) use lifecycle::Market;

/// Where the Public API is mounted.
pub(crate) const API: &str = "/api/public/v1";

/// Response header set on the answer to a request no route matched (value `no-route`).
pub const NO_ROUTE_HEADER: &str = "x-opentrain-sandbox";

/// One route: method, full path template, handler.
pub(crate) type Route = (&'static str, &'static str, MethodRouter<App>);

fn table() -> Vec<Route> {
    let mut table = vec![
        ("GET", "/api/public/v1/auth/me", get(me::get_me)),
        ("GET", "/api/public/v1/tokens", get(me::list_tokens)),
        ("POST", "/api/public/v1/tokens", post(me::create_token)),
        (
            "DELETE",
            "/api/public/v1/tokens/{tokenId}",
            delete(me::revoke_token),
        ),
        (
            "GET",
            "/api/public/v1/updates",
            get(crate::events::poll_updates),
        ),
    ];
    table.extend(lifecycle::routes());
    table.extend(account::routes());
    table
}

/// Every (method, path template) the sandbox serves: the API's table, then the page routes,
/// then the control routes.
pub(crate) fn served() -> Vec<ServedRoute> {
    table()
        .into_iter()
        .chain(pages::routes())
        .chain(controls::routes())
        .map(|(method, path, _)| ServedRoute { method, path })
        .collect()
}

/// The router over the whole table, with the fault/recording middleware, plus the pages
/// (merged after the middleware is applied, so faults and the request log concern the API
/// only).
pub(crate) fn router(app: App) -> Router {
    let mut router = Router::new();
    for (_, path, handler) in table() {
        router = router.route(path, handler);
    }
    router
        .fallback(no_route)
        .method_not_allowed_fallback(no_method)
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            crate::faults::observe,
        ))
        .merge(pages::router())
        .merge(controls::router())
        .with_state(app)
}

fn unmatched(status: StatusCode, code: ErrorCode, message: String) -> Response {
    let mut response = envelope(status, code, message, None, &request_id());
    response
        .headers_mut()
        .insert(NO_ROUTE_HEADER, HeaderValue::from_static("no-route"));
    response
}

async fn no_route(method: Method, uri: Uri) -> Response {
    unmatched(
        StatusCode::NOT_FOUND,
        ErrorCode::NotFound,
        format!("The sandbox serves no route for {method} {}.", uri.path()),
    )
}

async fn no_method(method: Method, uri: Uri) -> Response {
    unmatched(
        StatusCode::METHOD_NOT_ALLOWED,
        ErrorCode::BadRequest,
        format!("The sandbox does not serve {method} on {}.", uri.path()),
    )
}

/// Query parameters as a map (a malformed query string is a 400).
pub(crate) type Params = Result<Query<HashMap<String, String>>, QueryRejection>;

/// The parameters, or 400.
pub(crate) fn params(query: Params) -> Result<HashMap<String, String>, ApiError> {
    query
        .map(|Query(map)| map)
        .map_err(|e| ApiError::bad_request(format!("Invalid query parameters: {e}")))
}

/// The JSON object in `body` (400 if it is not one). An empty body is `{}` when `allow_empty`.
pub(crate) fn object(
    body: &Bytes,
    allow_empty: bool,
) -> Result<serde_json::Map<String, serde_json::Value>, ApiError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return if allow_empty {
            Ok(serde_json::Map::new())
        } else {
            Err(ApiError::bad_request(
                "The request body must be a JSON object.",
            ))
        };
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::bad_request(
            "The request body must be a JSON object.",
        )),
        Err(e) => Err(ApiError::bad_request(format!(
            "The request body is not valid JSON: {e}"
        ))),
    }
}

/// `limit` in `1..=max` (default `default`), else 400 `{field: "limit"}`.
pub(crate) fn limit(
    params: &HashMap<String, String>,
    default: usize,
    max: usize,
) -> Result<usize, ApiError> {
    match params.get("limit") {
        None => Ok(default),
        Some(raw) => match raw.trim().parse::<usize>() {
            Ok(n) if (1..=max).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_field(
                "limit",
                format!("limit must be an integer between 1 and {max}."),
            )),
        },
    }
}

/// One page of `items` (already in page order, each with its id): the items after the one whose
/// id is `cursor`, at most `limit`, and the cursor of the next page (the last id returned) when
/// more remain. An unknown cursor is a 400 `{field: "cursor"}`.
pub(crate) fn page<T>(
    items: Vec<(String, T)>,
    cursor: Option<&str>,
    limit: usize,
) -> Result<(Vec<T>, Option<String>), ApiError> {
    let start = match cursor.filter(|c| !c.is_empty()) {
        None => 0,
        Some(cursor) => items
            .iter()
            .position(|(id, _)| id == cursor)
            .map(|i| i + 1)
            .ok_or_else(|| {
                ApiError::bad_field("cursor", "The cursor is not valid for this list.")
            })?,
    };
    let remaining = items.len().saturating_sub(start);
    let mut taken: Vec<(String, T)> = items.into_iter().skip(start).take(limit).collect();
    let next = if remaining > limit {
        taken.last().map(|(id, _)| id.clone())
    } else {
        None
    };
    Ok((taken.drain(..).map(|(_, item)| item).collect(), next))
}

/// A JSON response with 200.
pub(crate) fn ok<T: serde::Serialize>(body: &T) -> Result<Response, ApiError> {
    Ok(json(StatusCode::OK, body))
}

/// A JSON response with `status`.
pub(crate) fn with_status<T: serde::Serialize>(
    status: StatusCode,
    body: &T,
) -> Result<Response, ApiError> {
    Ok(json(status, body))
}
