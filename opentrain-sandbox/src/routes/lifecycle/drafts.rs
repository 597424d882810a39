//! `POST /job-drafts` (every documented body shape, with the idempotency key),
//! `PATCH /job-drafts/{jobId}` (the gap-fill loop) and `GET /job-drafts/capabilities`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use opentrain_gen::types::{
    AuthBootstrap, CapabilityFlags, DraftCapabilities, DraftContract, DraftEnums, ImportFormat,
    JobStatus, Scope,
};
use serde_json::{Map, Value};

use super::parse::{self, Imported};
use super::{JobRec, owned_job};
use crate::Feature;
use crate::app::App;
use crate::errors::{ApiError, new_details};
use crate::routes::{object, ok, with_status};

/// The longest `rawJobDescription` accepted (documented).
const MAX_DESCRIPTION_CHARS: usize = 60_000;

/// The in-app editor URL of a draft.
pub(crate) fn draft_url(app: &App, job_id: &str) -> String {
    app.url(&format!("/job-post?jobId={job_id}"))
}

/// What a create body asks for. `externalId` (top-level or in `source`) is checked to be a
/// string and otherwise ignored: no documented response field echoes it.
struct CreateRequest {
    idempotency_key: Option<String>,
    imported: Imported,
}

/// An optional string member (400 naming `field` when it is not a string).
fn optional_string(
    map: &Map<String, Value>,
    key: &str,
    field: &str,
) -> Result<Option<String>, ApiError> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        // Any string is a key (the docs state no format): an empty one is a key like another.
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(ApiError::bad_field(
            field,
            format!("{field} must be a string."),
        )),
    }
}

/// Plain text, checked against the documented limit.
fn text_import(text: &str, field: &str) -> Result<Imported, ApiError> {
    if text.chars().count() > MAX_DESCRIPTION_CHARS {
        return Err(ApiError::bad_field(
            field,
            format!("{field} must be at most {MAX_DESCRIPTION_CHARS} characters."),
        ));
    }
    Ok(Imported {
        fields: parse::parse_text(text),
        unmapped: Vec::new(),
    })
}

/// A known import format (400 naming `field` otherwise).
fn format_of(value: Option<&Value>, field: &str) -> Result<ImportFormat, ApiError> {
    let format = value
        .and_then(Value::as_str)
        .map(ImportFormat::from)
        .filter(|f| !f.is_unknown());
    format.ok_or_else(|| {
        ApiError::bad_field(
            field,
            format!(
                "{field} must be one of {}.",
                ImportFormat::DOCUMENTED.join(", ")
            ),
        )
    })
}

/// Reads an import payload of `format`.
fn import(
    format: &ImportFormat,
    payload: Option<&Value>,
    field: &str,
) -> Result<Imported, ApiError> {
    let missing = || {
        ApiError::bad_field(
            field,
            format!("{field} is required with format {}.", format.as_str()),
        )
    };
    match format {
        // The docs state no minimum and do not say `source.text` is required: no text is an
        // empty draft, and its validation names what publishing still needs.
        ImportFormat::Text => match payload {
            None | Some(Value::Null) => text_import("", field),
            Some(Value::String(text)) => text_import(text, field),
            Some(_) => Err(ApiError::bad_field(
                field,
                format!("{field} must be a string."),
            )),
        },
        ImportFormat::OpentrainCanonical => match payload {
            Some(Value::Object(job)) => Ok(parse::import_canonical(job)),
            Some(Value::String(raw)) => match serde_json::from_str::<Value>(raw) {
                Ok(Value::Object(job)) => Ok(parse::import_canonical(&job)),
                _ => Err(ApiError::bad_field(field, "The job must be a JSON object.")),
            },
            _ => Err(missing()),
        },
        ImportFormat::SchemaOrgJobPosting => match payload {
            Some(Value::Object(posting)) => Ok(parse::import_json_ld(posting)),
            Some(Value::String(raw)) => match serde_json::from_str::<Value>(raw) {
                Ok(Value::Object(posting)) => Ok(parse::import_json_ld(&posting)),
                _ => Err(ApiError::bad_field(
                    field,
                    "The JSON-LD payload must be a JobPosting object.",
                )),
            },
            _ => Err(missing()),
        },
        ImportFormat::IndeedXml | ImportFormat::HrXml => match payload.and_then(Value::as_str) {
            // No minimum is documented: an empty feed is an empty draft.
            Some(xml) if xml.trim().is_empty() => text_import("", field),
            Some(xml) => Ok(parse::import_xml(xml)),
            _ => Err(missing()),
        },
        _ => Err(missing()),
    }
}

