"""marshmallow schemas of the review queue (SPEC §8): the decision request, and the review
and decisions the job JSON carries."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate, validates_schema

from domain.decisions import MAX_NOTE_LENGTH, InvalidDecision, parse_amount
from domain.review import ReviewAction


class AmountString(fields.Field):
    """A non-negative amount as a string ("1234.56"); an integer is accepted, a float is not
    (it would carry binary rounding)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)
        try:
            return parse_amount(value, attr or "claim_amount")
        except InvalidDecision as exc:
            raise ValidationError(exc.message) from None


class DecisionComponentsSchema(Schema):
    """The amount components a reviewer may give with a match (input)."""

    class Meta:
        unknown = RAISE

    principal = AmountString(allow_none=True)
    interest = AmountString(allow_none=True)
    costs = AmountString(allow_none=True)


class ReviewDecisionRequestSchema(Schema):
    """`match` needs client_id, creditor_id and claim_amount; `not_creditor_reply` none of them."""

    class Meta:
        unknown = RAISE

    action = fields.String(
        required=True,
        validate=validate.OneOf([ReviewAction.MATCH.value, ReviewAction.NOT_CREDITOR_REPLY.value]),
    )
    client_id = fields.String(validate=validate.Length(min=1, max=64))
    creditor_id = fields.String(validate=validate.Length(min=1, max=64))
    claim_amount = AmountString(metadata={"example": "1234.56"})
    currency = fields.String(
        load_default="EUR",
        validate=validate.Regexp(r"^[A-Z]{3}$", error="Must be a 3-letter code such as EUR."),
    )
    components = fields.Nested(DecisionComponentsSchema, load_default=dict)
    note = fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE_LENGTH))
    remember = fields.Boolean(load_default=False)

    @validates_schema
    def fields_of_the_action(self, data, **kwargs):
        if data.get("action") != ReviewAction.MATCH.value:
            return
        missing = {
            name: ["Required for action match."]
            for name in ("client_id", "creditor_id", "claim_amount")
            if data.get(name) is None
        }
        if missing:
            raise ValidationError(missing)


class ReopenRequestSchema(Schema):
    class Meta:
        unknown = RAISE

    note = fields.String(allow_none=True, validate=validate.Length(max=MAX_NOTE_LENGTH))


class ReviewStateSchema(Schema):
    status = fields.String(metadata={"enum": ["open", "resolved"]})
    action = fields.String(allow_none=True)
    decided_by = fields.String(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    note = fields.String(allow_none=True)


class DecisionSchema(Schema):
    seq = fields.Integer()
    action = fields.String()
    decided_by = fields.String()
    decided_at = fields.DateTime()
    before = fields.Dict()
    after = fields.Dict()
    note = fields.String(allow_none=True)


class ReviewListArgsSchema(Schema):
    class Meta:
        unknown = EXCLUDE  # like the jobs list: unknown query arguments are ignored

    limit = fields.Integer(load_default=50, validate=validate.Range(min=1, max=200))
    offset = fields.Integer(load_default=0, validate=validate.Range(min=0))
