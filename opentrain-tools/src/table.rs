//! The table: every tool of the command and the MCP server, the MCP tools in the order of the
//! tools reference (the MCP server lists them in this order). An entry is the whole description
//! of its tool: the MCP name and the command, the operation (or the workflow), the arguments
//! (mapped to the operation's fields; their types, ranges and defaults come from the spec) and
//! the summary.

use opentrain::operations::ValueKind;
use serde_json::{Map, Value};

use crate::summary::{
    Listing, Summary, Surface, approval_notice, argument, columns, record, shown,
};
use crate::tool::{Access, Arg, Body, Join, Naming, Tool, Workflow};
use crate::workflow::{self, one_draft_source};

/// Every tool of the table.
pub static TOOLS: &[Tool] = &[
    Tool {
        name: Some("opentrain_register_agent"),
        command: Some(("auth", "register")),
        access: Access::Write,
        about: "Register a new anonymous agent account and save its tokens to the credentials file.",
        description: REGISTER_AGENT,
        args: &[
            Arg::option(
                "agentName",
                ValueKind::String,
                "The agent's name, shown to the human on the claim page (e.g. \"Claude Code\")",
            )
            .aliases(&["name"])
            .placeholder("NAME"),
            Arg::option(
                "organizationName",
                ValueKind::String,
                "The organization of the new employer account",
            )
            .flag_name("org-name")
            .aliases(&["organization-name"])
            .placeholder("NAME"),
            Arg::option(
                "force",
                ValueKind::Boolean,
                "Replace a login already saved in the credentials file with a brand-new account",
            ),
        ],
        summary: Summary::Text(workflow::registered),
        workflow: Some(Workflow::Register),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_claim_account"),
        command: Some(("auth", "claim")),
        access: Access::Write,
        about: "Start the claim: OpenTrain emails the owner a link; shows the link and code too.",
        description: CLAIM_ACCOUNT,
        args: &[
            Arg::option(
                "email",
                ValueKind::String,
                "The owner's email address (must not already have an OpenTrain account)",
            )
            .required()
            .placeholder("ADDRESS"),
            CLAIM_TOKEN,
        ],
        summary: Summary::Text(workflow::claim_started),
        workflow: Some(Workflow::Claim),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_claim_status"),
        command: Some(("auth", "claim-status")),
        access: Access::Read,
        about: "Check (or with --wait, wait for) the owner's confirmation; the claimed token \
                replaces the saved one.",
        description: CLAIM_STATUS,
        args: &[
            Arg::option(
                "wait",
                ValueKind::Boolean,
                "Poll until the owner confirms, respecting the server's interval and slow_down",
            )
            .only(Surface::Command),
            Arg::option(
                "timeout",
                ValueKind::Integer,
                "With --wait: give up after this many seconds (exit 3)",
            )
            .default("1800")
            .positive()
            .placeholder("SECONDS")
            .only(Surface::Command),
            CLAIM_TOKEN,
        ],
        summary: Summary::Text(workflow::claim_state),
        workflow: Some(Workflow::ClaimStatus),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_auth_status"),
        command: Some(("auth", "status")),
        operation: "getMe",
        access: Access::Read,
        about: "Who the token belongs to (GET /auth/me).",
        description: AUTH_STATUS,
        args: &[],
        summary: Summary::Text(me),
        session_note: true,
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_capabilities"),
        command: None,
        operation: "getCapabilities",
        access: Access::Read,
        about: "Which drafting features are on, and the draft's field and enum catalog.",
        description: CAPABILITIES,
        args: &[],
        summary: Summary::Text(capabilities),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_create_job_draft"),
        command: Some(("jobs draft", "create")),
        operation: "createJobDraft",
        access: Access::Write,
        about: "Create a draft from a plain-English description (POST /job-drafts).",
        description: CREATE_JOB_DRAFT,
        args: &[
            JOB_DESCRIPTION,
            TITLE,
            EXTERNAL_ID,
            IDEMPOTENCY_KEY,
            Arg::option(
                "canonicalJob",
                ValueKind::Object,
                "OpenTrain canonical job object (format=opentrain_canonical)",
            )
            .only(Surface::Mcp),
            Arg::option(
                "importPayload",
                ValueKind::Object,
                "Supported import payload, e.g. schema.org JSON-LD. An object with a `format` key \
                 is sent as the import body itself (`format` plus `job`, `jsonLd` or `xml`); any \
                 other object is sent as a schema.org JobPosting (`format: \
                 schema_org_job_posting`)",
            )
            .only(Surface::Mcp),
        ],
        summary: Summary::Text(workflow::created),
        rule: Some(one_draft_source),
        body: Body::Draft,
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_update_job_draft_fields"),
        command: Some(("jobs draft", "update")),
        operation: "updateJobDraft",
        access: Access::Idempotent,
        about: "Fill fields of a draft (PATCH /job-drafts/{jobId}).",
        description: UPDATE_JOB_DRAFT_FIELDS,
        args: &[Arg::new("jobId", "The draft's job id"), PATCH],
        summary: Summary::Text(workflow::updated),
        body: Body::Patch,
        ..Tool::PLAIN
    },
    Tool {
        name: None,
        command: Some(("jobs", "post")),
        operation: "createJobDraft",
        access: Access::Write,
        about: "Draft a job, answer its missing fields at the terminal, and publish on confirmation.",
        args: &[
            JOB_DESCRIPTION,
            TITLE,
            EXTERNAL_ID,
            IDEMPOTENCY_KEY,
            Arg::option(
                "yes",
                ValueKind::Boolean,
                "Publish without asking once the draft is ready",
            ),
            Arg::option(
                "maxRounds",
                ValueKind::Integer,
                "At most this many rounds of answers",
            )
            .default("5")
            .positive()
            .placeholder("N"),
        ],
        rule: Some(one_draft_source),
        workflow: Some(Workflow::PostJob),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_publish_job"),
        command: Some(("jobs", "publish")),
        operation: "publishJob",
        access: Access::Idempotent,
        about: "Publish a publish-ready draft.",
        description: PUBLISH_JOB,
        args: &[
            Arg::new("jobId", "The job id (an unpublished draft to publish)")
                .to("id")
                .positional_or_flag(),
        ],
        summary: Summary::Text(publish),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_update_published_job"),
        command: Some(("jobs", "update")),
        operation: "updateJob",
        access: Access::Idempotent,
        about: "Change fields of a published job (PATCH /jobs/{id}).",
        description: UPDATE_PUBLISHED_JOB,
        args: &[
            Arg::new("jobId", "The job id (a published OPEN job)").to("id"),
            PATCH,
        ],
        summary: Summary::Text(workflow::updated_job),
        body: Body::Patch,
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_close_job"),
        command: Some(("jobs", "close")),
        operation: "closeJob",
        access: Access::Destructive,
        about: "Close a job: it stops taking proposals; contracts continue.",
        description: CLOSE_JOB,
        args: &[Arg::new("jobId", "The job id (a published job to close)")
            .to("id")
            .positional()],
        summary: Summary::Text(closed_job),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_jobs"),
        command: Some(("jobs", "list")),
        operation: "listMyJobs",
        access: Access::Read,
        about: "Your jobs, newest first (GET /jobs/mine).",
        description: LIST_JOBS,
        args: &[
            Arg::new(
                "status",
                "Filter: DRAFT, OPEN, ONGOING, COMPLETED, ARCHIVED, or PENDING_APPROVAL",
            )
            .open_values(),
            CURSOR,
            Arg::new("limit", "Max jobs to return, 1–100 (default 25)"),
        ],
        summary: Summary::List(Listing {
            noun: "job(s)",
            key: "jobs",
            fields: &["/id", "/status", "/title", "/proposalCounts/total"],
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_search_jobs"),
        command: Some(("jobs", "search")),
        operation: "searchJobs",
        access: Access::Read,
        about: "Search the public marketplace (GET /jobs; no token needed).",
        description: SEARCH_JOBS,
        args: &[
            Arg::new("q", "Free-text search query").short('q'),
            Arg::new("category", "Category filter"),
            Arg::new("language", "Language filter"),
            Arg::new("country", "ISO country code"),
            Arg::new(
                "payType",
                "Payment type filter (PAY_PER_LABEL, PAY_PER_HOUR or FIXED_PRICE)",
            )
            .open_values(),
            Arg::new("limit", "Max results, 1–50").max(50.0),
            CURSOR,
        ],
        summary: Summary::List(Listing {
            noun: "marketplace job(s)",
            key: "jobs",
            fields: &["/id", "/title", "/pay/paymentType", "/url"],
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: None,
        command: Some(("jobs", "get")),
        operation: "getJob",
        access: Access::Read,
        about: "One public job (GET /jobs/{id}).",
        description: "",
        args: &[Arg::new("id", "The job id or slug").positional()],
        summary: Summary::Record {
            at: "",
            fields: &[
                ("Job", "/id"),
                ("Title", "/title"),
                ("Status", "/status"),
                ("Company", "/companyName"),
                ("Pay", "/pay/paymentType"),
                ("Posted", "/datePosted"),
                ("URL", "/url"),
                ("Summary", "/summary"),
            ],
        },
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_proposals"),
        command: Some(("proposals", "list")),
        operation: "listJobProposals",
        access: Access::Read,
        about: "Proposals on a job, newest first.",
        description: LIST_PROPOSALS,
        args: &[
            Arg::new("jobId", "The job whose proposals to list").to("id"),
            Arg::new(
                "status",
                "Filter, e.g. UNREVIEWED, SHORTLISTED, NOT_A_FIT, HIRED",
            )
            .open_values(),
            CURSOR,
            Arg::new("limit", "Max proposals, 1–100 (default 25)"),
        ],
        summary: Summary::List(Listing {
            noun: "proposal(s)",
            key: "proposals",
            fields: &["/id", "/status", "/candidate/displayName", "/bid/amountUsd"],
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_proposal"),
        command: Some(("proposals", "get")),
        operation: "getProposal",
        access: Access::Read,
        about: "One proposal (with --include-interview, its AI interview too).",
        description: GET_PROPOSAL,
        args: &[
            Arg::new("proposalId", "Proposal id to read").positional(),
            Arg::option(
                "includeInterview",
                ValueKind::Boolean,
                "Also fetch the sanitized AI-interview transcript",
            ),
        ],
        summary: Summary::Text(proposal),
        join: Some(Join {
            when: "includeInterview",
            operation: "getInterview",
            key: "interview",
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_freelancer_profile"),
        command: Some(("freelancers", "get")),
        operation: "getFreelancer",
        access: Access::Read,
        about: "An AI trainer's profile.",
        description: GET_FREELANCER_PROFILE,
        args: &[Arg::new(
            "idOrSlug",
            "The AI trainer's user id (a proposal's candidate.id) or profile slug",
        )
        .positional()],
        summary: Summary::Record {
            at: "/freelancer",
            fields: &[
                ("AI trainer", "/id"),
                ("Name", "/displayName"),
                ("Title", "/title"),
                ("Country", "/country"),
                ("Hourly rate (USD)", "/hourlyRateUsd"),
                ("Availability", "/availability"),
                ("Identity verified", "/identityVerified"),
                ("Profile", "/profilePath"),
            ],
        },
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_invite_freelancer"),
        command: Some(("jobs", "invite")),
        operation: "inviteToJob",
        access: Access::Idempotent,
        about: "Invite an AI trainer to a job.",
        description: INVITE_FREELANCER,
        args: &[
            Arg::new("jobId", "Your published job").to("id"),
            Arg::new("freelancerId", "The AI trainer's user id"),
        ],
        summary: Summary::Text(invited_freelancer),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_hire_proposal"),
        command: Some(("proposals", "hire")),
        operation: "hireFromProposal",
        access: Access::Write,
        about: "Hire from a proposal with a first milestone; a person must confirm the approval.",
        description: HIRE_PROPOSAL,
        args: &[
            Arg::new("proposalId", "Proposal id to hire from").positional(),
            Arg::new(
                "milestone",
                "First escrow milestone: {name?, description?, amount (USD, required), dueDate?}",
            )
            .members(&[
                Arg::new("amount", "The first milestone's amount in USD").positive(),
                Arg::new("name", "The milestone's name"),
                Arg::new("description", "The milestone's description"),
                Arg::new("dueDate", "The milestone's due date (YYYY-MM-DD)"),
            ]),
            Arg::new(
                "confirmNotFitOverride",
                "Confirm hiring a proposal previously marked \"Not a fit\"",
            ),
        ],
        summary: Summary::Text(hire_requested),
        rule: Some(milestone_named),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_read_messages"),
        command: Some(("messages", "read")),
        operation: "listMessages",
        access: Access::Read,
        about: "Your conversations, or with --conversation-id one conversation's messages.",
        description: READ_MESSAGES,
        args: &[
            Arg::new(
                "conversationId",
                "Conversation to read; omit to list summaries",
            ),
            CURSOR,
            Arg::new("limit", "Max records, 1–100").unstated_default(),
            Arg::new(
                "direction",
                "Message pagination direction (with conversationId)",
            )
            .unstated_default(),
            Arg::new("filter", "Summary filter (without conversationId)").unstated_default(),
            Arg::new(
                "unreadOnly",
                "Only conversations with unread messages (without conversationId)",
            )
            .unstated_default(),
        ],
        // The spec does not name the message array; the typed page keeps it beside
        // `conversations`, under `messages` as every example sends it.
        summary: Summary::Lists(&[
            Listing {
                noun: "conversation(s)",
                key: "conversations",
                fields: &["/id", "/type", "/unreadCount", "/lastMessage/content"],
                row: None,
            },
            Listing {
                noun: "message(s)",
                key: "messages",
                fields: &["/createdAt", "/senderUserId", "/content"],
                row: Some(message),
            },
        ]),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_send_message"),
        command: Some(("messages", "send")),
        operation: "sendMessage",
        access: Access::Write,
        about: "Send a message into a conversation.",
        description: SEND_MESSAGE,
        args: &[
            Arg::new("conversationId", "The conversation to send into"),
            Arg::new("content", "The message text, 1 to 10,000 characters"),
        ],
        summary: Summary::Text(sent_message),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_start_proposal_conversation"),
        command: Some(("messages", "start-conversation")),
        operation: "startConversation",
        access: Access::Idempotent,
        about: "Open the conversation of a proposal.",
        description: START_PROPOSAL_CONVERSATION,
        args: &[Arg::new("proposalId", "The proposal whose candidate to message").positional()],
        summary: Summary::Text(started_conversation),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_contracts"),
        command: Some(("contracts", "list")),
        operation: "listContracts",
        access: Access::Read,
        about: "Your contracts, newest first.",
        description: LIST_CONTRACTS,
        args: &[
            Arg::new("jobId", "Only contracts of this job"),
            Arg::new("status", "active or ended"),
        ],
        summary: Summary::List(Listing {
            noun: "contract(s)",
            key: "contracts",
            fields: &["/id", "/status", "/title", "/freelancer/displayName"],
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_contract"),
        command: Some(("contracts", "get")),
        operation: "getContract",
        access: Access::Read,
        about: "One contract, with its milestones.",
        description: GET_CONTRACT,
        args: &[Arg::new("contractId", "The contract id").positional()],
        summary: Summary::Text(contract),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_create_milestone"),
        command: Some(("milestones", "create")),
        operation: "createMilestone",
        access: Access::Write,
        about: "Add an unfunded milestone to a contract.",
        description: CREATE_MILESTONE,
        args: &[
            Arg::new("contractId", "Contract to add the milestone to"),
            Arg::new("description", "Description of the work to be delivered"),
            Arg::new("name", "Short milestone name"),
            Arg::new("amountUsd", "Milestone amount in USD"),
            Arg::new(
                "volume",
                "Unit volume (e.g. label count) for per-unit milestones",
            ),
            Arg::new("dueDate", "Due date (ISO 8601)"),
        ],
        summary: Summary::Text(created_milestone),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_request_milestone_funding"),
        command: Some(("milestones", "fund")),
        operation: "fundMilestone",
        access: Access::Write,
        about: "Request funding of a milestone; a person must confirm the approval.",
        description: REQUEST_MILESTONE_FUNDING,
        args: &[MILESTONE_ID],
        summary: Summary::Text(approval_requested),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_request_milestone_approval"),
        command: Some(("milestones", "approve")),
        operation: "approveMilestone",
        access: Access::Write,
        about: "Request release of a milestone's escrow; a person must confirm the approval.",
        description: REQUEST_MILESTONE_APPROVAL,
        args: &[MILESTONE_ID],
        summary: Summary::Text(approval_requested),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_approval"),
        command: Some(("approvals", "get")),
        operation: "getApproval",
        access: Access::Read,
        about: "One approval: pending, confirmed (with its result), declined or expired.",
        description: GET_APPROVAL,
        args: &[Arg::new(
            "approvalId",
            "Approval id from a hire, fund, approve or end request",
        )
        .positional()],
        summary: Summary::Text(approval),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_end_contract"),
        command: Some(("contracts", "end")),
        operation: "endContract",
        access: Access::Destructive,
        about: "End a contract; with funded milestones a person must confirm the approval.",
        description: END_CONTRACT,
        args: &[Arg::new("contractId", "The contract id").positional()],
        summary: Summary::Text(ended_contract),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_credits"),
        command: Some(("credits", "balance")),
        operation: "getCredits",
        access: Access::Read,
        about: "The credit balance.",
        description: GET_CREDITS,
        args: &[],
        summary: Summary::Text(balance),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_credit_ledger"),
        command: Some(("credits", "ledger")),
        operation: "listCreditLedger",
        access: Access::Read,
        about: "The credit ledger, newest first.",
        description: LIST_CREDIT_LEDGER,
        args: &[
            Arg::new("cursor", "nextCursor from a previous page"),
            Arg::new("limit", "Page size, 1–100 (default 50)"),
        ],
        summary: Summary::List(Listing {
            noun: "ledger entr(ies)",
            key: "entries",
            fields: &["/id", "/createdAt", "/type", "/amountCents"],
            row: Some(ledger_entry),
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_create_credit_top_up"),
        command: Some(("credits", "top-up")),
        operation: "createTopUp",
        access: Access::Write,
        about: "Start a top-up ($10–$10,000); a person pays at the checkout URL.",
        description: CREATE_CREDIT_TOP_UP,
        args: &[Arg::new(
            "amountUsd",
            "Top-up amount in USD (min $10, max $10,000)",
        )],
        summary: Summary::Text(top_up),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_credit_top_up"),
        command: Some(("credits", "top-up-status")),
        operation: "getTopUp",
        access: Access::Read,
        about: "A top-up's status.",
        description: GET_CREDIT_TOP_UP,
        args: &[Arg::new("topUpId", "Top-up id from opentrain_create_credit_top_up").positional()],
        summary: Summary::Record {
            at: "/topUp",
            fields: &[
                ("Top-up", "/id"),
                ("Status", "/status"),
                ("Amount (cents)", "/amountCents"),
                ("Created", "/createdAt"),
                ("Completed", "/completedAt"),
                ("Expires", "/expiresAt"),
            ],
        },
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_poll_updates"),
        command: Some(("updates", "poll")),
        operation: "pollUpdates",
        access: Access::Read,
        about: "One page of events (or --all up to now).",
        description: POLL_UPDATES,
        args: &[
            Arg::new(
                "cursor",
                "nextCursor from the previous poll; omit on the first poll",
            ),
            Arg::new("limit", "Max events, 1–200 (default 50)"),
        ],
        summary: Summary::List(Listing {
            noun: "event(s)",
            key: "events",
            fields: &["/id", "/type", "/resourceId", "/createdAt"],
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_create_webhook"),
        command: Some(("webhooks", "create")),
        operation: "createWebhook",
        access: Access::Write,
        about: "Subscribe a URL to the event feed; prints the signing secret once.",
        description: CREATE_WEBHOOK,
        args: &[
            Arg::new("url", "HTTPS URL that receives the deliveries"),
            Arg::new(
                "eventTypes",
                "Event types to deliver, e.g. [\"proposal.received\", \"message.received\"]",
            )
            .flag_name("event"),
        ],
        summary: Summary::Text(created_webhook),
        warning: Some(
            "Warning: this is the only time the webhook's signing secret is shown (the response \
             holds it). Store it now; if it is lost, delete the webhook and create a new one.",
        ),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_webhooks"),
        command: Some(("webhooks", "list")),
        operation: "listWebhooks",
        access: Access::Read,
        about: "Your webhook subscriptions.",
        description: LIST_WEBHOOKS,
        args: &[],
        summary: Summary::List(Listing {
            noun: "webhook(s)",
            key: "webhooks",
            fields: WEBHOOK_COLUMNS,
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_webhook"),
        command: Some(("webhooks", "get")),
        operation: "getWebhook",
        access: Access::Read,
        about: "One webhook subscription.",
        description: GET_WEBHOOK,
        args: &[Arg::new("webhookId", "The webhook id").positional()],
        summary: Summary::Record {
            at: "/webhook",
            fields: &[
                ("Webhook", "/id"),
                ("Status", "/status"),
                ("URL", "/url"),
                ("Events", "/eventTypes"),
                ("Created", "/createdAt"),
                ("Disabled", "/disabledAt"),
                ("Disabled because", "/disabledReason"),
            ],
        },
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_delete_webhook"),
        command: Some(("webhooks", "delete")),
        operation: "deleteWebhook",
        access: Access::Destructive,
        about: "Delete a webhook subscription; its deliveries stop.",
        description: DELETE_WEBHOOK,
        args: &[Arg::new("webhookId", "The webhook id").positional()],
        summary: Summary::Text(deleted_webhook),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_tokens"),
        command: Some(("tokens", "list")),
        operation: "listTokens",
        access: Access::Read,
        about: "Your personal API tokens (previews only).",
        description: LIST_TOKENS,
        args: &[],
        summary: Summary::List(Listing {
            noun: "token(s)",
            key: "tokens",
            fields: &["/id", "/status", "/name", "/preview", "/lastUsedAt"],
            row: None,
        }),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_revoke_token"),
        command: Some(("tokens", "revoke")),
        operation: "revokeToken",
        access: Access::Destructive,
        about: "Revoke a token by id.",
        description: REVOKE_TOKEN,
        args: &[Arg::new("tokenId", "Id of the token to revoke").positional()],
        summary: Summary::Text(revoked_token),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_get_team"),
        command: Some(("team", "get")),
        operation: "getTeam",
        access: Access::Read,
        about: "Members and pending invites.",
        description: GET_TEAM,
        args: &[],
        summary: Summary::Text(team),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_invite_team_member"),
        command: Some(("team", "invite")),
        operation: "inviteTeamMember",
        access: Access::Idempotent,
        about: "Invite someone by email.",
        description: INVITE_TEAM_MEMBER,
        args: &[Arg::new("email", "Email of the human to invite")],
        summary: Summary::Text(invited_member),
        ..Tool::PLAIN
    },
    Tool {
        name: Some("opentrain_list_pending_payments"),
        command: Some(("payments", "pending")),
        operation: "listPendingPayments",
        access: Access::Read,
        about: "Payments waiting on you.",
        description: LIST_PENDING_PAYMENTS,
        args: &[],
        summary: Summary::List(Listing {
            noun: "pending payment(s)",
            key: "payments",
            fields: &[
                "/id",
                "/status",
                "/amountUsd",
                "/job/title",
                "/milestone/name",
            ],
            row: None,
        }),
        ..Tool::PLAIN
    },
];

/// The columns of a webhook's line.
pub(crate) const WEBHOOK_COLUMNS: &[&str] = &["/id", "/status", "/url", "/eventTypes"];

/// The milestone of a money request.
const MILESTONE_ID: Arg = Arg::new(
    "milestoneId",
    "The milestone (to fund: NOT_FUNDED; to release: ACTIVE_FUNDED)",
)
.positional();

/// The `cursor` argument of a paged list.
const CURSOR: Arg = Arg::new("cursor", "Pagination cursor");

const CLAIM_TOKEN: Arg = Arg::option(
    "claimToken",
    ValueKind::String,
    "The claim token (default: the saved one)",
)
.placeholder("TOKEN");

/// A draft's plain-text source: `jobDescription` in the MCP server, `--description` (or
/// `--text`, or `--description-file`) on the command line.
const JOB_DESCRIPTION: Arg = Arg::new(
    "jobDescription",
    "Full plain-text job description or project brief (the primary workflow)",
)
.to("rawJobDescription")
.flag_name("description")
.aliases(&["text"])
.placeholder("TEXT")
.from_file();

const TITLE: Arg = Arg::option(
    "title",
    ValueKind::String,
    "Title to prepend to a plain-text description",
);

const EXTERNAL_ID: Arg = Arg::new(
    "externalId",
    "Your own reference for the draft (a source-system id, for audit)",
)
.placeholder("ID");

const IDEMPOTENCY_KEY: Arg = Arg::new(
    "idempotencyKey",
    "Makes the create safe to repeat: the same key returns the same draft",
)
.placeholder("KEY");

/// A patch of job fields: an object in the MCP server, `--set key=value` on the command line.
const PATCH: Arg = Arg::option(
    "patch",
    ValueKind::Object,
    "Field patch keyed by OpenTrain field names, e.g. {\"experienceLevel\": \"INTERMEDIATE\", \
     \"pricePerHour\": 12}",
)
.required()
.flag_name("set")
.placeholder("KEY=VALUE")
.help(
    "A field to set, `key=value` (repeatable), e.g. `--set pricePerHour=25`; numbers, enums and \
     lists are typed from the draft's field types",
);

/// The tool named `name` (its MCP name).
pub fn by_name(name: &str) -> Option<&'static Tool> {
    TOOLS.iter().find(|t| t.name == Some(name))
}

/// The tool run by the command `family subcommand`.
pub fn by_command(family: &str, subcommand: &str) -> Option<&'static Tool> {
    TOOLS
        .iter()
        .find(|t| t.command == Some((family, subcommand)))
}

fn publish(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    crate::summary::published(typed, surface)
}

fn me(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let text = |pointer: &str| shown(typed, pointer).unwrap_or_else(|| "-".to_owned());
    let name = shown(typed, "/actor/fullName").unwrap_or_else(|| text("/actor/firstName"));
    let mut lines = vec![format!("Signed in as {name} <{}>", text("/actor/email"))];
    if typed.get("account").is_some_and(|a| !a.is_null()) {
        lines.push(format!(
            "Organization: {} ({})",
            text("/account/organizationId"),
            text("/account/kind")
        ));
    }
    if typed.get("token").is_some_and(|t| !t.is_null()) {
        let scopes = crate::summary::items(typed.get("token").unwrap_or(&Value::Null), "scopes")
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" ");
        lines.push(format!(
            "Token: {} ({}), scopes: {}",
            text("/token/label"),
            text("/token/id"),
            if scopes.is_empty() { "-" } else { &scopes }
        ));
    }
    lines
}

fn closed_job(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let id = shown(typed, "/jobId").unwrap_or_default();
    if typed.get("alreadyClosed") == Some(&Value::Bool(true)) {
        vec![format!("Job {id} was already closed.")]
    } else {
        vec![format!(
            "Closed job {id} (status {}): it no longer accepts proposals; existing contracts continue.",
            shown(typed, "/status").unwrap_or_else(|| "-".into())
        )]
    }
}

fn contract(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let contract = typed.get("contract").unwrap_or(&Value::Null);
    let mut lines = crate::summary::record(
        contract,
        &[
            ("Contract", "/id"),
            ("Title", "/title"),
            ("Status", "/status"),
            ("Job", "/jobId"),
            ("AI trainer", "/freelancer/displayName"),
            ("Payment type", "/paymentType"),
            ("Rate (USD)", "/rateUsd"),
            ("Budget state", "/budget/state"),
        ],
    );
    for milestone in crate::summary::items(contract, "milestones") {
        lines.push(format!(
            "  milestone {}",
            crate::summary::columns(milestone, &["/id", "/status", "/name", "/amountUsd"], "  ")
        ));
    }
    lines
}

fn invited_freelancer(typed: &Value, arguments: &Map<String, Value>, _: Surface) -> Vec<String> {
    let (job, freelancer) = (
        argument(arguments, "jobId"),
        argument(arguments, "freelancerId"),
    );
    let proposal = shown(typed, "/proposalId").unwrap_or_else(|| "-".into());
    let verb = if typed.get("alreadyInvited") == Some(&Value::Bool(true)) {
        "Already invited"
    } else {
        "Invited"
    };
    vec![format!(
        "{verb} {freelancer} to job {job} (proposal {proposal})."
    )]
}

fn proposal(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let mut lines = record(
        typed.get("proposal").unwrap_or(&Value::Null),
        &[
            ("Proposal", "/id"),
            ("Status", "/status"),
            ("Job", "/jobId"),
            ("Candidate", "/candidate/displayName"),
            ("Candidate id", "/candidate/id"),
            ("Bid (USD)", "/bid/amountUsd"),
            ("Unit", "/bid/unit"),
            ("Created", "/createdAt"),
        ],
    );
    match typed.get("interview").filter(|i| !i.is_null()) {
        Some(interview) => {
            lines.extend(record(
                interview,
                &[
                    ("Interview score", "/score"),
                    ("Interview summary", "/summary"),
                ],
            ));
            if surface == Surface::Mcp {
                lines.push("The AI-interview transcript is under interview.".to_owned());
            }
        }
        None if surface == Surface::Mcp => {
            lines.push("includeInterview: true adds the AI-interview transcript.".to_owned());
        }
        None => {}
    }
    lines
}

fn hire_requested(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let mut lines = Vec::new();
    if surface == Surface::Mcp {
        lines.push("Hire requested: nothing has happened yet.".to_owned());
    }
    lines.extend(approval_notice(typed, surface));
    lines
}

/// The docs' rule for a hire's milestone: at least one of `name` and `description`.
fn milestone_named(_: &Tool, arguments: &Map<String, Value>, _: Naming) -> Result<(), String> {
    let milestone = arguments.get("milestone").unwrap_or(&Value::Null);
    if milestone.get("name").is_some() || milestone.get("description").is_some() {
        Ok(())
    } else {
        Err("the milestone needs a name or a description (at least one non-empty)".to_owned())
    }
}

fn sent_message(typed: &Value, arguments: &Map<String, Value>, _: Surface) -> Vec<String> {
    let conversation = argument(arguments, "conversationId");
    match shown(typed, "/message/id") {
        Some(id) => vec![format!("Sent message {id} to conversation {conversation}.")],
        None => vec![format!("Sent the message to conversation {conversation}.")],
    }
}

fn started_conversation(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let id = shown(typed, "/conversationId").unwrap_or_else(|| "-".into());
    let created = typed.get("created") == Some(&Value::Bool(true));
    vec![format!(
        "Conversation: {id} ({}). Send the first message with it; the candidate cannot reply \
         before you do.",
        if created { "new" } else { "existing" }
    )]
}

fn top_up(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let id = shown(typed, "/topUpId").unwrap_or_else(|| "-".into());
    let url = shown(typed, "/checkoutUrl").unwrap_or_else(|| "-".into());
    vec![
        format!("Top-up {id} started: no money has moved."),
        format!("A person pays at: {url} (while signed in; the link expires in about 24 h)."),
        format!("`opentrain credits top-up-status {id}` shows when it completes."),
    ]
}

fn created_webhook(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let webhook = typed.get("webhook").unwrap_or(&Value::Null);
    let mut lines = vec![format!(
        "Created webhook {}",
        columns(webhook, WEBHOOK_COLUMNS, "  ")
    )];
    // The command prints the secret once for the person at the terminal; the MCP result
    // carries it in the response only, never in the text.
    lines.push(match surface {
        Surface::Command => format!(
            "Signing secret: {}",
            shown(typed, "/secret").unwrap_or_else(|| "-".into())
        ),
        Surface::Mcp => "Its signing secret is in the response (secret): store it now to verify \
                         X-OpenTrain-Signature."
            .to_owned(),
    });
    lines
}

fn deleted_webhook(typed: &Value, arguments: &Map<String, Value>, _: Surface) -> Vec<String> {
    let id =
        shown(typed, "/webhook/id").unwrap_or_else(|| argument(arguments, "webhookId").to_owned());
    vec![format!("Deleted webhook {id}; its deliveries stop.")]
}

fn created_milestone(
    typed: &Value,
    arguments: &Map<String, Value>,
    surface: Surface,
) -> Vec<String> {
    let contract = argument(arguments, "contractId");
    let milestone = typed.get("milestone").unwrap_or(&Value::Null);
    let id = shown(milestone, "/id").unwrap_or_else(|| "-".into());
    vec![
        format!(
            "Created milestone {id} on contract {contract}: {} (unfunded; no money moved).",
            columns(milestone, &["/status", "/name", "/amountUsd"], "  ")
        ),
        match surface {
            Surface::Command => format!("Fund it with `opentrain milestones fund {id}`."),
            Surface::Mcp => {
                format!("Next: opentrain_request_milestone_funding with milestoneId {id}.")
            }
        },
    ]
}

fn approval_requested(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    approval_notice(typed, surface)
}

fn approval(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let approval = typed.get("approval").unwrap_or(&Value::Null);
    let mut lines = record(
        approval,
        &[
            ("Approval", "/id"),
            ("Type", "/type"),
            ("Status", "/status"),
            ("Confirm at", "/approvalUrl"),
            ("Expires", "/expiresAt"),
            ("Resolved", "/resolvedAt"),
            ("Contract", "/contractId"),
            ("Milestone", "/milestoneId"),
            ("Proposal", "/proposalId"),
        ],
    );
    match approval.get("status").and_then(Value::as_str) {
        Some("pending") => lines.push(
            "A person must still confirm it in the app; nothing has happened yet.".to_owned(),
        ),
        Some("confirmed") => {
            if let Some(result) = approval.get("result").filter(|r| !r.is_null()) {
                lines.push(format!("Result: {result}"));
            }
            if surface == Surface::Mcp {
                lines.push("Next: opentrain_list_contracts / opentrain_get_contract.".to_owned());
            }
        }
        _ => lines.push("Nothing was executed.".to_owned()),
    }
    lines
}

fn ended_contract(typed: &Value, arguments: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let contract = argument(arguments, "contractId");
    if typed.get("approval").is_some() {
        let mut lines = vec![format!(
            "Contract {contract} has funded milestones, so ending it needs a person's approval."
        )];
        lines.extend(approval_notice(typed, surface));
        lines
    } else {
        vec![format!("Contract {contract} ended.")]
    }
}

fn capabilities(typed: &Value, _: &Map<String, Value>, surface: Surface) -> Vec<String> {
    let mut summary = String::from("Drafting capabilities:");
    if let Some(enabled) = shown(typed, "/enabled") {
        summary.push_str(&format!(" enabled: {enabled};"));
    }
    if let Some(flags) = typed.get("capabilities").and_then(Value::as_object) {
        let with = |on: bool| -> Vec<&str> {
            flags
                .iter()
                .filter(|(_, v)| v.as_bool() == Some(on))
                .map(|(k, _)| k.as_str())
                .collect()
        };
        summary.push_str(&format!(
            " on: {}; off: {}.",
            with(true).join(", "),
            with(false).join(", ")
        ));
    }
    if let Some(feature) = shown(typed, "/featureKey") {
        summary.push_str(&format!(" Feature key: {feature}."));
    }
    summary.push_str(" The field and enum catalog is in the response (draft).");
    if surface == Surface::Mcp {
        summary.push_str(" Next: opentrain_create_job_draft.");
    }
    vec![summary]
}

/// A ledger entry's line: id, time, type and the signed amount in dollars.
fn ledger_entry(entry: &Value) -> String {
    let cents = entry
        .get("amountCents")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    format!(
        "{}  {}",
        columns(entry, &["/id", "/createdAt", "/type"], "  "),
        dollars(cents)
    )
}

/// A message's line: when, who (you or them) and what.
fn message(message: &Value) -> String {
    let who = if message.get("isFromViewer") == Some(&Value::Bool(true)) {
        "you"
    } else {
        "them"
    };
    format!(
        "{}  {who}: {}",
        columns(message, &["/createdAt"], "  "),
        shown(message, "/content").unwrap_or_default()
    )
}

/// `-$1.05` for `-105` cents.
fn dollars(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}${}.{:02}", cents / 100, cents % 100)
}

fn balance(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let cents = |pointer: &str| typed.pointer(pointer).and_then(Value::as_i64).unwrap_or(0);
    vec![format!(
        "Available: {}  Reserved: {}  ({})",
        dollars(cents("/credits/availableCents")),
        dollars(cents("/credits/reservedCents")),
        shown(typed, "/credits/currency").unwrap_or_else(|| "usd".into())
    )]
}

fn revoked_token(typed: &Value, arguments: &Map<String, Value>, _: Surface) -> Vec<String> {
    let id = shown(typed, "/token/id").unwrap_or_else(|| argument(arguments, "tokenId").to_owned());
    vec![format!("Revoked token {id}; it no longer authenticates.")]
}

fn team(typed: &Value, _: &Map<String, Value>, _: Surface) -> Vec<String> {
    let Some(team) = typed.get("team").filter(|t| !t.is_null()) else {
        return vec!["(no team)".to_owned()];
    };
    let mut lines = vec![format!(
        "Organization: {}",
        crate::summary::columns(team, &["/organization/name", "/organization/id"], "  ")
    )];
    for member in crate::summary::items(team, "members") {
        lines.push(format!(
            "  member  {}",
            crate::summary::columns(member, &["/name", "/email", "/role"], "  ")
        ));
    }
    for invite in crate::summary::items(team, "invites") {
        lines.push(format!(
            "  invited {}",
            crate::summary::columns(invite, &["/email", "/expiresAt"], "  ")
        ));
    }
    lines
}

fn invited_member(typed: &Value, arguments: &Map<String, Value>, _: Surface) -> Vec<String> {
    let email = argument(arguments, "email");
    match shown(typed, "/status") {
        Some(status) => vec![format!("Invited {email}: {status}.")],
        None => vec![format!("Invited {email}.")],
    }
}

const REGISTER_AGENT: &str = "Register a brand-new anonymous OpenTrain agent account; no \
credentials needed. The new ot_pat_ API token and the claim token are saved to the shared \
credentials file (cli.json), so every other tool works immediately afterwards with the \
pre-claim scopes. Refuses to overwrite saved credentials unless force is true (force creates a \
new account and the old saved login is lost). Next: ask the human for their email and call \
opentrain_claim_account. Wraps POST /api/agent/identity.";

const CLAIM_ACCOUNT: &str = "Send the human owner a claim invite for the agent-registered \
account: the start of the claim ceremony. OpenTrain emails them a verification link; the result \
also holds the verification URL and user code to show them directly (the email may land in \
spam). Once they accept, they own the account and can add billing; hiring, messaging, payments \
and team invites need a claimed account. The email must not already have an OpenTrain account. \
Next: call opentrain_claim_status every `interval` seconds. Wraps POST \
/api/agent/identity/claim.";

const CLAIM_STATUS: &str = "Check once whether the human has completed the claim. When it has, \
the saved API token is replaced by the claimed account's token (delivered once, saved \
immediately) and every tool uses it from then on. authorization_pending means ask again after \
the poll interval; slow_down means you are polling too fast, wait longer. Wraps POST \
/api/agent/oauth/token.";

const CREATE_JOB_DRAFT: &str = "Create an unpublished job draft from a full plain-text job \
description (the primary workflow) or a supported import (canonicalJob, or importPayload such as \
schema.org JSON-LD); give exactly one of jobDescription, canonicalJob, importPayload. OpenTrain \
parses it into structured job fields server-side. The result lists each missing field with an \
ask: question to relay to the human, its type and allowed values, and the set: field names to \
use with opentrain_update_job_draft_fields. Reuse idempotencyKey on retries to avoid duplicate \
drafts. Requires: jobs:write and the public_api_job_drafting feature. Wraps POST /job-drafts.";

const UPDATE_JOB_DRAFT_FIELDS: &str = "Fill in or correct fields on an existing unpublished \
draft. Ask the human each missing field's ask: question, then patch the answers keyed by the \
set: field names (e.g. {\"experienceLevel\": \"INTERMEDIATE\", \"pricePerHour\": 12}); never ask \
the human to write raw JSON. The result shows what is still missing. Never publishes: when the \
draft is publish-ready, call opentrain_publish_job. Requires: jobs:write and the \
public_api_job_drafting feature. Wraps PATCH /job-drafts/{jobId}.";

const UPDATE_PUBLISHED_JOB: &str = "Update fields on a live published (OPEN) job. The revised \
listing is re-checked by moderation; if it is blocked, the job is moved back to draft and the \
error explains what to fix. For unpublished drafts use opentrain_update_job_draft_fields. \
Requires: jobs:write and the public_api_job_publishing feature. Wraps PATCH /jobs/{id}.";

const LIST_JOBS: &str = "List the account's own jobs (all statuses, newest first), one page at a \
time; pass the returned nextCursor as cursor for the next page. Requires: jobs:read. Next: \
opentrain_list_proposals for a job's candidates. Wraps GET /jobs/mine.";

const SEARCH_JOBS: &str = "Search the public OpenTrain job marketplace, useful to calibrate rates \
and see how similar work is scoped before posting. Works without a token. Wraps GET /jobs.";

const CLOSE_JOB: &str = "Close (archive) a published job so it stops accepting proposals and \
leaves the public listings. Existing contracts are unaffected. Idempotent: closing an archived job \
reports alreadyClosed. Requires: jobs:write and the public_api_job_publishing feature. Wraps POST \
/jobs/{id}/close.";

const INVITE_FREELANCER: &str = "Invite an AI trainer to one of your published jobs, creating a \
proposal they can respond to. Idempotent: re-inviting the same person returns the existing \
proposal with alreadyInvited: true. Requires: proposals:write, the public_api_hiring feature and a \
claimed account. Wraps POST /jobs/{id}/invites.";

const LIST_PROPOSALS: &str = "List the proposals (candidates) of one of your jobs with statuses, \
bids, AI-interview scores and resume match scores: the primary tool to review and rank who to \
hire. Requires: proposals:read; the job must be yours. Next: opentrain_get_proposal for one \
candidate in depth, opentrain_start_proposal_conversation to message them, \
opentrain_hire_proposal to hire. Wraps GET /jobs/{id}/proposals.";

const GET_FREELANCER_PROFILE: &str = "Read a masked AI trainer profile for candidate evaluation: \
title, bio, skills, stats (earned, billed hours, job success), work and labeling experience, \
education, reviews and languages. Names are masked to first name + last initial before a hire; \
contact details are never returned. Requires: proposals:read. Wraps GET \
/freelancers/{idOrSlug}.";

const SEND_MESSAGE: &str = "Send a plain-text message (1 to 10,000 characters) into an existing \
conversation you take part in, with the same membership, rate-limit and content-policy checks as \
the app. Never creates conversations: they come from proposals \
(opentrain_start_proposal_conversation), invites and hires. Requires: messages:write, the \
public_api_messaging_writes feature and a claimed account. Wraps POST /messages.";

const START_PROPOSAL_CONVERSATION: &str = "Start (or fetch) the pre-hire direct-message thread of \
a proposal so you can message the candidate before hiring. Idempotent get-or-create; returns the \
conversationId to use with opentrain_send_message. Employer side only. Requires: messages:write, \
the public_api_messaging_writes feature and a claimed account. Wraps POST \
/proposals/{proposalId}/conversation.";

const LIST_CONTRACTS: &str = "List contracts (hired AI trainers), each with its milestones, the \
post-hire job DM conversationId and the masked trainer identity. Requires: payments:read. Next: \
opentrain_get_contract, opentrain_create_milestone, opentrain_send_message. Wraps GET /contracts.";

const GET_CONTRACT: &str = "Read one contract in detail: status, milestones with funding and \
approval state, trainer identity, the post-hire job DM conversationId and the budget snapshot \
(funded vs consumed, state OK/LOW/DEPLETED). Requires: payments:read. Wraps GET \
/contracts/{contractId}.";

const GET_CREDITS: &str = "Read the prepaid credit balance: available, reserved (escrow holds) \
and recent entries. Requires: payments:read and the public_api_credits feature. Wraps GET \
/credits.";

const LIST_CREDIT_LEDGER: &str = "Page through the credit ledger (top-ups, escrow holds, hold \
releases, captures, refunds, adjustments), newest first; each entry links its top-up, proposal, \
contract or milestone ids. Requires: payments:read and the public_api_credits feature. Wraps GET \
/credits/ledger.";

const CREATE_CREDIT_TOP_UP: &str = "Start a credit top-up of $10 to $10,000. Moves no money: it \
returns a Stripe checkoutUrl that a signed-in human must open and pay (expires in about 24 h); \
the balance updates once paid. Requires: payments:write, the public_api_credits feature and a \
claimed account. Next: opentrain_get_credit_top_up. Wraps POST /credits/top-ups.";

const GET_CREDIT_TOP_UP: &str = "Check a top-up: pending (awaiting the human's payment), \
completed (credits added), canceled or expired. Requires: payments:read and the \
public_api_credits feature. Wraps GET /credits/top-ups/{topUpId}.";

const LIST_PENDING_PAYMENTS: &str = "List pending payments on the account. Read-only: never \
releases funds (releasing is opentrain_request_milestone_approval, which a human confirms). \
Requires: payments:read. Wraps GET /payments/pending.";

const POLL_UPDATES: &str = "Poll the delta feed of account events (new proposals, proposal \
status changes, new messages, contracts, milestone changes, pending payments, confirmed \
approvals, budget state changes) in one cheap call instead of re-reading every resource. Omit \
cursor on the first poll, then pass the returned nextCursor. Payloads carry ids only: fetch \
details with the matching read tool. Event visibility follows the token's scopes \
(proposals:read, messages:read, payments:read). Wraps GET /updates.";

const LIST_WEBHOOKS: &str = "List all webhook subscriptions with URL, event types and status. \
Signing secrets are never included. Requires: webhooks:manage and the public_api_webhooks \
feature. Wraps GET /webhooks.";

const GET_WEBHOOK: &str = "Read one webhook subscription: URL, event types, status (ACTIVE or \
DISABLED) and failure or disable details. The signing secret is never returned; if it is lost, \
delete and re-create the subscription. Requires: webhooks:manage and the public_api_webhooks \
feature. Wraps GET /webhooks/{webhookId}.";

const DELETE_WEBHOOK: &str = "Delete a webhook subscription and stop its deliveries. This is \
also how a DISABLED subscription is resumed: delete it and create a new one (with a new secret). \
Requires: webhooks:manage and the public_api_webhooks feature. Wraps DELETE \
/webhooks/{webhookId}.";

const GET_TEAM: &str = "Read the employer team: organization, members with roles and pending \
email invites. Requires: team:read and the public_api_team feature. Wraps GET /team.";

const INVITE_TEAM_MEMBER: &str = "Invite a human to the employer team by email, giving them \
shared access to jobs and the team inbox once they accept. Inviting an existing member returns \
already_member; users with existing accounts are added directly (member_added). Requires: \
team:write, the public_api_team feature and a claimed account. Wraps POST /team/invites.";

const LIST_TOKENS: &str = "List the account's API tokens with masked previews, scopes, status \
and last-used times; secrets are never shown. Requires: any valid token (token management needs \
no specific scope or feature). Wraps GET /tokens.";

const REVOKE_TOKEN: &str = "Revoke an API token by id. Irreversible: the token stops working \
immediately (revoking the token this server uses ends its access). Wraps DELETE \
/tokens/{tokenId}.";

const CAPABILITIES: &str = "Discover which job-drafting features are enabled for the account, \
plus the job field and enum catalog (the authoritative update keys and allowed values). Use it \
before drafting. Requires: any valid token and the public_api_job_drafting feature. Next: \
opentrain_create_job_draft. Wraps GET /job-drafts/capabilities.";

const CREATE_MILESTONE: &str = "Create a new unfunded milestone on a contract. No money moves: \
call opentrain_request_milestone_funding afterwards. Fixed-price contracts need amountUsd; hourly \
and per-label contracts need volume. Requires: payments:write, the public_api_payments_write \
feature and a claimed account. Wraps POST /contracts/{contractId}/milestones.";

const REQUEST_MILESTONE_FUNDING: &str = "Request escrow funding for a milestone. Moves no money: \
it returns a pending approval with an approvalUrl that a signed-in human must open and confirm \
(expires in about 72 h). Requires: payments:write, the public_api_payments_write feature, a \
claimed account and a payment method on file. Next: opentrain_get_approval or \
opentrain_poll_updates (approval.confirmed). Wraps POST /milestones/{milestoneId}/fund.";

const REQUEST_MILESTONE_APPROVAL: &str = "Request approval (payment release) of a funded \
(ACTIVE_FUNDED) milestone. Like funding, this only creates a pending approval with an approvalUrl \
(about 72 h to confirm); no money moves until a signed-in human confirms it. Requires: \
payments:write, the public_api_payments_write feature and a claimed account. Next: \
opentrain_get_approval. Wraps POST /milestones/{milestoneId}/approve.";

const GET_APPROVAL: &str = "Check a co-sign approval (hire, milestone funding or release, \
contract end): pending, confirmed, declined or expired, plus what it produced once confirmed (the \
contract id of a hire, ...). Requires: payments:read. Wraps GET /approvals/{approvalId}.";

const END_CONTRACT: &str = "End a contract. With no funded milestones it ends at once; if funded \
escrow is at stake it returns a pending approval with an approvalUrl a signed-in human must \
confirm, and no funds move until then. Requires: payments:write, the public_api_payments_write \
feature and a claimed account. Wraps POST /contracts/{contractId}/end.";

const CREATE_WEBHOOK: &str = "Subscribe an HTTPS URL to platform events (push instead of \
polling). Deliveries are signed with HMAC-SHA256 (X-OpenTrain-Signature). The signing secret is \
returned once, in this result: store it immediately. Only events created after the subscription \
are delivered. Requires: webhooks:manage, the public_api_webhooks feature and the read scope of \
each subscribed event type. Wraps POST /webhooks.";

const PUBLISH_JOB: &str = "Publish a publish-ready draft live on the marketplace. Runs the same \
validation and moderation as the in-app publish and counts against the daily publish limit (lower \
for unclaimed accounts). Returns the live job URL; publishing again reports alreadyPublished. \
Requires: jobs:write and the public_api_job_publishing feature. Next: opentrain_list_proposals as \
candidates apply, or opentrain_invite_freelancer. Wraps POST /jobs/{id}/publish.";

const HIRE_PROPOSAL: &str = "Request a hire from a proposal. This never hires anyone or moves \
money by itself: it records a pending approval (type proposal_hire) with an approvalUrl that a \
signed-in human must open and confirm in the OpenTrain app; on confirmation OpenTrain creates the \
contract and funds the first escrow milestone. A 409 payment_method_required carries a \
billingUrl; not_fit_confirmation_required means retry with confirmNotFitOverride: true if \
intentional; already_accepted means it was already hired. Re-requesting with the same terms \
returns the same approval. Requires: proposals:write, the public_api_hiring feature, a claimed \
account and a payment method or covering credit balance. Next: opentrain_get_approval or \
opentrain_poll_updates (approval.confirmed), then opentrain_list_contracts. Wraps POST \
/proposals/{proposalId}/hire.";

const GET_PROPOSAL: &str = "Read a full proposal evaluation: status, bid, masked candidate, \
AI-interview score and summary, location/identity verification, labeling assessment and contract \
state; with includeInterview also the sanitized AI-interview transcript. Requires: \
proposals:read; the proposal must be on a job you own. Wraps GET /proposals/{proposalId} (and GET \
/proposals/{proposalId}/interview).";

const READ_MESSAGES: &str = "Read the conversations you take part in: omit conversationId to \
list conversation summaries (filter, unreadOnly), or give it to read that conversation's messages \
(direction). Never creates conversations or sends messages. Requires: messages:read. Next: \
opentrain_send_message to reply. Wraps GET /messages.";

const AUTH_STATUS: &str = "Confirm that the configured token authenticates, and see the \
account (organization, kind, role), the acting user and the token's granted scopes. Requires: \
any valid token. Wraps GET /auth/me.";

#[cfg(test)]
mod tests {
    use super::*;
    use opentrain::operations::Operation;

    #[test]
    fn every_tool_runs_an_operation_of_the_spec_and_every_argument_fills_one_of_its_fields() {
        for tool in TOOLS {
            let label = tool.name.unwrap_or(tool.operation);
            if tool.workflow.is_some() && tool.operation.is_empty() {
                // The agent identity's endpoints are outside the spec: its options are typed here.
                assert!(tool.args.iter().all(|a| a.kind.is_some()), "{label}");
                continue;
            }
            let operation = Operation::by_id(tool.operation)
                .unwrap_or_else(|| panic!("{label}: no operation {}", tool.operation));
            for arg in tool.args.iter().filter(|a| a.kind.is_none()) {
                assert!(
                    operation.parameter(arg.field).is_some()
                        || operation.body_field(arg.field).is_some(),
                    "{label}: `{}` fills `{}`, which {} does not have",
                    arg.name,
                    arg.field,
                    tool.operation
                );
                let parent = operation.body_field(arg.field);
                for member in arg.members {
                    assert!(
                        parent.is_some_and(|p| p.fields.iter().any(|f| f.name == member.field)),
                        "{label}: `{}.{}` fills no member of `{}`",
                        arg.name,
                        member.name,
                        arg.field
                    );
                }
            }
            assert!(
                tool.name.is_some() || tool.command.is_some(),
                "{label} is neither a tool nor a command"
            );
        }
    }

    #[test]
    fn the_commands_the_command_line_runs_by_another_name_are_in_the_table() {
        // `opentrain whoami` runs `auth status`.
        assert!(by_command("auth", "status").is_some());
    }

    #[test]
    fn ledger_and_message_lines_read_as_people_say_them() {
        let entry = serde_json::json!({"id": "le_1", "createdAt": "2026-12-01", "type": "hold", "amountCents": -105});
        assert_eq!(ledger_entry(&entry), "le_1  2026-12-01  hold  -$1.05");
        let mine =
            serde_json::json!({"createdAt": "t1", "isFromViewer": true, "content": "Hello!"});
        let theirs = serde_json::json!({"createdAt": "t2", "content": "Hi"});
        assert_eq!(message(&mine), "t1  you: Hello!");
        assert_eq!(message(&theirs), "t2  them: Hi");
    }

    #[test]
    fn names_and_commands_are_unique() {
        for (i, tool) in TOOLS.iter().enumerate() {
            for other in &TOOLS[i + 1..] {
                assert!(
                    tool.name.is_none() || tool.name != other.name,
                    "{:?}",
                    tool.name
                );
                assert!(
                    tool.command.is_none() || tool.command != other.command,
                    "{:?}",
                    tool.command
                );
            }
        }
    }
}
