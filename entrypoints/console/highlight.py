"""Split the cleaned email into plain and highlighted segments for the extraction's evidence.

Evidence (SPEC: `extraction.evidence` = {field: {start, end, text}}) gives offsets into the
cleaned body. A span whose offsets do not fit the body (or overlap an earlier one) is placed by
its text instead, or left out; the page never shows a highlight on the wrong words.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Segment:
    text: str
    field: str | None = None


def _locate(body: str, span: dict[str, Any]) -> tuple[int, int] | None:
    text = span.get("text") or ""
    start, end = span.get("start"), span.get("end")
    fits = isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(body)
    if fits and (not text or body[start:end] == text):
        return start, end
    if text:
        found = body.find(text)
        if found >= 0:
            return found, found + len(text)
    return None


def highlight(body: str, evidence: dict[str, Any] | None) -> list[Segment]:
    spans = []
    for field, span in (evidence or {}).items():
        if isinstance(span, dict):
            located = _locate(body, span)
            if located:
                spans.append((located[0], located[1], field))
    spans.sort()
    segments: list[Segment] = []
    position = 0
    for start, end, field in spans:
        if start < position:
            continue  # overlaps the previous highlight
        if start > position:
            segments.append(Segment(body[position:start]))
        segments.append(Segment(body[start:end], field))
        position = end
    if position < len(body):
        segments.append(Segment(body[position:]))
    return segments