/// Interprets a create body: `rawJobDescription`, `source{type,text,...}`, or `format` with
/// `job` / `jsonLd` / `xml`. Inside `source`, `text` carries the payload of whatever `type`
/// names (the docs only show `type: "text"`; carrying other formats there is the sandbox's
/// reading).
fn read_create(body: &Map<String, Value>) -> Result<CreateRequest, ApiError> {
    let shapes = ["rawJobDescription", "source", "format"]
        .iter()
        .filter(|k| body.contains_key(**k))
        .count();
    if shapes != 1 {
        return Err(ApiError::bad_request(
            "Send exactly one of the body shapes: rawJobDescription, source, or format with job/jsonLd/xml.",
        ));
    }
    let mut idempotency_key = optional_string(body, "idempotencyKey", "idempotencyKey")?;
    optional_string(body, "externalId", "externalId")?;
    let imported = if let Some(raw) = body.get("rawJobDescription") {
        let text = raw.as_str().ok_or_else(|| {
            ApiError::bad_field("rawJobDescription", "rawJobDescription must be a string.")
        })?;
        text_import(text, "rawJobDescription")?
    } else if let Some(source) = body.get("source") {
        let source = source
            .as_object()
            .ok_or_else(|| ApiError::bad_field("source", "source must be an object."))?;
        let format = match source.get("type") {
            None | Some(Value::Null) => ImportFormat::Text,
            other => format_of(other, "source.type")?,
        };
        idempotency_key = idempotency_key.or(optional_string(
            source,
            "idempotencyKey",
            "source.idempotencyKey",
        )?);
        optional_string(source, "externalId", "source.externalId")?;
        // The docs do not say `source.text` is required (nor what carries another format's
        // payload inside `source`): no text is an empty draft.
        match source.get("text") {
            None | Some(Value::Null) => text_import("", "source.text")?,
            // A payload that does not read as `type` names is read as plain text: the docs
            // only show `type: "text"` inside `source`.
            Some(Value::String(text)) => {
                import(&format, Some(&Value::String(text.clone())), "source.text")
                    .or_else(|_| text_import(text, "source.text"))?
            }
            text => import(&format, text, "source.text")?,
        }
    } else {
        let format = format_of(body.get("format"), "format")?;
        match format {
            // `format` takes the same values as `source.type`; plain text has no payload key
            // beside it, so `format: "text"` starts an empty draft.
            ImportFormat::Text => text_import("", "format")?,
            ImportFormat::OpentrainCanonical => import(&format, body.get("job"), "job")?,
            ImportFormat::SchemaOrgJobPosting => import(&format, body.get("jsonLd"), "jsonLd")?,
            _ => import(&format, body.get("xml"), "xml")?,
        }
    };
    Ok(CreateRequest {
        idempotency_key,
        imported,
    })
}

/// `POST /job-drafts`: 201 with the validation envelope; a reused `idempotencyKey` answers 200
/// with the draft it created the first time (and creates nothing).
pub(crate) async fn create_draft(
    State(app): State<App>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::JobsWrite)?;
    st.require_feature(Feature::JobDrafting)?;
    let body = object(&body, false)?;
    let request = read_create(&body)?;
    if let Some(key) = &request.idempotency_key {
        let existing =
            st.market.jobs.iter().find(|j| {
                j.account_id == p.account_id && j.idempotency_key.as_deref() == Some(key)
            });
        if let Some(job) = existing {
            return ok(&parse::envelope(job, draft_url(&app, &job.id))?);
        }
    }
    let id = st.next_id("job");
    let job = JobRec {
        id: id.clone(),
        account_id: p.account_id.clone(),
        company: None,
        status: JobStatus::Draft,
        fields: request.imported.fields,
        created_at: now,
        updated_at: now,
        published_at: None,
        idempotency_key: request.idempotency_key,
        unmapped: request.imported.unmapped,
    };
    let envelope = parse::envelope(&job, draft_url(&app, &id))?;
    st.market.jobs.push(job);
    with_status(StatusCode::CREATED, &envelope)
}

