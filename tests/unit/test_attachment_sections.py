"""The body with attachment texts after it: a value read from an attachment names the file."""

from __future__ import annotations

from decimal import Decimal

from adapters.parsing.attachment_sections import ExtractorWithAttachments, with_attachment_texts
from domain.extraction import Extraction, Span
from domain.values import AttachmentText

BODY = "Sehr geehrte Damen und Herren,\nanbei unsere Forderungsaufstellung."
PDF = AttachmentText("aufstellung.pdf", "application/pdf", "Gesamtforderung: 812,40 EUR")


class SpanningExtractor:
    """Marks where '812,40' and 'Forderungsaufstellung' stand in whatever text it is given."""

    name = "spans"

    def extract(self, cleaned_body, subject, from_email, from_name):
        evidence = {}
        for field_name, needle in (
            ("claim_amount", "812,40"),
            ("subject", "Forderungsaufstellung"),
        ):
            at = cleaned_body.find(needle)
            if at >= 0:
                evidence[field_name] = Span(at, at + len(needle), needle)
        return Extraction(is_creditor_reply=True, claim_amount=Decimal("812.40"), evidence=evidence)


def test_a_span_in_an_attachment_names_it_with_offsets_into_its_text():
    extraction = ExtractorWithAttachments(SpanningExtractor()).extract(
        BODY, "", "a@b.example", None, attachments=[PDF]
    )
    amount = extraction.evidence["claim_amount"]
    assert amount.source == "aufstellung.pdf"
    assert PDF.text[amount.start : amount.end] == "812,40"
    body_span = extraction.evidence["subject"]
    assert body_span.source == "body"
    assert BODY[body_span.start : body_span.end] == "Forderungsaufstellung"


def test_without_attachments_the_body_is_unchanged():
    assert with_attachment_texts(BODY, []) == BODY
    assert with_attachment_texts(BODY, [AttachmentText("scan.pdf", "application/pdf", " ")]) == BODY


class SubjectSpanExtractor:
    name = "subject"

    def extract(self, cleaned_body, subject, from_email, from_name):
        at = subject.find("2024/1187")
        span = Span(at, at + 9, "2024/1187", "subject")
        return Extraction(is_creditor_reply=True, evidence={"client_reference": span})


def test_a_subject_span_is_never_moved_into_an_attachment():
    # Its offsets (into the subject) fall inside the attachment's section of the combined text.
    subject = "AW: " + "x" * 40 + " Az. 2024/1187"
    extraction = ExtractorWithAttachments(SubjectSpanExtractor()).extract(
        "Anbei.", subject, "a@b.example", None, attachments=[PDF]
    )
    span = extraction.evidence["client_reference"]
    assert span.source == "subject" and subject[span.start : span.end] == "2024/1187"
