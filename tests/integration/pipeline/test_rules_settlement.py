"""Settlement phrases: a real settlement is 0.00; a conditional or contradicted one is not."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.rules.extractor import RulesExtractor


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Die Forderung ist vollständig ausgeglichen.", Decimal("0.00")),
        (
            "Offener Betrag: 1.250,00 EUR. Sobald die Forderung beglichen ist, melden wir uns.",
            Decimal("1250.00"),
        ),
        (
            "Gesamtforderung: 800,00 EUR\nNach Zahlung bestehen keine weiteren Ansprüche.",
            Decimal("800.00"),
        ),
        ("Die Forderung ist ausgeglichen. Gesamtforderung: 300,00 EUR", None),
    ],
)
def test_settlement(body, expected):
    result = RulesExtractor().extract(body, "Az. 2024/1187", "a@b.example", "B")
    assert result.claim_amount == expected
