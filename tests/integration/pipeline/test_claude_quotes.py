"""Locating Claude's quotes never invents a span: a span is the email's own text at its offsets,
found as whole words, and an amount's or reference's span states that value; anything else gives
no span (adapters/anthropic/quotes.py, mapping.py)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.anthropic.mapping import extraction_from
from adapters.anthropic.quotes import locate, locate_reference, states_amount
from adapters.anthropic.tool_input import ToolInputSchema
from domain.extraction import PAYMENT

BODY = "Ihre Mandantin Frau Jana Hoffmann.\nGesamtforderung:  812,40 EUR\nAz 2024/1300"


@pytest.mark.parametrize(
    ("quote", "found"),
    [
        ("812,40 EUR", "812,40 EUR"),
        ("gesamtforderung: 812,40 eur", "Gesamtforderung:  812,40 EUR"),  # case, spaces
        ("Jana\nHoffmann", "Jana Hoffmann"),
        ("300", None),  # not the tail of 2024/1300
        ("Hoff", None),  # not part of a word
        ("812,41 EUR", None),
        ("", None),
        ("   ", None),
    ],
)
def test_locate_finds_the_quote_or_nothing(quote, found):
    span = locate(quote, BODY, "")
    assert (span and span.text) == found
    if span is not None:
        assert BODY[span.start : span.end] == span.text and span.source == "body"


def test_subject_and_sender_are_named_as_the_source():
    assert locate("Az. 2024/1187", BODY, "AW: Az. 2024/1187").source == "subject"
    assert locate("Telekom", BODY, "", "Telekom Deutschland").source == "sender"
    assert locate("Telekom", BODY, "") is None  # the sender is searched only when given


def test_a_reference_is_found_with_other_separators_but_only_whole():
    span = locate_reference("KD-4471-2290", "Kundennummer kd 4471/2290.", "")
    assert span.text == "kd 4471/2290"
    assert locate_reference("2024/130", BODY, "") is None  # a prefix of 2024/1300
    assert locate_reference("024/1300", BODY, "") is None


@pytest.mark.parametrize(
    ("text", "amount", "states"),
    [
        ("812,40 EUR", "812.40", True),
        ("EUR 1,234.56", "1234.56", True),
        ("1.234,- EUR", "1234.00", True),
        ("2.500 Euro", "2500.00", True),
        ("1\u202f234,56 €", "1234.56", True),
        ("1 234,56 €", "234.56", False),  # the cut-off thousands separator
        ("1.812,40 EUR", "812.40", False),
        ("Az 81240", "812.40", False),
        ("am 31.12.2026 812,40 EUR", "812.40", True),
        ("790,00 EUR", "812.40", False),
        ("Das Konto ist ausgeglichen.", "0.00", True),
    ],
)
def test_states_amount(text, amount, states):
    assert states_amount(text, Decimal(amount)) is states


def _reply(**overrides) -> dict:
    data = {
        "is_creditor_reply": True,
        "client_name": "Jana Hoffmann",
        "claim_amount": "812.40",
        "components": {"principal": "700.00"},
        "confidence": 0.9,
    }
    return ToolInputSchema().load({**data, **overrides})


def test_a_quote_of_another_figure_gives_no_span_and_the_amount_is_not_booked():
    data = _reply(evidence={"claim_amount": "Az 2024/1300", "components.principal": "812,40"})
    result = extraction_from(data, BODY, "", None, "anthropic")
    assert "claim_amount" not in result.evidence
    assert "components.principal" not in result.evidence
    assert "the amount 812.40 is not quoted from the email" in result.amount_conflicts


def test_quotes_for_empty_or_unknown_fields_and_names_not_quoted_give_no_span():
    data = _reply(
        client_name="Thomas Wagner",
        evidence={"client_name": "Jana Hoffmann", "creditor_reference": "2024/1300", "x": "Az"},
    )
    result = extraction_from(data, BODY, "", None, "anthropic")
    assert result.evidence == {}


_WORDS = st.sampled_from(
    ["Forderung", "812,40", "EUR", "€", "Jana", "Hoffmann", "Zahlung", "300", "1300", "Az.", "ä"]
)
_TEXT = st.lists(
    st.tuples(_WORDS, st.sampled_from([" ", "  ", "\n", ": ", ", "])), max_size=12
).map(lambda parts: "".join(w + s for w, s in parts))


@settings(max_examples=300, deadline=None)
@given(
    body=_TEXT,
    subject=_TEXT,
    quotes=st.dictionaries(
        st.sampled_from(["claim_amount", "client_name", "components.principal", PAYMENT, "x"]),
        _TEXT,
    ),
)
def test_every_span_is_the_emails_own_text_and_states_its_value(body, subject, quotes):
    data = _reply(evidence=quotes)
    result = extraction_from(data, body, subject, None, "anthropic")
    texts = {"body": body, "subject": subject}
    for field, span in result.evidence.items():
        assert texts[span.source][span.start : span.end] == span.text
        quote = quotes[field]
        assert span.text.split() == quote.split() or (
            span.text.lower().split() == quote.lower().split()
        )
        source = texts[span.source]
        if span.text[0].isalnum() and span.start > 0:  # whole words only
            assert not re.match(r"\w", source[span.start - 1])
        if span.text[-1].isalnum() and span.end < len(source):
            assert not re.match(r"\w", source[span.end])
    if "claim_amount" in result.evidence:
        assert states_amount(result.evidence["claim_amount"].text, Decimal("812.40"))
    if PAYMENT in quotes and PAYMENT not in result.evidence and quotes[PAYMENT].strip():
        assert any("payment is reported" in c for c in result.amount_conflicts)


def test_the_creditor_name_may_be_quoted_from_the_sender_as_the_rules_do():
    data = _reply(creditor_name="Telekom", evidence={"creditor_name": "Telekom"})
    span = extraction_from(data, BODY, "", "Telekom Deutschland", "anthropic").evidence[
        "creditor_name"
    ]
    assert (span.source, span.start, span.end) == ("sender", 0, 7)
    # Only the creditor's name: a client name quoted from the sender line gives no span.
    data = _reply(evidence={"client_name": "Jana Hoffmann"})
    assert extraction_from(data, "", "", "Jana Hoffmann", "anthropic").evidence == {}


def test_non_replies_as_the_rules_give_them():
    data = ToolInputSchema().load(
        {
            "is_creditor_reply": False,
            "currency": "EUR",
            "confidence": 0.8,
            "evidence": {"non_reply_reason": "Ich bin bis 30.11. nicht im Büro", "x": "Büro"},
        }
    )
    body = "Ich bin bis 30.11. nicht im Büro."
    result = extraction_from(data, body, "", None, "anthropic")
    assert result.non_reply_reason == "other" and result.currency is None
    assert list(result.evidence) == ["non_reply_reason"]
