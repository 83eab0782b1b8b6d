"""The tool Claude fills in, and the marshmallow schema its input must pass before it becomes an
Extraction. Evidence comes back as quoted text (adapters/anthropic/quotes.py finds each quote in
the body); doubts about the amount come back as reasons from a fixed list, the same classes the
rules name (adapters/rules/amounts.py)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from marshmallow import Schema, ValidationError, fields, pre_load, validate

from domain.extraction import NON_REPLY_REASONS, PAYMENT

TOOL_NAME = "record_creditor_reply"
_REASONS = sorted(NON_REPLY_REASONS)
_EVIDENCE_FIELDS = [
    "client_name",
    "client_reference",
    "creditor_name",
    "creditor_reference",
    "claim_amount",
    "client_birth_date",
    "components.principal",
    "components.interest",
    "components.costs",
    "non_reply_reason",
    PAYMENT,
]
# Why the amount is not certain, as the rules name it; each becomes a named conflict (review).
AMOUNT_DOUBTS = {
    "provisional": "the amount is stated as provisional",
    "approximate": "an approximate amount is stated",
    "payment_without_remainder": "a payment is stated beside the claim without saying what remains",
    "further_amount": "a further amount stands beside the claim",
    "costs_after_total": "costs or interest are claimed on top of the total",
    "differing_claim": "a larger or differing claim figure stands beside the total",
    "breakdown_mismatch": "principal, interest and costs do not add up to the total",
    "table_vs_sentence": "a table's sum disagrees with the amount in the text",
    "superseded_figure": "an older or superseded figure stands beside the claim with no clear "
    "current one",
    "totals_disagree": "several open amounts or totals disagree",
    "settled_yet_open": "the account is called settled, yet an amount is stated as open",
    "interest_rate_only": "interest is claimed as a rate, without an amount",
    "passed_on": "the claim was passed on to another party",
}
_DOUBT_HELP = (
    "provisional: the figure is called provisional or subject to change (vorläufig, wird noch "
    "geprüft); approximate: an estimate (ca., rund); payment_without_remainder: a payment made "
    "beside one claim figure and it is unclear whether the figure is before or after it; "
    "further_amount: a further amount beside the claim (sowie, weitere, hinzu kommen); "
    "costs_after_total: costs or interest claimed in a sentence after the total; "
    "differing_claim: a larger claim figure, or a differing current balance, beside the total; "
    "breakdown_mismatch: principal, interest and costs that do not add up to the stated total; "
    "table_vs_sentence: a table's sum or balance against a different figure in the text; "
    "superseded_figure: an older figure beside the claim and no clear current one; "
    "totals_disagree: several totals or open amounts that disagree; settled_yet_open: called "
    "settled or extinguished, yet an amount is stated as open; interest_rate_only: items are "
    "listed but interest only as a rate (5 Prozentpunkte über dem Basiszinssatz seit …), with no "
    "total; passed_on: the claim was sold or handed to a collection agency or lawyer, so the "
    "figure is the one at the hand-over."
)


def _nullable(kind: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"type": [kind, "null"], "description": description, **extra}


EXTRACTION_TOOL: dict[str, Any] = {
    "name": TOOL_NAME,
    "description": "Record what a creditor's reply email to a debt-settlement practice says.",
    "input_schema": {
        "type": "object",
        "properties": {
            "is_creditor_reply": {
                "type": "boolean",
                "description": "False for auto-replies, bounces, newsletters, phishing, the "
                "client's own mail and mere receipt acknowledgements.",
            },
            "non_reply_reason": _nullable(
                "string",
                "Why it is not a creditor reply; null for replies.",
                enum=[*_REASONS, None],
            ),
            "client_name": _nullable("string", "The debtor (the practice's client), as written."),
            "client_reference": _nullable(
                "string", "The practice's file number (Ihr Zeichen / Ihr Az. / your ref.)."
            ),
            "client_birth_date": _nullable("string", "The client's birth date as YYYY-MM-DD."),
            "creditor_name": _nullable("string", "The creditor or its collection agency."),
            "creditor_reference": _nullable(
                "string", "The creditor's own reference (Unser Zeichen, Kundennummer, Vertrag)."
            ),
            "claim_amount": _nullable(
                "string",
                "The one current total claimed now, decimal with a dot ('1234.56'); '0.00' if "
                "settled; what remains after a payment; null when no single current total is "
                "stated.",
            ),
            "currency": _nullable("string", "ISO 4217 code, e.g. EUR."),
            "components": {
                "type": ["object", "null"],
                "description": "Principal, interest and costs as stated (decimal strings).",
                "properties": {
                    name: _nullable("string", name) for name in ("principal", "interest", "costs")
                },
            },
            "amount_doubts": {
                "type": "array",
                "description": "Every reason the current claim is not certain, with the exact "
                "text it rests on. Empty when the claim is clear. " + _DOUBT_HELP,
                "items": {
                    "type": "object",
                    "properties": {
                        "reason": {"type": "string", "enum": list(AMOUNT_DOUBTS)},
                        "quote": {"type": "string", "description": "Verbatim text of the email."},
                    },
                    "required": ["reason"],
                },
            },
            "other_references": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Every further reference number the email gives, with or without "
                "a label (a second customer or contract number, a file number standing alone in "
                "the subject, the reference of another matter), copied verbatim; not the "
                "client_reference or creditor_reference again.",
            },
            "conflicting_amounts": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Other candidate totals that disagree with each other or with "
                "claim_amount with no clear current one (e.g. a table sum against a sentence). "
                "Empty when the current claim is clear.",
            },
            "evidence": {
                "type": "object",
                "description": "For each field you filled, the exact text of the email it comes "
                "from, copied verbatim (a short quote containing the value). Under 'payment', "
                "the text of a payment the letter reports as already made beside the claim (not "
                "an offered or requested one, not the payment rows above a statement's closing "
                "balance).",
                "properties": {name: {"type": "string"} for name in _EVIDENCE_FIELDS},
            },
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["is_creditor_reply", "confidence"],
    },
}


class _Amount(fields.Field):
    """'1234.56', '1234,5', '0' → Decimal with two places; negative or non-numbers refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = str(value).strip().replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValidationError(f"not an amount: {value!r}") from None
        if not amount.is_finite() or amount < 0:
            raise ValidationError(f"must be a non-negative amount, got {value!r}")
        try:
            return amount.quantize(Decimal("0.01"))
        except InvalidOperation:  # beyond the context's 28 digits at two places: "1E100"
            raise ValidationError(f"not an amount: {value!r}") from None


