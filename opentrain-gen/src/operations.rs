//! The operation table: every operation of `openapi.json` with what the generator made of it.
//!
//! `cargo xtask generate` writes [`OPERATIONS`] from the spec (method, path, tag, summary, the
//! parameters and body members with their types, limits and defaults, declared statuses,
//! whether it is a tokenless read) joined with the generated code (the `Client` method and a
//! decoder for its success type). Tests use it to prove every operation has a client method and
//! every docs example decodes; the facade uses it to look up facts by operation (e.g. which are
//! reads) and to call any operation by name (`Client::operation`).

/// Where a parameter goes in the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParameterLocation {
    /// A `{name}` segment of the path template.
    Path,
    /// A query-string parameter.
    Query,
}

/// The JSON type the spec declares for a parameter or a body field (`Any` where it declares
/// none, or a composition the table does not flatten).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueKind {
    /// `type: string`.
    String,
    /// `type: integer`.
    Integer,
    /// `type: number`.
    Number,
    /// `type: boolean`.
    Boolean,
    /// `type: array`.
    Array,
    /// `type: object`.
    Object,
    /// No single declared type.
    Any,
}

/// A path or query parameter of an operation, with the spec's type, limits and default.
#[derive(Clone, Copy, Debug)]
pub struct Parameter {
    /// The wire name, e.g. `limit`.
    pub name: &'static str,
    /// Path or query.
    pub location: ParameterLocation,
    /// The declared type (following `$ref` and a single `allOf`).
    pub kind: ValueKind,
    /// Whether the spec requires it.
    pub required: bool,
    /// `minimum`, when declared.
    pub minimum: Option<f64>,
    /// `maximum`, when declared.
    pub maximum: Option<f64>,
    /// `default`, as JSON text, when declared.
    pub default: Option<&'static str>,
    /// `minLength`, when declared.
    pub min_length: Option<u64>,
    /// `maxLength`, when declared.
    pub max_length: Option<u64>,
    /// The documented values of a string enum (empty when not an enum).
    pub values: &'static [&'static str],
    /// The spec's description.
    pub description: &'static str,
}

/// A top-level member of a JSON request body.
#[derive(Clone, Copy, Debug)]
pub struct BodyField {
    /// The member's name, e.g. `freelancerId`.
    pub name: &'static str,
    /// The declared type.
    pub kind: ValueKind,
    /// Whether the body schema requires it (in every alternative of a `oneOf`).
    pub required: bool,
    /// `minimum`, when declared.
    pub minimum: Option<f64>,
    /// `maximum`, when declared.
    pub maximum: Option<f64>,
    /// `minLength`, when declared.
    pub min_length: Option<u64>,
    /// `maxLength`, when declared.
    pub max_length: Option<u64>,
    /// The documented values of a string enum (empty when not an enum).
    pub values: &'static [&'static str],
    /// The type of an array's items (`Any` when it is not an array or declares none).
    pub items: ValueKind,
    /// The members of an object member, one level deep (a hire's `milestone`); empty
    /// otherwise.
    pub fields: &'static [BodyField],
    /// The spec's description.
    pub description: &'static str,
}

/// The request body of an operation.
#[derive(Clone, Copy, Debug)]
pub struct RequestBody {
    /// Whether the spec requires a body.
    pub required: bool,
    /// Its media type: `application/json`, or the first one the spec lists when it takes no
    /// JSON (`text/plain`, `application/octet-stream`, ...).
    pub media_type: &'static str,
    /// The top-level members the body schema declares (of every alternative of a `oneOf`).
    pub fields: &'static [BodyField],
}

/// One operation of the spec.
#[derive(Clone, Copy, Debug)]
pub struct Operation {
    /// The spec's `operationId` (camelCase), e.g. `getJob`.
    pub operation_id: &'static str,
    /// The HTTP method, upper case.
    pub method: &'static str,
    /// The path template relative to the server URL, e.g. `/jobs/{id}`.
    pub path: &'static str,
    /// The operation's first tag (its family).
    pub tag: &'static str,
    /// The spec's one-line summary.
    pub summary: &'static str,
    /// The path and query parameters, in spec order.
    pub parameters: &'static [Parameter],
    /// The request body, when the operation takes one.
    pub body: Option<RequestBody>,
    /// The generated `Client` method (progenitor's snake case of the `operationId`).
    pub client_method: &'static str,
    /// The declared 2xx statuses.
    pub success_statuses: &'static [u16],
    /// The declared error statuses.
    pub error_statuses: &'static [u16],
    /// The hundreds digit of each status range the operation declares (`2XX` is `2`).
    pub status_ranges: &'static [u16],
    /// Whether the operation needs no token (`security: []`).
    pub tokenless: bool,
    /// Whether a success body of the operation carries a secret (a `format: password`
    /// property): an error about such a body must never quote it.
    pub carries_secret: bool,
    /// Decodes a success body through the generated response type and re-encodes it as JSON
    /// (`None` when the operation has no JSON success body).
    pub decode_success: Option<fn(&[u8]) -> Result<serde_json::Value, serde_json::Error>>,
    /// Decodes a success body through the generated response type and formats it with `Debug`
    /// (`None` when the operation has no JSON success body); tests use it to prove no secret
    /// prints.
    pub debug_success: Option<fn(&[u8]) -> Result<String, serde_json::Error>>,
    /// The JSON request body read as the generated body type and written back (`None` when
    /// the operation takes no JSON body): a body the type refuses (a missing member, a value
    /// out of its declared range) is the type's error, and what comes back is what the
    /// generated client would send.
    pub encode_body: Option<fn(serde_json::Value) -> Result<serde_json::Value, serde_json::Error>>,
}

impl RequestBody {
    /// Whether the body is JSON (`application/json`, or a `+json` type).
    pub fn is_json(&self) -> bool {
        self.media_type == "application/json" || self.media_type.ends_with("+json")
    }
}

impl Operation {
    /// What the transport uses for a request whose operation name the table does not know.
    /// No generated request is one (`cargo xtask generate` checks that every client method has
    /// its row); the facts are the most careful ones: any 2xx is a success, the token is sent,
    /// and the request is a write that is never sent again once it reached the server.
    pub const UNLISTED: Operation = Operation {
        operation_id: "unlisted",
        method: "POST",
        path: "",
        tag: "",
        summary: "",
        parameters: &[],
        body: None,
        client_method: "",
        success_statuses: &[],
        error_statuses: &[],
        status_ranges: &[2],
        tokenless: false,
        carries_secret: false,
        decode_success: None,
        debug_success: None,
        encode_body: None,
    };

    /// Looks an operation up by its `operationId`.
    pub fn by_id(operation_id: &str) -> Option<&'static Operation> {
        OPERATIONS.iter().find(|o| o.operation_id == operation_id)
    }

    /// The top-level body member named `name`, if the operation's body declares one.
    pub fn body_field(&self, name: &str) -> Option<&'static BodyField> {
        self.body
            .and_then(|body| body.fields.iter().find(|f| f.name == name))
    }

    /// The parameter named `name`, if the operation has one.
    pub fn parameter(&self, name: &str) -> Option<&'static Parameter> {
        self.parameters.iter().find(|p| p.name == name)
    }

    /// Whether the method is safe to repeat (GET/HEAD/OPTIONS).
    pub fn is_read(&self) -> bool {
        matches!(self.method, "GET" | "HEAD" | "OPTIONS")
    }
}

include!("generated/operations.rs");
