"""What a reviewer may decide (SPEC §8): a match of the directory with a claim amount, and the
rules its values follow. Pure; the review rules themselves are in domain/review.py."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from domain.errors import DomainError
from domain.values import MAX_CLAIM_AMOUNT

_CURRENCY = re.compile(r"^[A-Z]{3}$")
MAX_NOTE_LENGTH = 2000
COMPONENTS = ("principal", "interest", "costs")


class InvalidDecision(DomainError, ValueError):
    """A decision with bad content; `field` names what is wrong."""

    def __init__(self, field_name: str, message: str) -> None:
        super().__init__(f"{field_name}: {message}")
        self.field = field_name
        self.message = message


def parse_amount(raw: Any, field_name: str = "claim_amount") -> Decimal:
    """A non-negative amount with at most two decimals ("1234.56"; no floats, no NaN)."""
    if isinstance(raw, (bool, float)) or raw is None:
        raise InvalidDecision(field_name, 'must be a decimal string such as "1234.56"')
    try:
        amount = Decimal(str(raw).strip())
    except InvalidOperation:
        raise InvalidDecision(field_name, f"is not an amount: {raw!r}") from None
    if not amount.is_finite():
        raise InvalidDecision(field_name, "must be a finite number")
    if amount < 0:
        raise InvalidDecision(field_name, "must not be negative")
    # Size first: quantize() cannot hold 1E100 at two decimals and would raise.
    if amount > MAX_CLAIM_AMOUNT:
        raise InvalidDecision(field_name, "is too large")
    if amount != amount.quantize(Decimal("0.01")):
        raise InvalidDecision(field_name, "has more than two decimals")
    return amount.quantize(Decimal("0.01"))


@dataclass(frozen=True)
class MatchDecision:
    """What a reviewer says the email is: this client's creditor claims this amount."""

    client_id: str
    creditor_id: str
    claim_amount: Decimal
    currency: str = "EUR"
    components: dict[str, Decimal] = field(default_factory=dict)
    remember: bool = False

    def __post_init__(self) -> None:
        for name in ("client_id", "creditor_id"):
            value = getattr(self, name)
            if not isinstance(value, str) or not value.strip() or len(value) > 64:
                raise InvalidDecision(name, "is required (the directory's id)")
        parse_amount(self.claim_amount)
        if not isinstance(self.currency, str) or not _CURRENCY.match(self.currency):
            raise InvalidDecision("currency", "must be a 3-letter code such as EUR")
        for name, amount in self.components.items():
            if name not in COMPONENTS:
                raise InvalidDecision("components", f"unknown component {name!r}")
            parse_amount(amount, f"components.{name}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "creditor_id": self.creditor_id,
            "claim_amount": f"{self.claim_amount:.2f}",
            "currency": self.currency,
            "components": {k: f"{v:.2f}" for k, v in self.components.items()},
            "remember": self.remember,
        }
