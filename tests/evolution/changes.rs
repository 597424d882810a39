//! Served-spec changes, each a small function over the parsed `openapi.json`, applied in order by
//! `tests/tests/spec_evolution.rs`. Each one imitates something served specs really do between
//! two refreshes; its doc comment says what.
//!
//! [`GENERATED`] are the changes the generated client must absorb (gate passes, the workspace
//! builds, the facade calls them). [`REFUSED`] are shapes progenitor 0.15 cannot generate: the
//! gate or the generator must refuse them with a message a maintainer can act on.

use serde_json::{Value, json};

/// One change of the served spec.
pub struct Change {
    /// The function's name, for messages.
    pub name: &'static str,
    /// Applies the change in place.
    pub apply: fn(&mut Value),
}

/// The changes the regenerated client must absorb, in the order they are applied (later ones
/// use the `Widget` schema the first one adds).
pub const GENERATED: &[Change] = &[
    Change {
        name: "paged_list_with_inline_enums",
        apply: paged_list_with_inline_enums,
    },
    Change {
        name: "json_write_answered_201",
        apply: json_write_answered_201,
    },
    Change {
        name: "delete_answered_204",
        apply: delete_answered_204,
    },
    Change {
        name: "discriminated_one_of_response",
        apply: discriminated_one_of_response,
    },
    Change {
        name: "csv_export",
        apply: csv_export,
    },
    Change {
        name: "text_and_binary_request_bodies",
        apply: text_and_binary_request_bodies,
    },
    Change {
        name: "new_value_of_a_named_enum",
        apply: new_value_of_a_named_enum,
    },
    Change {
        name: "new_optional_response_field",
        apply: new_optional_response_field,
    },
    Change {
        name: "newly_required_request_field",
        apply: newly_required_request_field,
    },
    Change {
        name: "parameters_named_like_keywords_and_locals",
        apply: parameters_named_like_keywords_and_locals,
    },
    Change {
        name: "served_as_openapi_3_1",
        apply: served_as_openapi_3_1,
    },
];

/// A shape progenitor 0.15 cannot generate, and what it does with it.
pub struct Refused {
    /// The change that adds the shape.
    pub change: Change,
    /// The operation it adds.
    pub operation_id: &'static str,
    /// That operation's path.
    pub path: &'static str,
    /// The parameters a refusal must name.
    pub parameters: &'static [&'static str],
    /// What progenitor 0.15 does with it (found by generating and building it).
    pub progenitor: &'static str,
}

/// Shapes progenitor 0.15 cannot generate. Each is applied on its own to the committed spec
/// plus [`GENERATED`]'s first change (they reuse its `Widget` schema).
pub const REFUSED: &[Refused] = &[
    Refused {
        change: Change {
            name: "query_and_path_parameter_of_the_same_name",
            apply: query_and_path_parameter_of_the_same_name,
        },
        operation_id: "getWidgetHistory",
        path: "/widgets/{id}/history",
        parameters: &["id"],
        progenitor: "keys parameters by name only: the query `id` replaces the path `id`, and the \
                     generator panics (\"missing path name mapping id\")",
    },
    Refused {
        change: Change {
            name: "query_parameter_listed_before_the_path_parameter_of_its_name",
            apply: query_parameter_listed_before_the_path_parameter_of_its_name,
        },
        operation_id: "getWidgetHistory",
        path: "/widgets/{id}/history",
        parameters: &["id"],
        progenitor: "keys parameters by name only: the path `id` replaces the query `id`, which \
                     is silently dropped (the generated method cannot send it)",
    },
    Refused {
        change: Change {
            name: "path_level_path_parameter_and_operation_query_parameter_of_one_name",
            apply: path_level_path_parameter_and_operation_query_parameter_of_one_name,
        },
        operation_id: "getWidgetHistory",
        path: "/widgets/{id}/history",
        parameters: &["id"],
        progenitor: "lets the operation's query `id` replace the path item's path `id`, and \
                     panics (\"missing path name mapping id\")",
    },
    Refused {
        change: Change {
            name: "query_parameters_named_like_the_builder_methods",
            apply: query_parameters_named_like_the_builder_methods,
        },
        operation_id: "findWidgets",
        path: "/widgets/find",
        parameters: &["new", "send"],
        progenitor: "generates setters `new` and `send` beside the builder's own `new` and \
                     `send`: the generated client does not compile (E0592 duplicate definitions)",
    },
    Refused {
        change: Change {
            name: "query_parameter_named_like_the_header_map_local",
            apply: query_parameter_named_like_the_header_map_local,
        },
        operation_id: "filterWidgets",
        path: "/widgets/filter",
        parameters: &["header_map"],
        progenitor: "shadows the parameter with its own `header_map` local and passes the \
                     HeaderMap as the query value: the generated client does not compile \
                     (E0277 `HeaderMap: Serialize`)",
    },
    Refused {
        change: Change {
            name: "query_parameters_with_one_rust_name",
            apply: query_parameters_with_one_rust_name,
        },
        operation_id: "browseWidgets",
        path: "/widgets/browse",
        parameters: &["pageSize", "page_size"],
        progenitor: "names both `page_size`: the generated client does not compile (E0124 \
                     field already declared)",
    },
];

