"""Seeds the sandbox with one of everything the path parameters name, for tests/schemathesis/run.

Without it, every operation under `/jobs/{id}`, `/proposals/{proposalId}`, `/contracts/...`,
`/milestones/...`, `/approvals/...`, `/webhooks/...`, `/tokens/...` and `/credits/top-ups/...`
only ever meets ids that name nothing and answers 404, so the run would never reach the code
behind them. This script plays a short lifecycle through the API and the sandbox's control
routes (the sandbox runs with `--auto-confirm`, so approvals are confirmed as they are made):

    a draft (kept a draft); a published job with three trainers' proposals: one left open
    (with a conversation), two hired (each a contract with a funded milestone, one of them for
    endContract alone); a second published job for closeJob alone; a milestone to fund and
    approve; two webhooks (one for deleteWebhook); a top-up; a spare token for revokeToken, so
    the run's own token stays valid

and prints one `NAME=value` line per id; `run` exports them, and schemathesis.toml passes each
to the operations that take it (`parameters = { "path.id" = "${OT_LIVE_JOB_ID}" }`).

Usage: seed.py BASE_URL TOKEN (stdlib only; any error ends the run with the failing request).
"""

import datetime
import json
import sys
import urllib.error
import urllib.request


class Seeder:
    def __init__(self, base_url, token):
        self.base_url = base_url.rstrip("/")
        self.token = token

    def call(self, method, path, body=None, expect=(200, 201, 202), api=True):
        url = f"{self.base_url}{'/api/public/v1' if api else ''}{path}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(url, data=data, method=method)
        if api:
            request.add_header("Authorization", f"Bearer {self.token}")
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                status, text = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, text = error.code, error.read().decode()
        if status not in expect:
            sys.exit(f"seed: {method} {path} answered {status}, expected {expect}: {text[:500]}")
        return json.loads(text) if text else {}


def main(base_url, token):
    s = Seeder(base_url, token)
    due = (datetime.date.today() + datetime.timedelta(days=30)).isoformat()
    description = (
        "We need 5 fluent Spanish speakers to label sentiment in ~20,000 social media posts. "
        "Pay is $0.05 per label. Annotators should have prior text-classification experience."
    )

    def published():
        job_id = s.call("POST", "/job-drafts", {"rawJobDescription": description})["jobId"]
        s.call(
            "PATCH",
            f"/job-drafts/{job_id}",
            {"jobTitle": "Spanish Sentiment Labeling", "experienceLevel": "INTERMEDIATE"},
        )
        s.call("POST", f"/jobs/{job_id}/publish")
        return job_id

    def propose(job_id):
        return s.call("POST", "/sandbox/trainer/proposals", {"jobId": job_id}, api=False)["proposalId"]

    def hire(proposal_id):
        """Hires with a first milestone (confirmed at once); returns the approval and contract."""
        pending = s.call(
            "POST",
            f"/proposals/{proposal_id}/hire",
            {
                "milestone": {
                    "name": "First batch",
                    "description": "Label the first 5,000 posts per the guidelines",
                    "amount": 80,
                    "dueDate": due,
                }
            },
            expect=(202,),
        )
        approval_id = pending["approval"]["id"]
        confirmed = s.call("GET", f"/approvals/{approval_id}")["approval"]
        return approval_id, confirmed.get("contractId") or confirmed["result"]["contractId"]

    draft = s.call("POST", "/job-drafts", {"rawJobDescription": description})
    live_id = published()
    # closeJob and endContract get objects of their own, so the other operations keep a live
    # job and an active contract however the run orders them.
    closing_id = published()

    # Three proposals from the trainers' side: one hired, one hired to be ended, one left open.
    open_id = propose(live_id)
    freelancer_id = s.call("GET", f"/proposals/{open_id}")["proposal"]["candidate"]["id"]
    conversation = s.call("POST", f"/proposals/{open_id}/conversation")
    approval_id, contract_id = hire(propose(live_id))
    _, ending_contract_id = hire(propose(live_id))
    milestone = s.call(
        "POST",
        f"/contracts/{contract_id}/milestones",
        {"name": "Second batch", "description": "The next 5,000 posts", "volume": 1000, "dueDate": due},
    )["milestone"]

    def webhook():
        return s.call(
            "POST",
            "/webhooks",
            {"url": "http://localhost:9/hook", "eventTypes": ["proposal.received"]},
        )["webhook"]["id"]

    top_up = s.call("POST", "/credits/top-ups", {"amountUsd": 25})
    spare = s.call("POST", "/tokens", {"name": "revoked by the schemathesis run"})

    ids = {
        "OT_DRAFT_JOB_ID": draft["jobId"],
        "OT_LIVE_JOB_ID": live_id,
        "OT_CLOSING_JOB_ID": closing_id,
        "OT_PROPOSAL_ID": open_id,
        "OT_FREELANCER_ID": freelancer_id,
        "OT_CONVERSATION_ID": conversation["conversationId"],
        "OT_APPROVAL_ID": approval_id,
        "OT_CONTRACT_ID": contract_id,
        "OT_ENDING_CONTRACT_ID": ending_contract_id,
        "OT_MILESTONE_ID": milestone["id"],
        "OT_WEBHOOK_ID": webhook(),
        "OT_DELETED_WEBHOOK_ID": webhook(),
        "OT_TOP_UP_ID": top_up["topUpId"],
        "OT_SPARE_TOKEN_ID": spare["metadata"]["id"],
    }
    for name, value in ids.items():
        print(f"{name}={value}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: seed.py BASE_URL TOKEN")
    main(sys.argv[1], sys.argv[2])