def _text(**kwargs) -> fields.String:
    return fields.String(allow_none=True, validate=validate.Length(max=255), **kwargs)


class ComponentsInput(Schema):
    principal = _Amount(allow_none=True)
    interest = _Amount(allow_none=True)
    costs = _Amount(allow_none=True)


class AmountDoubtInput(Schema):
    class Meta:
        unknown = "exclude"

    reason = fields.String(required=True, validate=validate.OneOf(list(AMOUNT_DOUBTS)))
    quote = fields.String(allow_none=True, load_default=None)


class ToolInputSchema(Schema):
    """Claude's tool input, validated before anything is stored."""

    class Meta:
        unknown = "exclude"

    is_creditor_reply = fields.Boolean(required=True, truthy={True}, falsy={False})
    non_reply_reason = fields.String(allow_none=True, validate=validate.OneOf(_REASONS))
    client_name = _text()
    client_reference = _text()
    client_birth_date = fields.Date(allow_none=True)
    creditor_name = _text()
    creditor_reference = _text()
    claim_amount = _Amount(allow_none=True)
    currency = fields.String(allow_none=True, validate=validate.Regexp(r"^\s*[A-Za-z]{3}\s*$"))
    components = fields.Nested(ComponentsInput, allow_none=True)
    conflicting_amounts = fields.List(fields.String(), load_default=list)
    amount_doubts = fields.List(fields.Nested(AmountDoubtInput), load_default=list)
    other_references = fields.List(
        fields.String(validate=validate.Length(max=255)), load_default=list
    )
    evidence = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    confidence = fields.Float(required=True, validate=validate.Range(0, 1))

    @pre_load
    def _no_booleans_as_numbers(self, data, **kwargs):
        if isinstance(data, dict) and isinstance(data.get("confidence"), bool):
            raise ValidationError("must be a number", "confidence")
        return data