/// The query parameters of `searchWidgets`: Rust keywords (`type`, `match`, `ref`, `self`,
/// `async`, `fn`, `crate`, `super`) and the names of the locals progenitor's generated `send`
/// uses (`url`, `request`, `response`, `client`, `body`, `result`, `info`, `value`).
pub const SEARCH_PARAMETERS: [&str; 16] = [
    "type", "match", "ref", "self", "async", "fn", "crate", "super", "url", "request", "response",
    "client", "body", "result", "info", "value",
];

/// The value the facade test (`evolution_calls.rs`) sends for a `searchWidgets` parameter (unique per name, and with
/// characters that must be percent-encoded).
#[allow(dead_code)] // used by the facade test only
pub fn search_value(name: &str) -> String {
    format!("{name} v&1")
}

fn schemas(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    doc.pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
        .expect("the spec has components.schemas")
}

fn path_item<'a>(doc: &'a mut Value, path: &str) -> &'a mut serde_json::Map<String, Value> {
    let paths = doc
        .get_mut("paths")
        .and_then(Value::as_object_mut)
        .expect("the spec has paths");
    paths
        .entry(path)
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("a path item is an object")
}

/// The documented error envelope, as every operation of the spec declares its errors.
fn error(description: &str) -> Value {
    json!({
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorEnvelope"}}}
    })
}

fn json_response(description: &str, schema: Value) -> Value {
    json!({"description": description, "content": {"application/json": {"schema": schema}}})
}

fn query(name: &str, schema: Value) -> Value {
    json!({"in": "query", "name": name, "required": false, "schema": schema})
}

fn path_id() -> Value {
    json!({"in": "path", "name": "id", "required": true, "description": "Widget ID.", "schema": {"type": "string"}})
}

fn widget_ref() -> Value {
    json!({"$ref": "#/components/schemas/Widget"})
}

/// A new family: `GET /widgets` (`listWidgets`), a cursor-paged list like every list of the
/// API. Served specs written by framework generators inline what is used once: the `status`
/// filter is an inline string enum, the page object is inline, and `Widget.kind` is an inline
/// enum. `nextCursor` is nullable (the 3.0 form).
pub fn paged_list_with_inline_enums(doc: &mut Value) {
    schemas(doc).insert(
        "Widget".into(),
        json!({
            "type": "object",
            "description": "A widget.",
            "required": ["id", "name", "kind"],
            "properties": {
                "id": {"type": "string"},
                "name": {"type": "string"},
                "kind": {"type": "string", "enum": ["a", "b"], "description": "What the widget is."}
            }
        }),
    );
    path_item(doc, "/widgets").insert(
        "get".into(),
        json!({
            "operationId": "listWidgets",
            "summary": "List widgets",
            "description": "Pages through the account's widgets, newest first.",
            "tags": ["widgets"],
            "parameters": [
                query("cursor", json!({"type": "string"})),
                query("limit", json!({"type": "integer", "minimum": 1, "maximum": 100, "default": 50})),
                query("status", json!({"type": "string", "enum": ["active", "archived"]}))
            ],
            "responses": {
                "200": json_response("A page of widgets.", json!({
                    "type": "object",
                    "required": ["items"],
                    "properties": {
                        "items": {"type": "array", "items": widget_ref()},
                        "nextCursor": {"type": "string", "nullable": true}
                    }
                })),
                "400": error("BAD_REQUEST: `limit` outside 1-100."),
                "401": error("UNAUTHORIZED: token missing or invalid.")
            }
        }),
    );
}

