"""The JSON body template of the Zendesk trigger that posts to the webhook (docs/zendesk.md).

Zendesk replaces each placeholder with plain text (ids as strings, "" when empty, the
"_html" comment as unformatted text); the intake schema accepts exactly that rendering.
`message_id` is not sent (Zendesk has no placeholder for it): the webhook's dedup key is the
comment, `zendesk:<ticket_id>:<comment_id>`, the same key the backstop poller produces.
Attachments are not sent either: the worker lists them through the API (comments.json).
"""

from __future__ import annotations

import json

# field → placeholder, in the order the body lists them
PLACEHOLDERS: dict[str, str] = {
    "ticket_id": "{{ticket.id}}",
    "comment_id": "{{ticket.latest_public_comment.id}}",
    "from_email": "{{current_user.email}}",
    "from_name": "{{current_user.name}}",
    "subject": "{{ticket.title}}",
    "body_html": "{{ticket.latest_public_comment_html}}",
    "body_text": "{{ticket.latest_public_comment}}",
}


def trigger_body() -> str:
    """The text to paste into the trigger's "JSON body" field."""
    return json.dumps(PLACEHOLDERS, indent=2, ensure_ascii=False)
