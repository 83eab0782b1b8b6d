"""marshmallow schemas: the job JSON (serialisation); the webhook payload is in webhook_schemas.

The same schemas feed the OpenAPI document (flask-smorest / apispec).
"""

from __future__ import annotations

from marshmallow import EXCLUDE, Schema, fields, validate

from application.job_queries import DEFAULT_PAGE_SIZE, MAX_OFFSET, MAX_PAGE_SIZE
from domain.values import JobStatus
from entrypoints.http.review_schemas import DecisionSchema, ReviewStateSchema


# -- responses -------------------------------------------------------------------------------
class StatusSchema(Schema):
    status = fields.String(required=True, metadata={"example": "accepted"})


class ErrorResponseSchema(Schema):
    error = fields.String(required=True)
    details = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))
    status = fields.String()
    reason = fields.String()
    required_role = fields.String()


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
    source = fields.String(metadata={"enum": ["webhook", "poll"]})
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


class AttachmentReadingSchema(Schema):
    """What was read from one attachment: never the text itself (personal data)."""

    filename = fields.String()
    content_type = fields.String(allow_none=True)
    chars = fields.Function(lambda a: len(a.text))
    note = fields.String(allow_none=True)


class ReviewJobSchema(JobSummarySchema):
    """A job in the review queue: with extraction, match and review, without history."""

    extraction = fields.Nested(ExtractionSchema, allow_none=True)
    match = fields.Nested(MatchSchema, allow_none=True)
    review = fields.Nested(ReviewStateSchema, allow_none=True)


class ReviewListSchema(Schema):
    items = fields.List(fields.Nested(ReviewJobSchema))
    total = fields.Integer()
    limit = fields.Integer()
    offset = fields.Integer()


class JobSchema(ReviewJobSchema):
    history = fields.List(fields.Nested(HistoryEntrySchema))
    decisions = fields.List(fields.Nested(DecisionSchema))
    attachment_texts = fields.List(
        fields.Nested(AttachmentReadingSchema),
        allow_none=True,
        metadata={"description": "attachments read through the Zendesk API (null: not read)"},
    )
    written_back_at = fields.DateTime(allow_none=True)


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