/// A new non-idempotent write, `POST /widgets` (`createWidget`): an inline JSON body, 201 with
/// the created resource, as a create endpoint is usually served.
pub fn json_write_answered_201(doc: &mut Value) {
    path_item(doc, "/widgets").insert(
        "post".into(),
        json!({
            "operationId": "createWidget",
            "summary": "Create a widget",
            "tags": ["widgets"],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {
                    "type": "object",
                    "required": ["name"],
                    "properties": {
                        "name": {"type": "string"},
                        "kind": {"type": "string", "enum": ["a", "b"]}
                    }
                }}}
            },
            "responses": {
                "201": json_response("The widget.", widget_ref()),
                "400": error("BAD_REQUEST: invalid fields."),
                "401": error("UNAUTHORIZED: token missing or invalid.")
            }
        }),
    );
}

/// A new delete, `DELETE /widgets/{id}` (`deleteWidget`), answered 204 with no body (unlike
/// `deleteWebhook`, which returns the deleted resource).
pub fn delete_answered_204(doc: &mut Value) {
    path_item(doc, "/widgets/{id}").insert(
        "delete".into(),
        json!({
            "operationId": "deleteWidget",
            "summary": "Delete a widget",
            "tags": ["widgets"],
            "parameters": [path_id()],
            "responses": {
                "204": {"description": "Deleted."},
                "401": error("UNAUTHORIZED: token missing or invalid."),
                "404": error("NOT_FOUND: no such widget.")
            }
        }),
    );
}

/// A polymorphic response, `GET /widgets/{id}/shape` (`getWidgetShape`): a `oneOf` of two
/// named members told apart by a `type` property (each member's `type` a one-value inline
/// enum), with a `discriminator` and its mapping, as OpenAPI generators of tagged unions emit.
pub fn discriminated_one_of_response(doc: &mut Value) {
    let s = schemas(doc);
    s.insert(
        "Circle".into(),
        json!({
            "type": "object",
            "required": ["type", "radius"],
            "properties": {
                "type": {"type": "string", "enum": ["circle"]},
                "radius": {"type": "number"}
            }
        }),
    );
    s.insert(
        "Square".into(),
        json!({
            "type": "object",
            "required": ["type", "side"],
            "properties": {
                "type": {"type": "string", "enum": ["square"]},
                "side": {"type": "number"}
            }
        }),
    );
    s.insert(
        "WidgetShape".into(),
        json!({
            "description": "The shape of a widget.",
            "oneOf": [
                {"$ref": "#/components/schemas/Circle"},
                {"$ref": "#/components/schemas/Square"}
            ],
            "discriminator": {
                "propertyName": "type",
                "mapping": {
                    "circle": "#/components/schemas/Circle",
                    "square": "#/components/schemas/Square"
                }
            }
        }),
    );
    path_item(doc, "/widgets/{id}/shape").insert(
        "get".into(),
        json!({
            "operationId": "getWidgetShape",
            "summary": "Get a widget's shape",
            "tags": ["widgets"],
            "parameters": [path_id()],
            "responses": {
                "200": json_response("The shape.", json!({"$ref": "#/components/schemas/WidgetShape"})),
                "401": error("UNAUTHORIZED: token missing or invalid."),
                "404": error("NOT_FOUND: no such widget.")
            }
        }),
    );
}

