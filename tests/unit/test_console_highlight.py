"""Evidence highlighting never marks the wrong words."""

from entrypoints.console.highlight import Segment, highlight

BODY = "Die Forderung beträgt 812,40 EUR. Kundennummer KD-4471-2290."


def test_spans_at_their_offsets_become_marked_segments():
    start = BODY.index("812,40")
    segments = highlight(
        BODY, {"claim_amount": {"start": start, "end": start + 6, "text": "812,40"}}
    )
    assert segments == [
        Segment(BODY[:start]),
        Segment("812,40", "claim_amount"),
        Segment(BODY[start + 6 :]),
    ]
    assert "".join(s.text for s in segments) == BODY


def test_wrong_offsets_fall_back_to_the_text_or_are_left_out():
    segments = highlight(
        BODY,
        {
            "creditor_reference": {"start": 0, "end": 5, "text": "KD-4471-2290"},
            "client_name": {"start": 0, "end": 4, "text": "Jana Hoffmann"},
        },
    )
    marked = [(s.text, s.field) for s in segments if s.field]
    assert marked == [("KD-4471-2290", "creditor_reference")]
    assert "".join(s.text for s in segments) == BODY


def test_overlapping_spans_keep_the_first_and_no_evidence_is_plain_text():
    spans = {"a": {"start": 4, "end": 13}, "b": {"start": 8, "end": 20}}
    assert [s.field for s in highlight(BODY, spans) if s.field] == ["a"]
    assert highlight(BODY, None) == [Segment(BODY)]


def test_amounts_are_shown_in_german_notation():
    from entrypoints.console.formatting import format_amount

    assert format_amount("1234.56") == "1.234,56"
    assert format_amount("812.4") == "812,40"
    assert format_amount(None) == "–"
