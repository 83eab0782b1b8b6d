"""What the rules extractor reads, class by class (issue 12): amount notations, totals beside
components, statements, components only, payments, birth dates, names in roles, non-replies.
Every extracted field's span points at its text in the body."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.rules.extractor import RulesExtractor

extract = RulesExtractor().extract


def amount_of(body: str) -> Decimal | None:
    return extract(body, "", "fm@creditor.example", "Creditor").claim_amount


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Die Forderung beträgt EUR 1.234,56.", "1234.56"),
        ("Die Forderung beträgt 1.234,56 €.", "1234.56"),
        ("Die Forderung beträgt €1.234,56.", "1234.56"),
        ("Die Forderung beträgt 1\u2009234,56 € (thin space).", "1234.56"),
        ("Die Forderung beträgt 1\u00a0234,56 €.", "1234.56"),
        ("Die Forderung beträgt 1\u202f234,56 €.", "1234.56"),
        ("Offener Betrag: 1.234,- EUR", "1234.00"),
        ("The outstanding balance is EUR 1,234.", "1234.00"),
        ("The amount due is €1,234.", "1234.00"),
        ("The total amount due is EUR 1,234.56.", "1234.56"),
        ("Gesamtforderung 2.500 Euro", "2500.00"),
    ],
)
def test_amount_notations(body, expected):
    assert amount_of(body) == Decimal(expected)


def test_the_total_wins_over_components_on_the_same_line():
    body = "Hauptforderung 500,00 EUR, Zinsen 20,00 EUR und Kosten 30,00 EUR, insgesamt 550,00 EUR."
    result = extract(body, "", "a@b.example", None)
    assert result.claim_amount == Decimal("550.00")
    assert result.components == {
        "principal": Decimal("500.00"),
        "interest": Decimal("20.00"),
        "costs": Decimal("30.00"),
    }


def test_statement_with_the_currency_only_in_the_header():
    body = (
        "Kontoauszug\n\nDatum        Vorgang              Betrag in EUR\n"
        "01.09.2026   Rechnung 4471          120,00\n"
        "01.10.2026   Mahngebühr               5,00\n\n"
        "Saldo zu unseren Gunsten             125,00"
    )
    assert amount_of(body) == Decimal("125.00")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # each clearly labelled, no total: summed
        ("Hauptforderung: 400,00 EUR\nZinsen: 22,00 EUR\nMahnkosten: 5,00 EUR", "427.00"),
        # unlabelled amounts: not summed
        ("Offen sind:\n241,15 €\n46,00 €", None),
        # settled beside the paid amount: 0.00
        ("Ihre Zahlung von 300,00 EUR ist eingegangen. Das Konto ist damit ausgeglichen.", "0.00"),
        # a payment beside what remains: the remainder
        ("Nach Eingang Ihrer Zahlung über 150,00 EUR verbleiben noch 362,77 EUR.", "362.77"),
        ("We received a payment of EUR 150.00. The remaining balance is EUR 362.77.", "362.77"),
        # an older figure beside the current one
        ("Die ursprüngliche Forderung von 534,20 EUR hat sich auf 334,20 EUR reduziert.", "334.20"),
        # an offer or an instalment is not the claim
        (
            "Die Gesamtforderung beträgt 900,00 EUR. Wir bieten einen Vergleich über 600,00 EUR an.",
            "900.00",
        ),
        # two totals that disagree: no amount (a conflict)
        ("Die Forderung beträgt 712,45 EUR.\nSumme 689,95 EUR", None),
        # an estimate is never booked
        ("Es sind ca. 2.140,00 EUR offen.", None),
    ],
)
def test_which_amount_is_the_claim(body, expected):
    assert amount_of(body) == (None if expected is None else Decimal(expected))


def test_disagreeing_totals_are_named_as_a_conflict():
    result = extract("Die Forderung beträgt 712,45 EUR.\nSumme 689,95 EUR", "", "a@b.example", None)
    assert result.amount_conflicts and "689.95" in result.amount_conflicts[0]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schuldnerin: Frau Jana Hoffmann, geb. 01.02.1980", "1980-02-01"),
        ("Herr Thomas Weber, geboren am 1. Februar 1980", "1980-02-01"),
        ("Geburtsdatum: 01.02.80", "1980-02-01"),
        ("Ms Emily Carter (DOB 09/09/1990)", "1990-09-09"),
        ("the client, born 14 March 1975,", "1975-03-14"),
        ("Frau Hoffmann (*03.08.1999)", "1999-08-03"),
    ],
)
def test_birth_dates_in_german_and_english_forms(text, expected):
    result = extract(f"{text}\nDie Forderung beträgt 10,00 EUR.", "", "a@b.example", None)
    assert result.client_birth_date == expected
    span = result.evidence["client_birth_date"]
    assert f"{text}\nDie"[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ihre Mandantin Frau Dr. Jana Hoffmann schuldet", "Jana Hoffmann"),
        (
            "für unseren Kunden Herrn Thomas Müller-Lüdenscheidt besteht",
            "Thomas Müller-Lüdenscheidt",
        ),
        ("Vertragsinhaber: Hoffmann, Jana", "Jana Hoffmann"),
        ("die Schuldnerin Sabine Mueller hat", "Sabine Mueller"),
        ("Kontoinhaber Schneider, Michael.", "Michael Schneider"),
        ("in der Angelegenheit Olga Nowak teilen wir mit", "Olga Nowak"),
        ("we write about your client Ms Emily Carter.", "Emily Carter"),
        ("Account holder: Emily Carter", "Emily Carter"),
        ("Zalando Payments GmbH ./. Sabine Weber", "Sabine Weber"),
    ],
)
def test_the_client_named_in_any_role(text, expected):
    body = f"Sehr geehrte Damen und Herren,\n{text}\nDie Forderung beträgt 10,00 EUR."
    result = extract(body, "", "a@b.example", None)
    assert result.client_name == expected
    span = result.evidence["client_name"]
    assert body[span.start : span.end] == span.text


def test_a_name_in_the_subject_and_bare_references():
    result = extract(
        "Die Forderung beträgt 10,00 EUR.",
        "AW: Schäfer, Katrin – StNr. 306/5123/4471",
        "a@b.example",
        None,
    )
    assert result.client_name == "Katrin Schäfer"
    assert result.evidence["client_name"].source == "subject"
    assert "306/5123/4471" in result.unlabelled_references


@pytest.mark.parametrize(
    ("subject", "body", "sender", "reason"),
    [
        (
            "Automatische Antwort: Ihr Schreiben",
            "Ich bin bis 30.11. nicht im Büro.",
            "a@b.example",
            "auto_reply",
        ),
        (
            "Unzustellbar: Forderungsanfrage",
            "Die Nachricht konnte nicht zugestellt werden.",
            "postmaster@b.example",
            "bounce",
        ),
        (
            "Black Week: bis zu 50 % Rabatt",
            "Jetzt zugreifen! Newsletter abbestellen",
            "news@shop.example",
            "newsletter",
        ),
        (
            "Telekom",
            "hallo, ich habe die Rechnung jetzt selbst bezahlt, die wollen jetzt noch 20 Euro",
            "jana.h@web.example",
            "client_message",
        ),
        (
            "FINAL NOTICE",
            "Pay within 24 hours via Bitcoin to avoid court.",
            "x@y.example",
            "phishing",
        ),
        (
            "Ihr Anliegen ist eingegangen",
            "Ihre Nachricht ist unter der Ticketnummer 4471-22 bei uns eingegangen.",
            "service@b.example",
            "acknowledgement",
        ),
    ],
)
def test_non_replies_with_their_reason(subject, body, sender, reason):
    result = extract(body, subject, sender, None)
    assert result.is_creditor_reply is False and result.non_reply_reason == reason


def test_every_extracted_field_has_its_span_in_the_body():
    body = (
        "Sehr geehrte Damen und Herren,\n\nIhr Zeichen: 2024/1187\nUnser Zeichen: KD-4471-2290\n"
        "Ihre Mandantin Frau Jana Hoffmann, geb. 01.02.1980, schuldet uns\n"
        "Hauptforderung 700,00 EUR\nZinsen 12,40 EUR\nGesamtforderung 712,40 EUR\n\n"
        "Mit freundlichen Grüßen\nTelekom Deutschland GmbH"
    )
    result = extract(body, "", "fm@telekom.example", "Telekom")
    fields = {
        "claim_amount",
        "client_reference",
        "creditor_reference",
        "client_name",
        "client_birth_date",
        "creditor_name",
        "components.principal",
        "components.interest",
    }
    assert fields <= set(result.evidence)
    for span in result.evidence.values():
        assert body[span.start : span.end] == span.text