/// A non-JSON download, `GET /widgets/export` (`exportWidgets`): 200 `text/csv` with a string
/// schema, as CSV exports are served.
pub fn csv_export(doc: &mut Value) {
    path_item(doc, "/widgets/export").insert(
        "get".into(),
        json!({
            "operationId": "exportWidgets",
            "summary": "Export widgets as CSV",
            "tags": ["widgets"],
            "responses": {
                "200": {"description": "One line per widget.", "content": {"text/csv": {"schema": {"type": "string"}}}},
                "401": error("UNAUTHORIZED: token missing or invalid.")
            }
        }),
    );
}

/// Writes that take a body that is not JSON: a note as `text/plain` (with the length and
/// example a served spec puts on it) and an image as `application/octet-stream`, both 204.
pub fn text_and_binary_request_bodies(doc: &mut Value) {
    path_item(doc, "/widgets/{id}/note").insert(
        "put".into(),
        json!({
            "operationId": "putWidgetNote",
            "tags": ["widgets"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"text/plain": {"schema": {"type": "string", "minLength": 1, "example": "fragile"}}}},
            "responses": {"204": {"description": "Saved."}, "401": error("UNAUTHORIZED: token missing or invalid.")}
        }),
    );
    path_item(doc, "/widgets/{id}/image").insert(
        "put".into(),
        json!({
            "operationId": "putWidgetImage",
            "tags": ["widgets"],
            "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
            "requestBody": {"required": true, "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}},
            "responses": {"204": {"description": "Stored."}, "401": error("UNAUTHORIZED: token missing or invalid.")}
        }),
    );
}

/// The status a job can have grows: `JobStatus` (a named enum every job schema uses) gets
/// `PAUSED`.
pub fn new_value_of_a_named_enum(doc: &mut Value) {
    schemas(doc)["JobStatus"]["enum"]
        .as_array_mut()
        .expect("JobStatus is an enum")
        .push(json!("PAUSED"));
}

/// A response gains an optional field: `Me.locale`.
pub fn new_optional_response_field(doc: &mut Value) {
    schemas(doc)["Me"]["properties"]
        .as_object_mut()
        .expect("Me has properties")
        .insert(
            "locale".into(),
            json!({"type": "string", "description": "The user's locale, e.g. `de-DE`."}),
        );
}

/// A request body gains a required field (the one breaking change here):
/// `SendMessageRequest.channel`.
pub fn newly_required_request_field(doc: &mut Value) {
    let s = &mut schemas(doc)["SendMessageRequest"];
    s["properties"]
        .as_object_mut()
        .expect("SendMessageRequest has properties")
        .insert(
            "channel".into(),
            json!({"type": "string", "description": "Where the message goes, e.g. `in_app`."}),
        );
    s["required"]
        .as_array_mut()
        .expect("SendMessageRequest lists required fields")
        .push(json!("channel"));
}

/// Query parameters named whatever the server's language allows: `GET /widgets/search`
/// (`searchWidgets`) takes every name of [`SEARCH_PARAMETERS`], Rust keywords and the names of
/// the generated code's own locals.
pub fn parameters_named_like_keywords_and_locals(doc: &mut Value) {
    let parameters: Vec<Value> = SEARCH_PARAMETERS
        .iter()
        .map(|name| query(name, json!({"type": "string"})))
        .collect();
    path_item(doc, "/widgets/search").insert(
        "get".into(),
        json!({
            "operationId": "searchWidgets",
            "summary": "Search widgets",
            "tags": ["widgets"],
            "parameters": parameters,
            "responses": {
                "200": json_response("The best match.", widget_ref()),
                "401": error("UNAUTHORIZED: token missing or invalid.")
            }
        }),
    );
}

/// The served spec moves to OpenAPI 3.1: `openapi: 3.1.0`, nullability as a `type` array
/// (`nextCursor` rewritten that way, and a new optional `Widget.note` of type
/// `["string", "null"]` with 3.1's `examples`). `spec refresh` converts it back to 3.0.3.
pub fn served_as_openapi_3_1(doc: &mut Value) {
    doc["openapi"] = json!("3.1.0");
    let next = doc
        .pointer_mut("/paths/~1widgets/get/responses/200/content/application~1json/schema/properties/nextCursor")
        .expect("listWidgets has nextCursor");
    *next = json!({"type": ["string", "null"]});
    schemas(doc)["Widget"]["properties"]
        .as_object_mut()
        .expect("Widget has properties")
        .insert(
            "note".into(),
            json!({"type": ["string", "null"], "examples": ["fragile"]}),
        );
}

