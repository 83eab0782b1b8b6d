"""Value objects: dedup keys, serialisation round trips, claim idempotency keys."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from domain.errors import ErrorInfo
from domain.extraction import Extraction, Match, MatchCandidate
from domain.values import Attachment, ClaimUpdate
from tests.unit.conftest import make_email


def test_external_id_prefers_message_id():
    assert make_email(message_id=" <a@b> ").external_id == "<a@b>"


def test_external_id_falls_back_to_ticket_and_comment():
    email = make_email(message_id=None, ticket_id=7, comment_id=9)
    assert email.external_id == "zendesk:7:9"


def test_external_id_falls_back_to_a_body_hash():
    one = make_email(message_id=None, comment_id=None)
    same = make_email(
        message_id=None, comment_id=None, received_at=datetime(2027, 1, 1, tzinfo=UTC)
    )
    other = make_email(message_id=None, comment_id=None, body_text="anders")
    assert one.external_id.startswith("sha256:")
    assert one.external_id == same.external_id, "received_at defaults to now: not part of the key"
    assert one.external_id != other.external_id


def test_overlong_message_id_is_hashed_to_fit_the_column():
    key = make_email(message_id="<" + "x" * 600 + ">").external_id
    assert len(key) <= 255 and key.startswith("message-id-sha256:")


def test_extraction_round_trip_keeps_the_decimal():
    extraction = Extraction(
        True, "Jana", "2024/1187", "Telekom", "KD-1", Decimal("1234.5"), "EUR", 0.8, "rules"
    )
    data = extraction.to_dict()
    assert data["claim_amount"] == "1234.50"
    assert Extraction.from_dict(data) == Extraction(
        True, "Jana", "2024/1187", "Telekom", "KD-1", Decimal("1234.50"), "EUR", 0.8, "rules"
    )


def test_extraction_refuses_float_amounts_and_bad_confidence():
    with pytest.raises(TypeError):
        Extraction(True, claim_amount=12.5)
    with pytest.raises(ValueError):
        Extraction(True, confidence=1.5)


def test_match_round_trip():
    match = Match(
        0.9, "M-1", "C-1", (MatchCandidate("M-1", "C-1", 0.9), MatchCandidate("M-2", "C-2", 0.3))
    )
    assert Match.from_dict(match.to_dict()) == match
    assert match.is_auto_match
    assert not Match(0.5, candidates=match.candidates).is_auto_match


def test_attachment_and_error_round_trip():
    attachment = Attachment("https://x/r.pdf", "r.pdf", "application/pdf", 10)
    assert Attachment.from_dict(attachment.to_dict()) == attachment
    error = ErrorInfo.transient("RateLimitError", "429")
    assert ErrorInfo.from_dict(error.to_dict()) == error
    assert ErrorInfo.from_dict(None) is None


def test_claim_idempotency_key_depends_on_job_and_payload():
    now = datetime(2026, 11, 20, tzinfo=UTC)
    claim = ClaimUpdate("job-1", "M-1", "C-1", Decimal("812.40"), "EUR", now)
    later = ClaimUpdate("job-1", "M-1", "C-1", Decimal("812.4"), "EUR", now.replace(hour=5))
    assert claim.idempotency_key == later.idempotency_key
    assert (
        claim.idempotency_key
        != ClaimUpdate("job-2", "M-1", "C-1", Decimal("812.40"), "EUR", now).idempotency_key
    )
    assert (
        claim.idempotency_key
        != ClaimUpdate("job-1", "M-1", "C-1", Decimal("1.00"), "EUR", now).idempotency_key
    )


@pytest.mark.parametrize(
    "variant",
    [
        "<abc.123@mail.inkasso.example>",
        "abc.123@mail.inkasso.example",
        " <abc.123@mail.inkasso.example>\r\n",
        "<abc.123@MAIL.Inkasso.EXAMPLE>",
        "\uff1cabc.123@mail.inkasso.example\uff1e",  # fullwidth brackets
        "<abc.123\u200b@mail.inkasso.example\ufeff>",  # zero-width space, BOM
        "<<abc.123@mail.inkasso.example>>",
        "<\uff41bc.123@mail.inkasso.example>",  # fullwidth "a" (NFKC)
    ],
)
def test_message_id_spellings_of_one_email_share_one_dedup_key(variant):
    email = make_email(message_id=variant)
    assert email.external_id == "<abc.123@mail.inkasso.example>"


def test_message_id_local_part_keeps_its_case_and_empty_ids_fall_back():
    assert make_email(message_id="<ABC@x.example>").external_id == "<ABC@x.example>"
    assert (
        make_email(message_id="<ABC@x.example>").external_id
        != make_email(message_id="<abc@x.example>").external_id
    )
    assert make_email(message_id=" <> \u200b", comment_id=7).external_id.startswith("zendesk:")
