"""Properties of the cleaner on generated mail made of the lines creditor mail is made of."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.parsing.cleaner import EmailCleaner

LINES = [
    "",
    "Sehr geehrte Damen und Herren,",
    "die Forderung beträgt 812,40 EUR.",
    "Bitte zahlen Sie unter https://pay.inkasso.example/x bis 30.11.2026.",
    "Am 02.11.2026 um 10:00 schrieb Kanzlei Muster <info@kanzlei.example>:",
    "Kanzlei Muster <info@kanzlei.example> schrieb am Mo., 2. Nov.",
    "2026 um 10:00 Uhr:",
    "On Mon, Nov 2, 2026 at 10:00 AM Kanzlei <info@kanzlei.example> wrote:",
    "> Bitte nennen Sie die Forderung. Letzter Stand 5.000,00 EUR.",
    "> ",
    "-----Ursprüngliche Nachricht-----",
    "-----Antwort Nachricht-----",
    "---------- Forwarded message ----------",
    "Von: Kanzlei Muster <info@kanzlei.example>",
    "Datum: Mo, 2. Nov 2026 10:00",
    "Gesendet: Montag, 2. November 2026 10:00",
    "Betreff: Az. 2024/1187",
    "________________________________",
    "-- ",
    "Gesendet von Outlook für Android",
    "Mit freundlichen Grüßen",
    "Inkasso Nord GmbH",
    "IBAN DE02 1203 0000 0000 2020 51",
    "Tel. 040 123456",
    "Position | Betrag",
    "Hauptforderung | 750,00 €",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40))
def test_plain_text_cleaning_only_removes_lines(lines):
    text = "\n".join(lines)
    cleaned = EmailCleaner().clean("", text)
    source = {line.strip() for line in lines}
    assert all(line.strip() in source for line in cleaned.splitlines())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(LINES), max_size=40))
def test_nothing_below_a_quote_header_without_quote_marks_survives(lines):
    text = "\n".join(["die Forderung beträgt 812,40 EUR.", "", "-----Ursprüngliche Nachricht-----"])
    cleaned = EmailCleaner().clean("", text + "\n" + "\n".join(lines))
    assert cleaned == "die Forderung beträgt 812,40 EUR."


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=2000))
def test_never_raises(text):
    cleaned = EmailCleaner().clean(text, text)
    assert isinstance(cleaned, str) and len(cleaned) <= 50_000
