//! Running a tool: its checked arguments become an [`OperationCall`] of its operation (path and
//! query parameters set by name, body members gathered into the body and passed through the
//! generated body type), sent through the facade's pipeline. What comes back is the response
//! exactly as the server sent it, with the typed value its summary reads.

use opentrain::Client;
use opentrain::operations::{OperationCall, RawResponse};
use serde_json::{Map, Value};

use crate::arguments::Refusal;
use crate::tool::Tool;

/// Why a tool did not return a result.
#[derive(Debug)]
pub enum CallError {
    /// An argument the tool cannot take; nothing was sent.
    Refused(Refusal),
    /// The facade's error: the API refused, the connection failed, the body did not decode.
    Api(opentrain::Error),
}

impl From<Refusal> for CallError {
    fn from(refusal: Refusal) -> Self {
        CallError::Refused(refusal)
    }
}

impl From<opentrain::Error> for CallError {
    fn from(error: opentrain::Error) -> Self {
        match error {
            // A value the operation table refuses before sending is an argument's fault.
            opentrain::Error::InvalidRequest(message) => CallError::Refused(Refusal(message)),
            other => CallError::Api(other),
        }
    }
}

/// One result: the response as sent, and the typed value (the body through the generated
/// success type, as JSON) the summary reads; with a [join](crate::Join), the joined member in
/// both, or the error that kept it out.
#[derive(Debug)]
pub struct Reply {
    /// The response, body unchanged.
    pub response: RawResponse,
    /// The typed value, as JSON.
    pub typed: Value,
    /// Members joined from a second response, as that response sent them.
    pub joined: Map<String, Value>,
    /// Why a join asked for did not happen: its name and the error.
    pub join_error: Option<(&'static str, opentrain::Error)>,
}

impl Reply {
    /// The body as the server sent it, as JSON (the typed value when it is not JSON), with
    /// the joined members added.
    pub fn sent(&self) -> Value {
        let mut sent = self.response.json().unwrap_or_else(|_| self.typed.clone());
        if let Value::Object(map) = &mut sent {
            for (key, value) in &self.joined {
                map.insert(key.clone(), value.clone());
            }
        }
        sent
    }
}

impl Tool {
    /// The call of this tool's operation with `arguments` (already [checked](crate::check)):
    /// ready to send, or to page with [`opentrain::paging::Paginate`].
    pub fn request<'a>(
        &self,
        client: &'a Client,
        arguments: &Map<String, Value>,
    ) -> Result<OperationCall<'a>, CallError> {
        self.request_with(client, arguments, None)
    }

    /// The call with `given` as the request body when there is one, else the body gathered from the
    /// arguments' members; either way passed through the generated body type.
    fn request_with<'a>(
        &self,
        client: &'a Client,
        arguments: &Map<String, Value>,
        given: Option<Value>,
    ) -> Result<OperationCall<'a>, CallError> {
        let operation = self.operation();
        let mut call = client.operation(operation.operation_id)?;
        let mut body = Map::new();
        for (name, value) in arguments {
            let Some(arg) = self.arg(name).filter(|a| !a.field.is_empty()) else {
                continue;
            };
            if operation.parameter(arg.field).is_some() {
                let text = match value {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                call = call.field(arg.field, &text)?;
            } else {
                body.insert(arg.field.to_owned(), value.clone());
            }
        }
        let body = given.unwrap_or(Value::Object(body));
        if let Some(encode) = operation.encode_body {
            let typed =
                encode(body).map_err(|e| Refusal(format!("the request is not valid: {e}")))?;
            call = call.body(typed)?;
        }
        Ok(call)
    }

    /// Runs the tool with `arguments` (already [checked](crate::check)).
    pub async fn call(
        &self,
        client: &Client,
        arguments: &Map<String, Value>,
    ) -> Result<Reply, CallError> {
        self.call_with(client, arguments, None).await
    }

    /// Runs the tool with `arguments` and, when given, the request `body` its surface built
    /// (a [workflow](crate::Workflow)'s draft or patch); it goes through the generated body
    /// type like every other.
    pub async fn call_with(
        &self,
        client: &Client,
        arguments: &Map<String, Value>,
        body: Option<Value>,
    ) -> Result<Reply, CallError> {
        let response = self.request_with(client, arguments, body)?.send().await?;
        let mut reply = self.reply(response)?;
        if let Some(join) = self.join
            && arguments.get(join.when) == Some(&Value::Bool(true))
        {
            match self.joined(client, arguments, join).await {
                Ok((sent, typed)) => {
                    reply.joined.insert(join.key.to_owned(), sent);
                    if let Value::Object(map) = &mut reply.typed {
                        map.insert(join.key.to_owned(), typed);
                    }
                }
                Err(error) => reply.join_error = Some((join.key, error)),
            }
        }
        Ok(reply)
    }

    /// The joined member of `join`'s operation, as sent and as typed.
    async fn joined(
        &self,
        client: &Client,
        arguments: &Map<String, Value>,
        join: crate::Join,
    ) -> Result<(Value, Value), opentrain::Error> {
        let mut call = client.operation(join.operation)?;
        for arg in self.args {
            if call.operation().parameter(arg.field).is_some()
                && let Some(Value::String(value)) = arguments.get(arg.name)
            {
                call = call.field(arg.field, value)?;
            }
        }
        let response = call.send().await?;
        let member = |value: Value| value.get(join.key).cloned().unwrap_or(Value::Null);
        Ok((
            member(response.json()?),
            member(response.typed(call.operation())?),
        ))
    }

    /// The [`Reply`] of one response of this tool's operation (a page of a paged call).
    pub fn reply(&self, response: RawResponse) -> Result<Reply, CallError> {
        let typed = response.typed(self.operation())?;
        Ok(Reply {
            response,
            typed,
            joined: Map::new(),
            join_error: None,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use serde_json::{Value, json};

    use crate::{CallError, Naming, by_name, check};

    /// A JSON object literal as a tool's arguments.
    pub(crate) fn arguments(value: Value) -> serde_json::Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("arguments are an object"),
        }
    }

    fn client(server: &mockito::Server) -> opentrain::Client {
        opentrain::Client::builder()
            .base_url(server.url())
            .token("ot_pat_test")
            .build()
            .expect("a client")
    }

    #[tokio::test]
    async fn a_tool_sends_path_query_and_body_fields_and_returns_the_body_as_sent() {
        let mut server = mockito::Server::new_async().await;
        let sent = r#"{"proposalId":"p_1","alreadyInvited":false,"unknownYet":1}"#;
        let invite = server
            .mock("POST", "/api/public/v1/jobs/job_1/invites")
            .match_body(mockito::Matcher::Json(json!({"freelancerId": "u_1"})))
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(sent)
            .create_async()
            .await;
        let tool = by_name("opentrain_invite_freelancer").expect("the tool");
        let given = check(
            tool,
            arguments(json!({"jobId": "job_1", "freelancerId": "u_1"})),
            Naming::Parameter,
        )
        .expect("valid arguments");
        let reply = tool.call(&client(&server), &given).await.expect("a reply");
        invite.assert_async().await;
        assert_eq!(reply.response.body(), sent.as_bytes());
        assert_eq!(
            reply.sent()["unknownYet"],
            1,
            "the body as sent keeps new fields"
        );
        assert!(
            reply.typed.get("unknownYet").is_none(),
            "the typed value has the spec's fields only"
        );
        assert_eq!(
            tool.summary
                .lines(&reply.typed, &given, crate::Surface::Command),
            vec!["Invited u_1 to job job_1 (proposal p_1)."]
        );
    }

    #[tokio::test]
    async fn a_body_the_generated_type_refuses_is_refused_before_sending() {
        let server = mockito::Server::new_async().await;
        let tool = by_name("opentrain_send_message").expect("the tool");
        // Past the argument check (a body member of no declared range), the generated body type
        // still has the last word: here a content of 10,001 characters.
        let given = arguments(json!({"conversationId": "c_1", "content": "x".repeat(10_001)}));
        match tool.call(&client(&server), &given).await {
            Err(CallError::Refused(refusal)) => {
                assert!(refusal.0.contains("longer than 10000"), "{refusal}")
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn a_body_the_surface_built_is_sent_through_the_generated_type_with_the_path() {
        let mut server = mockito::Server::new_async().await;
        let patched = server
            .mock("PATCH", "/api/public/v1/jobs/job_1")
            .match_body(mockito::Matcher::Json(json!({"pricePerHour": 12.0})))
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(r#"{"jobId":"job_1","status":"OPEN","later":true}"#)
            .create_async()
            .await;
        let tool = by_name("opentrain_update_published_job").expect("the tool");
        let given = check(
            tool,
            arguments(json!({"jobId": "job_1", "patch": {"pricePerHour": 12}})),
            Naming::Parameter,
        )
        .expect("valid arguments");
        let body = Some(json!({"pricePerHour": 12}));
        let reply = tool
            .call_with(&client(&server), &given, body)
            .await
            .expect("a reply");
        patched.assert_async().await;
        assert_eq!(reply.sent()["later"], json!(true));
        let lines = tool
            .summary
            .lines(&reply.typed, &given, crate::Surface::Command);
        assert_eq!(lines, ["Updated job job_1 (status OPEN)."]);
        // A body the generated type refuses is refused before sending.
        let refused = tool
            .call_with(
                &client(&server),
                &given,
                Some(json!({"pricePerHour": "twelve"})),
            )
            .await;
        assert!(matches!(refused, Err(CallError::Refused(_))), "{refused:?}");
    }

    #[tokio::test]
    async fn a_join_adds_the_second_response_member_or_reports_why_it_could_not() {
        let mut server = mockito::Server::new_async().await;
        let proposal = r#"{"proposal":{"id":"prop_1","status":{"raw":"UNREVIEWED","label":"Unreviewed"},"newField":1}}"#;
        server
            .mock("GET", "/api/public/v1/proposals/prop_1")
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(proposal)
            .expect(2)
            .create_async()
            .await;
        let interview = server
            .mock("GET", "/api/public/v1/proposals/prop_1/interview")
            .with_status(200)
            .with_header("content-type", "application/json")
            .with_body(r#"{"interview":{"score":82,"summary":"Careful."}}"#)
            .create_async()
            .await;
        let tool = by_name("opentrain_get_proposal").expect("the tool");
        let client = client(&server);
        let with = arguments(json!({"proposalId": "prop_1", "includeInterview": true}));
        let reply = tool.call(&client, &with).await.expect("a reply");
        assert_eq!(reply.sent()["interview"]["score"], 82);
        assert_eq!(
            reply.sent()["proposal"]["newField"],
            1,
            "the proposal as sent"
        );
        assert!(reply.join_error.is_none());
        interview.remove_async().await;
        server
            .mock("GET", "/api/public/v1/proposals/prop_1/interview")
            .with_status(404)
            .with_header("content-type", "application/json")
            .with_body(r#"{"error":"No interview","code":"NOT_FOUND"}"#)
            .create_async()
            .await;
        let reply = tool.call(&client, &with).await.expect("the proposal still");
        assert!(reply.sent().get("interview").is_none());
        assert!(
            matches!(
                reply.join_error,
                Some(("interview", opentrain::Error::Api(_)))
            ),
            "{:?}",
            reply.join_error
        );
    }
}
