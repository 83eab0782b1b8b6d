"""Classes the fresh blind batches g-… and h-… showed missing (each case moved to dev), in
phrasings written here, not copied from the corpus."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.fixtures.pipeline import read_rules

_read = read_rules


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # settled in other words
        ("Der Betrag wurde inzwischen komplett bezahlt, es ist nichts mehr offen.", "0.00"),
        # a participle right after the amount makes it a payment, not a total
        (
            "Bis Oktober wurden insgesamt 300,00 € getilgt. Die Restforderung beträgt 700,00 €.",
            "700.00",
        ),
        # an instalment offered is no payment made; "belaufen sich" (plural) states the total
        (
            "Eine Ratenzahlung von 30 € monatlich lehnen wir ab. Die Rückstände belaufen sich "
            "auf 960,00 €.",
            "960.00",
        ),
        # "noch nichts bezahlt" after the figure: it is all still open
        ("Offen sind unverändert 410,00 €. Bisher ist noch nichts bezahlt worden.", "410.00"),
        # "setzt sich zusammen aus" introduces the parts, not a second total
        (
            "Die Forderung beträgt 1.500,00 EUR. Sie setzt sich zusammen aus der Hauptforderung "
            "von 1.300,00 EUR, Zinsen von 150,00 EUR und Kosten von 50,00 EUR.",
            "1500.00",
        ),
        # "Outstanding principal" is the principal, summed with the other labelled lines
        ("Outstanding principal: €500.00\nLate payment fees: €25.00", "525.00"),
        # a label over a line of its own ("… bis 30.09.2026:"), the next line labelled too
        (
            "Grundsteuer 2025:          410,00 €\nSäumniszuschläge\n  bis 30.09.2026:   "
            "12,00 €\nMahngebühren:               5,00 €",
            "427.00",
        ),
    ],
)
def test_claim_classes_from_the_fresh_batches(body, expected):
    assert _read(body).claim_amount == Decimal(expected)


def test_an_authoritys_machine_made_letter_with_amounts_is_a_reply():
    body = (
        "Rückständige Beträge:\nGewerbesteuer 2024:   880,00 €\nSäumniszuschläge:      26,00 €\n\n"
        "Dieses Schreiben wurde maschinell erstellt und ist ohne Unterschrift gültig."
    )
    result = _read(body)
    assert result.is_creditor_reply and result.non_reply_reason is None


@pytest.mark.parametrize(
    "body",
    [
        "Ihre Rechnung über 89,90 € ist offen. Jetzt bezahlen: https://pay-rechnung.example/x "
        "innerhalb von 24 Stunden, um eine Sperrung Ihres Anschlusses zu vermeiden.",
        "Please settle EUR 300.00 within 48 hours at https://secure-pay.example/case to avoid "
        "legal escalation. You will need your login credentials.",
    ],
)
def test_a_pay_now_demand_with_a_deadline_in_hours_is_phishing(body):
    result = _read(body, subject="Zahlung überfällig")
    assert result.non_reply_reason == "phishing"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Mahngeb.     01.11.2026    10,00 EUR", None),  # a fee line, no "geb." label
        ("Frau Lea Brandt, geb. 03.05.2016", None),  # too young to be a client
        ("Frau Lea Brandt, geb. 03.05.1986", "1986-05-03"),
    ],
)
def test_a_birth_date_needs_its_label_as_a_word_and_a_plausible_year(body, expected):
    assert _read(body).client_birth_date == expected


def test_the_holder_of_an_account_is_the_client():
    body = (
        "hier die offenen Posten zum Kundenkonto 5512093, Inhaber Max Mustermann:\nSaldo 40,00 EUR"
    )
    assert _read(body).client_name == "Max Mustermann"


def test_a_gendered_generic_salutation_with_an_enforcement_threat_is_phishing():
    body = (
        "Sehr geehrte/r Beitragspflichtige/r,\nes ist ein Betrag von 75,00 EUR offen. Zur Vermeidung "
        "der Vollstreckung zahlen Sie bitte umgehend per Sofortüberweisung."
    )
    assert _read(body, subject="Zahlungsaufforderung").non_reply_reason == "phishing"


def test_a_bare_statement_table_under_a_sentence_in_euros_is_read_and_can_disagree():
    # f-050 / j-031's class: the table's sum row differs from the sentence's figure → review
    body = (
        "Die Forderung gegen Ihre Mandantin beträgt 980,00 EUR.\n\nAufstellung:\n"
        "Hauptforderung         900,00\nZinsen                  60,00\nKosten                  45,00\n"
        "Summe                 1.005,00"
    )
    result = _read(body)
    assert result.claim_amount is None
    assert result.amount_conflicts


def test_a_bare_statement_table_that_agrees_with_the_sentence_books_it():
    body = (
        "Die Forderung gegen Ihre Mandantin beträgt 1.005,00 EUR.\n\nAufstellung:\n"
        "Hauptforderung         900,00\nZinsen                  60,00\nKosten                  45,00\n"
        "Summe                 1.005,00"
    )
    assert _read(body).claim_amount == Decimal("1005.00")


def test_a_demand_binnen_hours_with_a_schufa_threat_is_phishing():
    body = (
        "Die Forderung von 210,00 EUR ist weiterhin offen. Überweisen Sie binnen 24 Stunden, "
        "sonst erfolgt ein SCHUFA-Eintrag."
    )
    assert _read(body, subject="LETZTE MAHNUNG").non_reply_reason == "phishing"


@pytest.mark.parametrize(
    ("body", "payment"),
    [
        # a payment beside the figure: the safety rule weighs it against the claim on file
        (
            "Es sind Zahlungen von insgesamt 300,00 € eingegangen. Das Konto weist offene "
            "Forderungen in Höhe von 735,50 € aus.",
            "300,00 €",
        ),
        # a statement's balance row below its payment rows already counts the payment
        (
            "Rechnung 05/2026     400,00 EUR\nZahlung 06/2026     -100,00 EUR\nSaldo     300,00 EUR",
            None,
        ),
        # an offered payment is no payment made
        ("Die Forderung beträgt 900,00 €. Bei Zahlung von 500,00 € wären wir einverstanden.", None),
    ],
)
def test_a_payment_made_beside_the_claim_is_reported_as_evidence(body, payment):
    span = _read(body).evidence.get("payment")
    assert (span.text if span else None) == payment
