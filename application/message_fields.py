"""The "Label:     value" lines of notification emails, one line per field whatever the value.

Subjects and addresses come from strangers: a CR/LF in a subject must not forge further lines
(a fake "Retry it with:" instruction) in a message a human acts on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_LINE_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")
_LABEL_WIDTH = 11


def one_line(value: object) -> str:
    return _LINE_BREAKS_AND_CONTROLS.sub(" ", str(value)).strip()


def field_lines(fields: Iterable[tuple[str, object]]) -> list[str]:
    return [f"{label + ':':<{_LABEL_WIDTH}}{one_line(value)}" for label, value in fields]
