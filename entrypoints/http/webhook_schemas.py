"""marshmallow schema of the webhook payload (validation), and its InboundEmail."""

from __future__ import annotations

import re
from datetime import UTC

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from domain.values import Attachment, InboundEmail

_DIGITS = re.compile(r"^[0-9]{1,18}$")
_HTML_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][a-zA-Z0-9]*(\s[^<>]*)?/?\s*>")


class DigitInteger(fields.Integer):
    """An integer, or a string of digits (Zendesk ids arrive either way); never a bool/float."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, (bool, float)):
            raise ValidationError("Not a valid integer.")
        if isinstance(value, str):
            if not _DIGITS.match(value.strip()):
                raise ValidationError("Not a valid integer (digits only).")
            value = int(value.strip())
        if not isinstance(value, int):
            raise ValidationError("Not a valid integer.")
        if not 0 < value < 2**63:
            raise ValidationError("Must be a positive integer.")
        return value


class AttachmentSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    url = fields.Url(required=True, schemes={"http", "https"}, require_tld=False)
    filename = fields.String(allow_none=True, validate=validate.Length(max=255))
    content_type = fields.String(allow_none=True, validate=validate.Length(max=255))
    size = fields.Integer(allow_none=True, strict=True, validate=validate.Range(min=0))


_OPTIONAL_WHEN_EMPTY = ("comment_id", "message_id", "from_name", "received_at", "subject")


class WebhookPayloadSchema(Schema):
    """The JSON body the Zendesk trigger posts (SPEC §4). Unknown fields are ignored."""

    class Meta:
        unknown = EXCLUDE

    ticket_id = DigitInteger(required=True)
    comment_id = DigitInteger(allow_none=True)
    message_id = fields.String(allow_none=True, validate=validate.Length(max=998))
    from_email = fields.Email(required=True, validate=validate.Length(max=320))
    from_name = fields.String(allow_none=True, validate=validate.Length(max=255))
    subject = fields.String(allow_none=True, load_default="", validate=validate.Length(max=2000))
    body_html = fields.String(allow_none=True, load_default="")
    body_text = fields.String(allow_none=True, load_default="")
    received_at = fields.AwareDateTime(allow_none=True, default_timezone=UTC)
    attachments = fields.List(
        fields.Nested(AttachmentSchema), load_default=list, validate=validate.Length(max=100)
    )

    @pre_load
    def empty_placeholders(self, data, **kwargs):
        """Zendesk renders an empty placeholder as "" (a ticket without a public comment, a
        user without a name): for the optional fields that means "not given"."""
        if not isinstance(data, dict):
            return data
        cleaned = dict(data)
        for name in _OPTIONAL_WHEN_EMPTY:
            value = cleaned.get(name)
            if isinstance(value, str) and not value.strip():
                cleaned[name] = None
        if isinstance(cleaned.get("attachments"), str) and not cleaned["attachments"].strip():
            cleaned["attachments"] = []
        return cleaned

    @validates_schema
    def body_present(self, data, **kwargs):
        if not (data.get("body_html") or "").strip() and not (data.get("body_text") or "").strip():
            raise ValidationError("body_html or body_text must be a non-empty string.", "body_text")

    @post_load
    def to_email_fields(self, data, **kwargs):
        data["subject"] = data.get("subject") or ""
        data["body_html"] = data.get("body_html") or ""
        data["body_text"] = data.get("body_text") or ""
        if data["body_html"] and not _HTML_TAG.search(data["body_html"]):
            # Zendesk renders every placeholder as plain text, the "_html" one too: read as
            # HTML its lines would be joined and the quote/signature markers lost.
            if not data["body_text"].strip():
                data["body_text"] = data["body_html"]
            data["body_html"] = ""
        data["attachments"] = tuple(Attachment(**a) for a in data.get("attachments") or [])
        return data


def inbound_email(data: dict, now) -> InboundEmail:
    received_at = data.get("received_at") or now
    return InboundEmail(
        ticket_id=data["ticket_id"],
        comment_id=data.get("comment_id"),
        message_id=data.get("message_id"),
        from_email=data["from_email"],
        from_name=data.get("from_name"),
        subject=data["subject"],
        body_html=data["body_html"],
        body_text=data["body_text"],
        received_at=received_at.astimezone(UTC),
        attachments=data["attachments"],
    )
