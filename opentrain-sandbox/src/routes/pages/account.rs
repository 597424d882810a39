//! The pages behind the account URLs the API hands out: the billing page behind a
//! `payment_method_required` error's `billingUrl` (`/settings/billing`), where a person adds a
//! test card to an account, and the checkout behind a top-up's `checkoutUrl`
//! (`/checkout/{id}`), where they pay it (the credits land on the ledger). Nothing is charged.
//! Rendered with maud (every value escaped).

use std::collections::HashMap;

use axum::Form;
use axum::extract::rejection::FormRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use maud::html;
use opentrain_gen::types::CreditTopUpStatus;

use super::html::{self, Tone};
use super::problem;
use crate::app::App;

/// `GET /settings/billing`.
pub(crate) async fn billing(State(app): State<App>) -> Response {
    render_billing(&app, StatusCode::OK, None)
}

/// `POST /settings/billing` with `account`: adds a test card to that account.
pub(crate) async fn add_card(
    State(app): State<App>,
    form: Result<Form<HashMap<String, String>>, FormRejection>,
) -> Response {
    let account = form
        .ok()
        .and_then(|Form(fields)| fields.get("account").cloned())
        .unwrap_or_default();
    if app.set_payment_method(&account, true) {
        render_billing(
            &app,
            StatusCode::OK,
            Some((
                Tone::Success,
                "A test card is on file: hires and funding can go ahead.".to_owned(),
            )),
        )
    } else {
        render_billing(
            &app,
            StatusCode::NOT_FOUND,
            Some((
                Tone::Error,
                format!("The sandbox has no account {account}."),
            )),
        )
    }
}

fn render_billing(app: &App, status: StatusCode, notice: Option<(Tone, String)>) -> Response {
    let st = app.state();
    let body = html! {
        p.muted { a href="/" { "← Overview" } }
        @if let Some((tone, message)) = &notice { (html::notice(*tone, message)) }
        p { "Hiring and funding need a payment method on file. Add a test card; nothing is charged." }
        ul.records {
            @for account in &st.accounts {
                li {
                    strong { (account.organization_name) }
                    " · " (if account.payment_method { "payment method on file" } else { "no payment method" })
                    @if !account.payment_method {
                        form method="post" action="/settings/billing" {
                            input type="hidden" name="account" value=(account.id);
                            div.actions { button.primary type="submit" { "Add a test card" } }
                        }
                    }
                }
            }
        }
    };
    html::respond(status, "Billing", body)
}

/// `GET /checkout/{id}`.
pub(crate) async fn checkout(State(app): State<App>, Path(id): Path<String>) -> Response {
    render_checkout(&app, &id, StatusCode::OK, None)
}

/// `POST /checkout/{id}`: pays the top-up (409 when it is no longer pending).
pub(crate) async fn pay(State(app): State<App>, Path(id): Path<String>) -> Response {
    match app.complete_top_up(&id) {
        Ok(()) => render_checkout(
            &app,
            &id,
            StatusCode::OK,
            Some((
                Tone::Success,
                "Paid: the credits are on the account's ledger.".to_owned(),
            )),
        ),
        Err(e) => render_checkout(
            &app,
            &id,
            StatusCode::CONFLICT,
            Some((Tone::Error, e.to_string())),
        ),
    }
}

fn render_checkout(
    app: &App,
    id: &str,
    status: StatusCode,
    notice: Option<(Tone, String)>,
) -> Response {
    let st = app.state();
    let Some((_, top_up)) = st.agents.credits.top_ups.iter().find(|(_, t)| t.id == id) else {
        return problem(
            StatusCode::NOT_FOUND,
            "Checkout not found",
            &format!("The sandbox has no top-up {id}."),
        );
    };
    let cents = top_up.amount_cents.unwrap_or(0);
    let body = html! {
        p.muted { a href="/" { "← Overview" } }
        @if let Some((tone, message)) = &notice { (html::notice(*tone, message)) }
        dl.facts {
            dt { "Top-up" } dd { code { (top_up.id) } }
            dt { "Amount" } dd { "$" (cents / 100) "." (format!("{:02}", cents.rem_euclid(100))) }
            dt { "Status" } dd { (top_up.status) }
            @if let Some(at) = top_up.expires_at { dt { "Link expires" } dd { (at.to_rfc3339()) } }
        }
        @if top_up.status == CreditTopUpStatus::Pending {
            form method="post" action={ "/checkout/" (top_up.id) } {
                div.actions { button.primary type="submit" { "Pay with a test card" } }
            }
        }
    };
    html::respond(status, "Checkout", body)
}
