"""marshmallow schemas: the webhook payload (validation) and the job JSON (serialisation).

The same schemas feed the OpenAPI document (flask-smorest / apispec).
"""

from __future__ import annotations

import re
from datetime import UTC

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from application.job_queries import DEFAULT_PAGE_SIZE, MAX_OFFSET, MAX_PAGE_SIZE
from domain.values import Attachment, InboundEmail, JobStatus

_DIGITS = re.compile(r"^[0-9]{1,18}$")


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

    @validates_schema
    def body_present(self, data, **kwargs):
        if not (data.get("body_html") or "").strip() and not (data.get("body_text") or "").strip():
            raise ValidationError("body_html or body_text must be a non-empty string.", "body_text")

    @post_load
    def to_email_fields(self, data, **kwargs):
        data["subject"] = data.get("subject") or ""
        data["body_html"] = data.get("body_html") or ""
        data["body_text"] = data.get("body_text") or ""
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


# -- responses -------------------------------------------------------------------------------
class StatusSchema(Schema):
    status = fields.String(required=True, metadata={"example": "accepted"})


class ErrorResponseSchema(Schema):
    error = fields.String(required=True)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    status = fields.String()


class ErrorInfoSchema(Schema):
    kind = fields.String()
    type = fields.String()
    message = fields.String()


class AttachmentOutSchema(Schema):
    url = fields.String()
    filename = fields.String(allow_none=True)
    content_type = fields.String(allow_none=True)
    size = fields.Integer(allow_none=True)


def _amount_field(**kwargs) -> fields.Decimal:
    return fields.Decimal(as_string=True, places=2, allow_none=True, **kwargs)


class ComponentsSchema(Schema):
    principal = _amount_field(metadata={"example": "566.31"})
    interest = _amount_field(metadata={"example": "21.84"})
    costs = _amount_field(metadata={"example": "159.94"})


class SpanSchema(Schema):
    """Where a value stands: offsets into the cleaned body (or into `source` when set)."""

    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    text = fields.String(required=True)
    source = fields.String(
        metadata={"description": "Set when the value is not from the body, e.g. 'subject'."}
    )


class ExtractionSchema(Schema):
    is_creditor_reply = fields.Boolean()
    client_name = fields.String(allow_none=True)
    client_reference = fields.String(allow_none=True)
    creditor_name = fields.String(allow_none=True)
    creditor_reference = fields.String(allow_none=True)
    claim_amount = fields.Decimal(
        as_string=True, places=2, allow_none=True, metadata={"example": "1234.56"}
    )
    currency = fields.String(allow_none=True)
    confidence = fields.Float()
    extractor = fields.String()
    components = fields.Nested(ComponentsSchema, allow_none=True)
    client_birth_date = fields.String(allow_none=True, metadata={"example": "1980-02-01"})
    non_reply_reason = fields.String(
        allow_none=True,
        metadata={
            "description": "Why the email is not a creditor reply (auto_reply, bounce, "
            "newsletter, client_message, phishing, acknowledgement); null for replies."
        },
    )
    evidence = fields.Dict(
        keys=fields.String(),
        values=fields.Nested(SpanSchema),
        metadata={"description": "Per extracted field, where it stands in the cleaned body."},
    )
    amount_conflicts = fields.List(
        fields.String(),
        metadata={"description": "Candidate amounts that disagree with no clear current one."},
    )
    unlabelled_references = fields.List(
        fields.String(),
        metadata={"description": "Reference-like tokens without a label (e.g. in the subject)."},
    )


class CandidateSchema(Schema):
    client_id = fields.String()
    creditor_id = fields.String()
    score = fields.Float()


class MatchSchema(Schema):
    client_id = fields.String(allow_none=True)
    creditor_id = fields.String(allow_none=True)
    score = fields.Float()
    candidates = fields.List(fields.Nested(CandidateSchema))
    evidence = fields.List(
        fields.String(),
        metadata={"description": "Kinds of evidence that agreed on the best candidate."},
    )
    conflicts = fields.List(
        fields.String(),
        metadata={"description": "Contradictions found; any conflict means needs_review."},
    )


class HistoryEntrySchema(Schema):
    attempt = fields.Integer()
    at = fields.DateTime()
    from_status = fields.String()
    to_status = fields.String()
    result = fields.String()
    error = fields.Nested(ErrorInfoSchema, allow_none=True)


class JobSummarySchema(Schema):
    """A job as the list shows it. Email bodies are personal data: never serialised."""

    id = fields.String()
    external_id = fields.String()
    ticket_id = fields.Integer()
    from_email = fields.String()
    subject = fields.String()
    status = fields.String(metadata={"enum": [s.value for s in JobStatus]})
    outcome = fields.String(allow_none=True)
    attempts = fields.Integer()
    manual_retries = fields.Integer()
    received_at = fields.DateTime()
    queued_at = fields.DateTime(allow_none=True)
    started_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    next_attempt_at = fields.DateTime(allow_none=True)
    processing_seconds = fields.Float(allow_none=True)
    last_error = fields.Nested(ErrorInfoSchema, allow_none=True)
    failure_notified_at = fields.DateTime(allow_none=True)
    attachments = fields.List(fields.Nested(AttachmentOutSchema))


class JobSchema(JobSummarySchema):
    extraction = fields.Nested(ExtractionSchema, allow_none=True)
    match = fields.Nested(MatchSchema, allow_none=True)
    history = fields.List(fields.Nested(HistoryEntrySchema))


class JobListArgsSchema(Schema):
    """GET /api/v1/jobs query arguments; unknown ones are ignored."""

    class Meta:
        unknown = EXCLUDE

    status = fields.String(validate=validate.OneOf([s.value for s in JobStatus]))
    limit = fields.Integer(
        load_default=DEFAULT_PAGE_SIZE, validate=validate.Range(min=1, max=MAX_PAGE_SIZE)
    )
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0, max=MAX_OFFSET))


class StatusCountsSchema(Schema):
    received = fields.Integer()
    queued = fields.Integer()
    processing = fields.Integer()
    completed = fields.Integer()
    failed = fields.Integer()


class JobListSchema(Schema):
    items = fields.List(fields.Nested(JobSummarySchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()
    status_counts = fields.Nested(StatusCountsSchema)


class HealthSchema(Schema):
    status = fields.String()
    failed = fields.List(fields.String())