/// `PATCH /job-drafts/{jobId}`: applies the fields and answers the refreshed envelope. A job
/// that is no longer a draft answers 409 with `requiredStatus: "DRAFT"` (live jobs use
/// `PATCH /jobs/{id}`).
pub(crate) async fn update_draft(
    State(app): State<App>,
    headers: HeaderMap,
    Path(job_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let (mut st, p, now) = app.signed_in(&headers)?;
    p.require(Scope::JobsWrite)?;
    st.require_feature(Feature::JobDrafting)?;
    let body = object(&body, false)?;
    let job = owned_job(&st.market, &job_id, &p.account_id)?;
    if job.status != JobStatus::Draft {
        return Err(ApiError::conflict_plain(format!(
            "Job {job_id} is {}, not a draft; edit live jobs with PATCH /jobs/{job_id}.",
            job.status
        ))
        .details(
            new_details()
                .job_id(Some(job_id.clone()))
                .status(Some(job.status.to_string()))
                .required_status(Some("DRAFT".to_owned())),
        ));
    }
    let changes = parse::check_patch(body)?;
    let job = st
        .market
        .job_mut(&job_id)
        .ok_or_else(|| super::job_not_found(&job_id))?;
    parse::apply(&mut job.fields, changes);
    job.updated_at = now;
    let envelope = parse::envelope(job, draft_url(&app, &job_id))?;
    ok(&envelope)
}

/// `GET /job-drafts/capabilities`: any valid token; the drafting feature must be on. The flags
/// mirror the sandbox's feature switches (the four draft flags all follow
/// `public_api_job_drafting`).
pub(crate) async fn capabilities(
    State(app): State<App>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (st, _, _) = app.signed_in(&headers)?;
    st.require_feature(Feature::JobDrafting)?;
    let on = |f: Feature| Some(!st.disabled_features.contains(&f));
    let capabilities = CapabilityFlags::builder()
        .credits(on(Feature::Credits))
        .draft_create(Some(true))
        .draft_import(Some(true))
        .draft_update(Some(true))
        .draft_url_read(Some(true))
        .hiring(on(Feature::Hiring))
        .messaging_writes(on(Feature::MessagingWrites))
        .payments_write(on(Feature::PaymentsWrite))
        .publish(on(Feature::JobPublishing))
        .team(on(Feature::Team))
        .webhooks(on(Feature::Webhooks));
    let strings = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    let enums = DraftEnums::try_from(
        DraftEnums::builder()
            .data_volume_unit(strings(parse::DATA_VOLUME_UNITS))
            .experience_level(strings(parse::EXPERIENCE_LEVELS))
            .payment_type(strings(parse::PAYMENT_TYPES)),
    )?;
    let draft = DraftContract::try_from(
        DraftContract::builder()
            .enums(Some(enums))
            // Every documented format: `format_of` accepts each of them.
            .import_formats(
                ImportFormat::DOCUMENTED
                    .iter()
                    .map(|f| ImportFormat::from(*f))
                    .collect::<Vec<_>>(),
            )
            .update_keys(strings(&parse::UPDATE_KEYS)),
    )?;
    ok(&DraftCapabilities::try_from(
        DraftCapabilities::builder()
            .actor_is_admin(Some(false))
            .auth_bootstrap(Some(AuthBootstrap::Token))
            .capabilities(capabilities)
            .draft(Some(draft))
            .enabled(Some(true))
            .feature_key(Some(Feature::JobDrafting.key().to_owned()))
            .namespace(Some("job-drafts".to_owned()))
            .rollout_mode(Some("ALL".to_owned())),
    )?)
}
