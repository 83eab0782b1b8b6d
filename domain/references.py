"""Comparing references and sender addresses: what counts as "the same" for matching."""

from __future__ import annotations

import functools
import re

_REFERENCE_NOISE = re.compile(r"[\s\-/._:#]+")
# A label typed into the directory with the number ("Mieter-Nr. 22/114", "Kd.-Nr. 4471").
_REFERENCE_PREFIX = re.compile(
    r"^(AZ|AKTENZEICHEN|NR|NO|REF|MIETERNR|KUNDENNR|KDNR|KUNDENNUMMER|VERTRAGSNR|VERTRAGSNUMMER|"
    r"MITGLIEDSNR|KONTONR|KTONR)(?=\d)"
)


@functools.lru_cache(maxsize=8192)
def normalize_reference(reference: str | None) -> str:
    """'Az. 2024 / 1187', 'AZ-2024-1187' and '2024/1187' compare equal; case and separators
    do not count. Cached: matching compares each directory reference ~5 times per email."""
    if not reference:
        return ""
    compact = _REFERENCE_NOISE.sub("", reference).upper()
    return _REFERENCE_PREFIX.sub("", compact)


# Shared mailbox providers: two creditors on gmail.com say nothing about each other.
_FREEMAIL = frozenset(
    [
        "gmail.com",
        "googlemail.com",
        "web.de",
        "gmx.de",
        "gmx.net",
        "gmx.at",
        "t-online.de",
        "freenet.de",
        "posteo.de",
        "mail.de",
        "online.de",
        "arcor.de",
        "outlook.com",
        "outlook.de",
        "hotmail.com",
        "hotmail.de",
        "live.com",
        "live.de",
        "yahoo.com",
        "yahoo.de",
        "icloud.com",
        "me.com",
        "aol.com",
        "protonmail.com",
        "proton.me",
    ]
)


def _domain(address: str | None) -> str:
    return (address or "").rpartition("@")[2].strip().lower()


def same_sender(sender: str | None, creditor_email: str | None) -> bool:
    """The same address, or the same company domain (not a freemail provider)."""
    return SenderAddress(sender).same_as(creditor_email)


class SenderAddress:
    """One email's sender, compared with many directory addresses (same_sender's rule, the
    sender's side worked out once)."""

    __slots__ = ("_address", "_domain")

    def __init__(self, sender: str | None) -> None:
        self._address = (sender or "").strip().lower()
        domain = _domain(self._address)
        # A freemail or missing domain never makes two addresses the same sender.
        self._domain = domain if domain and domain not in _FREEMAIL else None

    def same_as(self, creditor_email: str | None) -> bool:
        other = (creditor_email or "").strip().lower()
        if not self._address or not other:
            return False
        if self._address == other:
            return True
        return self._domain is not None and self._domain == _domain(other)
