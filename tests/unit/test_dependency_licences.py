"""No GPL or AGPL at run time: the licences of every installed runtime dependency, walked from the
`creditor-inbox` distribution's requirements (the dev and bench extras left out). LGPL is allowed
(psycopg2). Licences are read from License-Expression, then the License field and the trove
classifiers, then the licence files a wheel ships, because many packages fill in only one of them.
"""

from __future__ import annotations

import re
from importlib import metadata

import pytest
from packaging.requirements import Requirement

ROOT_DISTRIBUTION = "creditor-inbox"

_LESSER = re.compile(
    r"\bLGPL[\w.+-]*|GNU\s+(?:Library\s+or\s+)?(?:Lesser|Library)\s+General\s+Public\s+License",
    re.I,
)
_COPYLEFT = re.compile(r"(?<!\w)A?GPL|General\s+Public\s+License|\bAffero\b", re.I)
_PERMISSIVE = re.compile(
    r"\b(MIT|BSD|Apache|ISC|PSF|Python\s+Software\s+Foundation|MPL|Mozilla|Zlib|Unlicense|"
    r"Public\s+Domain|CC0|HPND|0BSD|Artistic|Permission\s+is\s+hereby\s+granted)\b",
    re.I,
)


def _verdict_of_term(term: str) -> str:
    """copyleft, lesser, permissive or unknown for one licence name or text."""
    without_lesser = _LESSER.sub(" ", term)
    if _COPYLEFT.search(without_lesser):
        return "copyleft"
    if without_lesser != term:
        return "lesser"
    return "permissive" if _PERMISSIVE.search(term) else "unknown"


def _verdict_of_expression(expression: str) -> str:
    # SPDX: "A OR B" lets us pick either, so one acceptable alternative is enough; within an
    # alternative, "A AND B" binds us to both.
    verdicts = []
    for alternative in re.split(r"\s+OR\s+", expression.replace("(", " ").replace(")", " ")):
        terms = [_verdict_of_term(t) for t in re.split(r"\s+AND\s+", alternative) if t.strip()]
        verdicts.append("copyleft" if "copyleft" in terms else _best(terms))
    return _best(verdicts)


def _best(verdicts: list[str]) -> str:
    for verdict in ("permissive", "lesser", "copyleft"):
        if verdict in verdicts:
            return verdict
    return "unknown"


def licence_verdict(meta, licence_texts: list[str] = ()) -> tuple[str, str]:
    """(verdict, what it was read from) for one distribution's metadata."""
    expression = meta.get("License-Expression")
    if expression and expression.strip():
        return _verdict_of_expression(expression), expression.strip()
    classifiers = [
        c.split("::")[-1].strip()
        for c in meta.get_all("Classifier") or []
        if c.startswith("License ::") and c.strip() != "License :: OSI Approved"
    ]
    licence_field = (meta.get("License") or "").strip()
    statements = classifiers + ([licence_field] if licence_field else [])
    if statements:
        # Several classifiers mean a choice of licences (dual licensing); one acceptable is enough.
        verdict = _best([_verdict_of_term(statement) for statement in statements])
        if verdict != "unknown":
            return verdict, "; ".join(s[:60] for s in statements)
    for text in licence_texts:
        # The LGPL's own text names the GPL; its title says which licence the file is.
        verdict = "lesser" if _LESSER.search(text[:300]) else _verdict_of_term(text[:3000])
        if verdict != "unknown":
            return verdict, "licence file: " + " ".join(text.split())[:60]
    return "unknown", "no licence metadata"


def _licence_file_texts(distribution: metadata.Distribution) -> list[str]:
    texts = []
    for file in distribution.files or []:
        name = file.name.upper()
        if name.startswith(("LICENSE", "LICENCE", "COPYING", "NOTICE")):
            try:
                texts.append(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
    return texts


def _normalised(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def runtime_distributions() -> dict[str, metadata.Distribution | None]:
    """Every distribution the installed `creditor-inbox` needs at run time (None: not installed)."""
    found: dict[str, metadata.Distribution | None] = {}
    pending = [(ROOT_DISTRIBUTION, frozenset())]
    while pending:
        name, extras = pending.pop()
        key = _normalised(name)
        if key in found and not extras:
            continue
        try:
            distribution = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            found[key] = None
            continue
        found[key] = distribution
        for line in distribution.requires or []:
            requirement = Requirement(line)
            wanted = {""} | set(extras)
            if requirement.marker and not any(
                requirement.marker.evaluate({"extra": extra}) for extra in wanted
            ):
                continue
            pending.append((requirement.name, frozenset(requirement.extras)))
    found.pop(_normalised(ROOT_DISTRIBUTION))
    return found


def test_runtime_dependencies_are_not_gpl():
    distributions = runtime_distributions()
    assert "beautifulsoup4" in distributions and "flask" in distributions  # the walk works
    assert "pytest" not in distributions and "matplotlib" not in distributions  # extras left out
    problems = {}
    for name, distribution in sorted(distributions.items()):
        if distribution is None:
            problems[name] = ("not installed", "")
            continue
        verdict, source = licence_verdict(distribution.metadata, _licence_file_texts(distribution))
        if verdict in ("copyleft", "unknown"):
            problems[name] = (verdict, source)
    assert problems == {}, "runtime dependencies that are GPL/AGPL or of unknown licence"


class _Meta(dict):
    def get_all(self, key):
        value = self.get(key)
        return value if isinstance(value, list) else None


@pytest.mark.parametrize(
    ("meta", "files", "expected"),
    [
        ({"License-Expression": "GPL-3.0-or-later"}, [], "copyleft"),
        ({"License-Expression": "AGPL-3.0-only"}, [], "copyleft"),
        ({"License-Expression": "LGPL-3.0-or-later"}, [], "lesser"),
        ({"License-Expression": "MIT OR GPL-2.0-only"}, [], "permissive"),
        ({"License-Expression": "MIT AND GPL-2.0-only"}, [], "copyleft"),
        ({"License-Expression": "Apache-2.0 OR BSD-2-Clause"}, [], "permissive"),
        (
            {"Classifier": ["License :: OSI Approved :: GNU General Public License v3 (GPLv3)"]},
            [],
            "copyleft",
        ),
        (
            {"Classifier": ["License :: OSI Approved :: GNU Affero General Public License v3"]},
            [],
            "copyleft",
        ),
        (
            {
                "Classifier": [
                    "License :: OSI Approved :: GNU Library or Lesser General Public License (LGPL)"
                ]
            },
            [],
            "lesser",
        ),
        ({"License": "GNU GPLv3"}, [], "copyleft"),
        ({"License": "LGPL with exceptions"}, [], "lesser"),
        ({"License": "BSD-3-Clause"}, [], "permissive"),
        ({}, ["                    GNU GENERAL PUBLIC LICENSE\n  Version 3"], "copyleft"),
        ({}, ["GNU LESSER GENERAL PUBLIC LICENSE ... the GNU General Public License"], "lesser"),
        (
            {},
            ["Copyright (c) 2017 Charles Leifer\n\nPermission is hereby granted, free"],
            "permissive",
        ),
        ({"License": "UNKNOWN"}, [], "unknown"),
        ({}, [], "unknown"),
    ],
)
def test_licence_verdict(meta, files, expected):
    assert licence_verdict(_Meta(meta), files)[0] == expected