fn widget_history(doc: &mut Value, parameters: Value) {
    path_item(doc, "/widgets/{id}/history").insert(
        "get".into(),
        json!({
            "operationId": "getWidgetHistory",
            "summary": "A widget's history",
            "tags": ["widgets"],
            "parameters": parameters,
            "responses": {
                "200": json_response("The widget as of `id` (a revision ID).", widget_ref()),
                "401": error("UNAUTHORIZED: token missing or invalid.")
            }
        }),
    );
}

/// `GET /widgets/{id}/history?id=<revision>` (`getWidgetHistory`): a path and a query
/// parameter of the same name, which OpenAPI allows (a parameter is its name *and* location).
/// progenitor keys parameters by name only: the query `id` replaces the path `id`, and the
/// generator panics on the path template ("missing path name mapping id").
pub fn query_and_path_parameter_of_the_same_name(doc: &mut Value) {
    widget_history(
        doc,
        json!([path_id(), query("id", json!({"type": "string"}))]),
    );
}

/// The same two parameters listed query first: progenitor keeps the path `id` and silently
/// drops the query one (the method has no way to send it).
pub fn query_parameter_listed_before_the_path_parameter_of_its_name(doc: &mut Value) {
    widget_history(
        doc,
        json!([query("id", json!({"type": "string"})), path_id()]),
    );
}

/// The path `id` declared once on the path item (as many served specs do) and a query `id` on
/// the operation: progenitor lets the operation's parameter replace the path item's.
pub fn path_level_path_parameter_and_operation_query_parameter_of_one_name(doc: &mut Value) {
    widget_history(doc, json!([query("id", json!({"type": "string"}))]));
    path_item(doc, "/widgets/{id}/history").insert("parameters".into(), json!([path_id()]));
}

/// `GET /widgets/find?new=..&send=..` (`findWidgets`): query parameters named like the
/// generated builder's own methods (`new`, `send`); the setters clash with them and the
/// generated client does not compile.
pub fn query_parameters_named_like_the_builder_methods(doc: &mut Value) {
    path_item(doc, "/widgets/find").insert(
        "get".into(),
        json!({
            "operationId": "findWidgets",
            "tags": ["widgets"],
            "parameters": [query("new", json!({"type": "boolean"})), query("send", json!({"type": "string"}))],
            "responses": {"200": json_response("The best match.", widget_ref()), "401": error("UNAUTHORIZED")}
        }),
    );
}

/// `GET /widgets/filter?header_map=..` (`filterWidgets`): a query parameter named like the
/// generated `send`'s `header_map` local, which shadows it (the generated client does not
/// compile: it would send the header map as the query value).
pub fn query_parameter_named_like_the_header_map_local(doc: &mut Value) {
    path_item(doc, "/widgets/filter").insert(
        "get".into(),
        json!({
            "operationId": "filterWidgets",
            "tags": ["widgets"],
            "parameters": [query("header_map", json!({"type": "string"}))],
            "responses": {"200": json_response("The best match.", widget_ref()), "401": error("UNAUTHORIZED")}
        }),
    );
}

/// `GET /widgets/browse?pageSize=..&page_size=..` (`browseWidgets`): a camelCase parameter and
/// its legacy snake_case alias, both served; progenitor gives both the Rust name `page_size`
/// and the generated client does not compile.
pub fn query_parameters_with_one_rust_name(doc: &mut Value) {
    path_item(doc, "/widgets/browse").insert(
        "get".into(),
        json!({
            "operationId": "browseWidgets",
            "tags": ["widgets"],
            "parameters": [query("pageSize", json!({"type": "integer"})), query("page_size", json!({"type": "integer"}))],
            "responses": {"200": json_response("The best match.", widget_ref()), "401": error("UNAUTHORIZED")}
        }),
    );
}
