"""Classes the fresh blind batch n-… showed missing (each case moved to dev), in phrasings
written here, not copied from the corpus: an offered or requested settlement is no settlement,
a rate per day is no component, parts after "das sind", a date range in a table, a credit card
is no credit, the client's own mail in English, a letter of authority asked for."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.rules.extractor import RulesExtractor
from tests.fixtures.pipeline import read_rules

_read = read_rules


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # an offer to treat the claim as settled against a one-off payment: the claim stands
        (
            "Die Gesamtforderung beträgt 2.400,00 €. Wir wären bereit, die Restschuld gegen "
            "eine einmalige Zahlung von 1.200,00 € als vollständig beglichen anzusehen, sofern "
            "diese bis Monatsende eingeht.",
            "2400.00",
        ),
        (
            "Offen sind 980,00 EUR. Gegen Zahlung von 600,00 EUR betrachten wir die Forderung als "
            "vollständig ausgeglichen, vorausgesetzt die Zahlung erfolgt binnen 14 Tagen.",
            "980.00",
        ),
        (
            "The outstanding balance is £3,100.00. We are willing to treat the account as fully "
            "settled on receipt of £2,000.00 by 15 January.",
            "3100.00",
        ),
        # a request to settle is no settlement
        ("Wir ersuchen um Ausgleich der Forderung in Höhe von 645,90 EUR.", "645.90"),
        ("Wir fordern Sie auf, den Rückstand vollständig auszugleichen: 312,00 €", "312.00"),
        # a rate per day or month beside the total is neither a component nor a second total
        (
            "Hauptforderung 900,00 €\nZinsen 40,00 €\nKosten 60,00 €\nGesamt 1.000,00 €\n"
            "Zinsen laufen weiter (täglich 0,12 €).",
            "1000.00",
        ),
        (
            "Total due: EUR 2,210.00 (principal EUR 2,000.00, interest EUR 210.00); interest "
            "accrues at EUR 0.55 per day.",
            "2210.00",
        ),
        # "das sind" after a total introduces its parts, whatever they are called
        (
            "Insgesamt schulden Sie 1.360,00 €, das sind drei Monatsmieten und die restliche "
            "Heizkostennachzahlung von 130,00 €.",
            "1360.00",
        ),
        # a day.month. range in a table is a date, not a figure
        (
            "Posten | EUR\nSaldo 30.06.2026 | 1.500,00\nZinsen 01.07.–31.10.2026 | 20,00\n"
            "Entgelte | 5,00\nSumme | 1.525,00",
            "1525.00",
        ),
        # a credit card account's balance is a balance, not a credit
        ("The balance on the credit card account now stands at €1,480.20.", "1480.20"),
    ],
)
def test_claims_beside_offers_requests_rates_and_parts(body, expected):
    result = _read(body)
    assert result.claim_amount == Decimal(expected), result.amount_conflicts


@pytest.mark.parametrize(
    "body",
    [
        "Hi, I just got this letter from my bank and they are saying I have to pay by Friday. "
        "Can you please take care of it? Thanks, Tom",
        "Hello Mrs Kaya, they keep calling me about the old phone bill. I can't pay this now, "
        "could you please help?",
    ],
)
def test_the_clients_own_mail_in_english_is_no_reply(body):
    result = RulesExtractor().extract(body, "Fwd: payment", "tom.baker88@gmail.com", "Tom Baker")
    assert (result.is_creditor_reply, result.non_reply_reason) == (False, "client_message")


@pytest.mark.parametrize(
    "body",
    [
        "Thank you for your email about Mr Jansen, reference AB-778812. We can only speak to a "
        "third party once we have received a signed letter of authority from our customer.",
        "Wir können Ihnen erst Auskunft geben, wenn wir eine aktuelle Vollmacht erhalten haben. "
        "Referenz: KD-5561203.",
    ],
)
def test_a_request_for_authority_is_a_reply_not_an_acknowledgement(body):
    assert _read(body).is_creditor_reply is True


def test_a_real_acknowledgement_with_a_ticket_still_is_one():
    body = "We have received your message. Your reference number is CS-2231190."
    assert _read(body).non_reply_reason == "acknowledgement"


# Classes the fresh blind batch m-… showed missing (each case moved to dev).


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a statement whose rows (a payment row negative) add up to its last balance
        (
            "Datum | Text | EUR\n01.03.2026 | Fälligstellung gesamt | 2.000,00\n"
            "30.09.2026 | Zinsen | 44,10\n02.10.2026 | Mahnkosten | 12,00\n"
            "15.10.2026 | Zahlungseingang | -300,00\nSaldo aktuell | 1.756,10",
            "1756.10",
        ),
        # the words after a colon name the amount, not the letter they refer to
        ("Regarding the reference in your letter: the balance owed is EUR 310.40.", "310.40"),
    ],
)
def test_statements_that_add_up_and_labels_after_a_colon(body, expected):
    result = _read(body)
    assert result.claim_amount == Decimal(expected), result.amount_conflicts


@pytest.mark.parametrize(
    ("body", "conflict"),
    [
        # a figure in the conditional mood, the final one still being checked
        (
            "Zieht man die Gutschrift ab, ergäbe sich ein Restbetrag von 512,00 €. Die Gutschrift "
            "ist noch in der Prüfung; den endgültigen Betrag teilen wir erst nach Abschluss mit.",
            "",
        ),
        # items listed, interest only as a rate: their sum is not the claim
        (
            "Wir machen geltend:\nHauptforderung 2.100,00 €\nnebst Zinsen in Höhe von 5 "
            "Prozentpunkten über dem Basiszinssatz seit dem 01.02.2025\nMahnkosten 25,00 €",
            "interest is claimed as a rate",
        ),
    ],
)
def test_figures_nobody_can_book_yet(body, conflict):
    result = _read(body)
    assert result.claim_amount is None
    assert any(conflict in c for c in result.amount_conflicts)


@pytest.mark.parametrize(
    ("body", "sender", "name"),
    [
        (
            "Hallo, ja Herr Sommer hat bei mir noch zwei Monatsmieten offen, zusammen 1.100,- €. "
            "Raten sind ok für mich, wenn ich regelmäßig gezahlt bekomme.",
            "g.hartmann@gmx.de",
            "Gerd Hartmann",
        ),
        (
            "Zu Ihrem Schreiben teile ich mit, dass der Rückstand 730,00 € beträgt. Belege kann "
            "ich bei Bedarf nachreichen.",
            "verwaltung.schulz@t-online.de",
            "Hausverwaltung Schulz",
        ),
    ],
)
def test_a_private_landlord_writing_in_the_first_person_is_a_creditor(body, sender, name):
    result = RulesExtractor().extract(body, "Ihr Schreiben", sender, name)
    assert result.is_creditor_reply is True


# Non-reply classes left from earlier batches (l-005, l-055 moved to dev).


def test_a_payment_received_is_no_acknowledgement_of_the_message():
    body = (
        "Vielen Dank für Ihre Anfrage zur Referenz VN-5512093. Am 02.11. ist eine "
        "Überweisung über 80,00 € bei uns eingegangen; offen bleiben danach 220,00 €."
    )
    result = _read(body)
    assert result.is_creditor_reply is True
    assert result.claim_amount == Decimal("220.00")


@pytest.mark.parametrize(
    "body",
    [
        "Sehr geehrte/r Kunde/in,\nzur Vermeidung der Zwangsvollstreckung zahlen Sie bitte über "
        "https://stadtwerke-service.example/zahlen sofort 210,00 EUR.",
        "Sehr geehrte/r Versicherte/r,\nihr Beitragskonto weist einen Rückstand von 96,00 EUR "
        "auf. Zur Vermeidung einer Zwangsvollstreckung überweisen Sie umgehend auf das Konto "
        "der KK Service Ltd.",
    ],
)
def test_fake_demands_with_variant_words_are_phishing(body):
    result = RulesExtractor().extract(body, "Zahlungsaufforderung", "info@kasse-online.example", "")
    assert result.non_reply_reason == "phishing"


# Classes the fresh blind batch o-… showed missing (each case moved to dev).


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a share of the total offered as a settlement is not a second total
        (
            "Die Gesamtforderung beträgt 4.000,00 €. Wir akzeptieren eine Zahlung von 50 % der "
            "Gesamtforderung, also 2.000,00 €, wenn sie bis Jahresende eingeht.",
            "4000.00",
        ),
        # "Das sind …" opening the next sentence lists the parts of the total before it
        (
            "Herr Krause ist bei mir mit 1.300 € im Rückstand. Das sind zwei Mieten zu 550 € "
            "plus 200 € aus der Heizkostenabrechnung.",
            "1300.00",
        ),
    ],
)
def test_shares_and_parts_of_a_stated_total(body, expected):
    result = _read(body, sender="k.brandt@gmx.de")
    assert result.claim_amount == Decimal(expected), result.amount_conflicts


@pytest.mark.parametrize(
    ("body", "sender", "name"),
    [
        # a same-day deadline, a login link, an account of a foreign Ltd
        (
            "Ihre Forderung über 730,00 EUR ist weiterhin offen. Überweisen Sie bis heute 16 Uhr "
            "an: Empfänger: KSP Collect Ltd. Den Beleg laden Sie hoch unter "
            "https://kundenportal-check.example/login",
            "service@kundenportal-check.example",
            "Forderungsservice",
        ),
        # a collection agency on a free-mail address threatening a SCHUFA entry within 48 Std.
        (
            "Gegen Ihren Mandanten liegt ein Titel vor. Zahlen Sie 990,00 EUR binnen 48 Std., "
            "sonst erfolgt eine Meldung an die SCHUFA.",
            "inkasso.zentrale@gmail.com",
            "Inkasso Zentrale Deutschland",
        ),
    ],
)
def test_fake_demands_with_deadlines_links_and_free_mail(body, sender, name):
    result = RulesExtractor().extract(body, "Letzte Mahnung", sender, name)
    assert result.non_reply_reason == "phishing"


# Classes the fresh blind batch p-… showed (each case moved to dev).


def test_an_underscore_rule_above_a_sum_row_closes_a_table_not_a_quote():
    from adapters.parsing.cleaner import EmailCleaner

    text = (
        "Die Forderung setzt sich wie folgt zusammen:\n\nKapital\t\t\t2.000,00 EUR\n"
        "Zinsen\t\t\t  110,00 EUR\n" + "_" * 50 + "\nGesamtbetrag\t\t2.110,00 EUR\n\n"
        "Mit freundlichen Grüßen\nSparkasse"
    )
    cleaned = EmailCleaner().clean("", text)
    assert "2.110,00 EUR" in cleaned
    assert _read(cleaned).claim_amount == Decimal("2110.00")


@pytest.mark.parametrize(
    "body",
    [
        # no binding figure yet
        "Für das Kundenkonto ergibt sich ein Betrag von 640,00 €. Ein Guthaben könnten wir "
        "verrechnen; einen verbindlichen Endbetrag können wir Ihnen erst danach nennen.",
        # the claim was passed on: the figure is the one at the hand-over
        "The balance of £420.10 was sold to a debt collection agency in August; we no longer "
        "hold this account.",
        "Die Forderung über 880,00 € wurde am 01.09.2026 an ein externes Inkassounternehmen "
        "abgegeben. Wir sind nicht mehr zuständig.",
    ],
)
def test_figures_that_are_not_the_current_binding_claim(body):
    result = _read(body)
    assert result.claim_amount is None
    assert result.amount_conflicts


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a payment the creditor is prepared to accept is an offer, not a payment made
        (
            "The balance on account AC-553120 is EUR 830.00. We are prepared to accept a one-off "
            "payment of EUR 500.00 in full and final settlement.",
            "830.00",
        ),
        # a running balance column whose every step adds up, ending on the total row
        (
            "Datum       Vorgang                  Betrag        Saldo\n"
            "01.05.2026  Saldo nach Kündigung   1.200,00     1.200,00\n"
            "31.05.2026  Zinsen                    10,00     1.210,00\n"
            "10.06.2026  Zahlung                 -200,00     1.010,00\n"
            "            Forderung gesamt                    1.010,00",
            "1010.00",
        ),
        # the grand total is the sum of the column sums on the row above
        (
            "Abgabe          Betrag €   Zuschläge €\nGrundsteuer       300,00        12,00\n"
            "Hundesteuer        90,00         3,00\n                ---------   ---------\n"
            "Summe             390,00        15,00\n\nGesamtrückstand           405,00 €",
            "405.00",
        ),
    ],
)
def test_offers_running_balances_and_column_sums(body, expected):
    result = _read(body)
    assert result.claim_amount == Decimal(expected), result.amount_conflicts


def test_a_payment_row_of_zero_is_no_payment():
    """A "bereits gezahlt | 0,00 €" row reports that nothing was paid (q-052 moved to dev)."""
    body = "Hauptforderung | 700,00 €\nKosten | 45,00 €\nbisher gezahlt | 0,00 €\nSumme | 745,00 €"
    result = _read(body)
    assert result.claim_amount == Decimal("745.00")
    assert "payment" not in result.evidence


# Classes the fresh blind batch r-… showed (each case moved to dev).


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a parenthesised breakdown inside a label belongs to the line's own figure
        (
            "Hauptforderung: 500,00 EUR\nZinsen: 12,00 EUR\n"
            "Kosten (Porto 2 x 1,50 EUR, Auskunft 10,00 EUR): 13,00 EUR",
            "525.00",
        ),
        # "Betriebskostenabrechnung" names where the claim comes from, it labels no component
        (
            "Die Forderung aus Mieten und der Nebenkostenabrechnung 2025 beläuft sich derzeit auf"
            "\n\n2.480,00 EUR\n\nzuzüglich laufender Zinsen.",
            "2480.00",
        ),
    ],
)
def test_breakdowns_in_labels_and_sources_of_a_claim(body, expected):
    result = _read(body)
    assert result.claim_amount == Decimal(expected), result.amount_conflicts


@pytest.mark.parametrize(
    "body",
    [
        "HERR KOCH HAT ALLES BEZAHLT, das Geld ist auf meinem Konto eingegangen. Es ist nix mehr "
        "offen bei mir.",
        "Ich habe ihm 2019 1500 € geliehen, er hat mir 300 zurück gegeben, also sind noch "
        "1200 € offen. Bitte nehmen Sie mich in den Plan auf.",
    ],
)
def test_a_private_person_who_is_owed_is_a_creditor(body):
    result = RulesExtractor().extract(body, "Koch", "w.hahn55@web.de", "Walter Hahn")
    assert result.is_creditor_reply is True


def test_a_bank_newsletter_addressing_du_is_marketing():
    body = (
        "Bis zu 2,75 % Zinsen aufs Tagesgeld! Jetzt loslegen.\nDu erhältst diese E-Mail, weil "
        "du Werbe-Mitteilungen zugestimmt hast."
    )
    result = RulesExtractor().extract(body, "Neu für dich", "noreply@bank.example", "Bank")
    assert result.non_reply_reason == "newsletter"
