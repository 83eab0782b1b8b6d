"""Four wrong bookings from the fresh blind batch (f-009, f-024, f-043, f-073), as classes of
mail, each in phrasings written here (not copied from the corpus): a demand for payment in full
is no settlement; a provisional figure is no claim; a payment beside one claim figure without a
remainder leaves the claim unknown; in "X paid, Y still open" the payment is not the claim."""

from __future__ import annotations

from decimal import Decimal
from functools import partial

import pytest

from tests.fixtures.pipeline import read_rules

_read = partial(read_rules, sender="a@b.example", name="B")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a demand to pay in full keeps the stated amount (it was read as "settled" → 0.00)
        ("The outstanding amount of EUR 512.00 must be paid in full by 30 November.", "512.00"),
        (
            "Der offene Saldo von 318,40 EUR muss bis zum 15.12. vollständig beglichen werden.",
            "318.40",
        ),
        ("Rückstand 96,00 EUR. Dieser ist vollständig zu begleichen.", "96.00"),
        # a real settlement still reads 0.00
        ("Das Konto ist vollständig ausgeglichen.", "0.00"),
        ("Your account has been fully settled, thank you.", "0.00"),
    ],
)
def test_a_demand_for_payment_in_full_is_no_settlement(body, expected):
    assert _read(body).claim_amount == Decimal(expected)


@pytest.mark.parametrize(
    "body",
    [
        "Nach vorläufiger Berechnung beträgt die Forderung 1.020,00 EUR.",
        "The balance of EUR 640.00 is subject to change once the last invoice is issued.",
        "Der Kontostand beträgt 452,00 EUR; der Betrag wird noch geprüft.",
        "Offen sind 77,10 €, wobei sich der Betrag noch ändern kann.",
    ],
)
def test_a_provisional_figure_goes_to_review(body):
    result = _read(body)
    assert result.claim_amount is None
    assert any("provisional" in conflict for conflict in result.amount_conflicts)


def test_a_lasting_reservation_of_further_interest_is_not_provisional():
    body = "Die Forderung von 1.240,00 EUR versteht sich unter Vorbehalt weiterer Zinsen."
    assert _read(body).claim_amount == Decimal("1240.00")


@pytest.mark.parametrize(
    "body",
    [
        "Die Gesamtforderung beläuft sich auf 1.500,00 EUR. Am 03.11. ging eine Zahlung von "
        "200,00 EUR ein.",
        "We claim EUR 2,400.00 from your client. A payment of EUR 400.00 was received in October.",
    ],
)
def test_a_payment_beside_one_figure_without_a_remainder_goes_to_review(body):
    result = _read(body)
    assert result.claim_amount is None
    assert any("payment" in conflict for conflict in result.amount_conflicts)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the figure stated after the payment is what it left
        ("Nach Eingang Ihrer Zahlung von 200,00 EUR beträgt der Saldo 1.300,00 EUR.", "1300.00"),
        # a payment offered, not made
        (
            "Die Forderung beträgt 1.500,00 EUR. Bei Zahlung von 900,00 EUR bis Monatsende "
            "stimmen wir einem Vergleich zu.",
            "1500.00",
        ),
        # "X paid, Y still open": the payment is not the claim (it was booked as the claim)
        (
            "Auf die Forderung über 980,00 EUR sind 180,00 EUR überwiesen worden, sodass noch "
            "800,00 EUR ausstehen.",
            "800.00",
        ),
        ("Von den 610,00 € sind 110,00 € beglichen, offen bleiben 500,00 €.", "500.00"),
        (
            "Of the EUR 700.00 invoiced, EUR 250.00 was paid on 2 November, leaving EUR 450.00.",
            "450.00",
        ),
        (
            "Bisher offen 300,00 €, davon 120,00 € bezahlt, es sind nur noch 180,00 € zu zahlen.",
            "180.00",
        ),
    ],
)
def test_what_remains_after_a_payment_is_the_claim(body, expected):
    assert _read(body).claim_amount == Decimal(expected)


def test_a_lone_unlabelled_figure_beside_a_payment_is_not_taken():
    body = "Eingegangen sind 150,00 EUR am 02.11.\nBitte überweisen Sie 210,00 EUR."
    assert _read(body).claim_amount != Decimal("150.00")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # g-039's class: a figure the words after it call superseded is the old one
        (
            "Der aktuelle Saldo beträgt 780,00 EUR. Der in Ihrem Schreiben genannte Saldo von "
            "1.020,00 EUR ist nicht mehr aktuell.",
            "780.00",
        ),
        (
            "Your client's balance is now EUR 950.00. The balance of EUR 1,150.00 in your letter "
            "no longer applies.",
            "950.00",
        ),
        # a statement's running balance still ends at its last row
        ("Saldo per 01.10.2026: 1.200,00 EUR\nSaldo per 01.11.2026: 900,00 EUR", "900.00"),
    ],
)
def test_a_superseded_figure_is_not_the_claim(body, expected):
    assert _read(body).claim_amount == Decimal(expected)


def test_a_later_balance_beside_one_marked_current_is_no_running_balance():
    body = "Der Saldo beträgt derzeit 500,00 €.\nIm Mahnverfahren wurde ein Saldo von 700,00 € geltend gemacht."
    assert _read(body).claim_amount != Decimal("700.00")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # h-043's class: the amount from the practice's own letter is the old one
        (
            "Der von Ihnen genannte Betrag von 1.310,00 EUR ist der Stand vom Frühjahr. Heute "
            "beläuft sich die Forderung auf 1.388,25 EUR.",
            "1388.25",
        ),
        (
            "The figure of EUR 640.00 in your letter reflects the balance as of our last "
            "reminder; your client now owes EUR 655.90.",
            "655.90",
        ),
        # a sentence that ends its line waiting for the amount, one blank line between
        (
            "Unsere Mahnung vom 02.09. lautete auf 980,00 EUR; inzwischen beträgt die "
            "Gesamtforderung:\n\nEUR 1.090,00",
            "1090.00",
        ),
    ],
)
def test_the_practices_figure_is_old_and_a_label_may_wait_a_line(body, expected):
    assert _read(body).claim_amount == Decimal(expected)
