"""Issue 12, session 3: each class of miss fixed in the rules, proved on phrasings written for
this test (not copied from the corpus). A doubtful amount must come out as None (a conflict),
never as a guess."""

from __future__ import annotations

from decimal import Decimal

import pytest

from adapters.rules.extractor import RulesExtractor

extract = RulesExtractor().extract


def read(body: str, subject: str = "", sender: str = "fm@creditor.example", name=None):
    return extract(body, subject, sender, name)


def amount_of(body: str) -> Decimal | None:
    return read(body).claim_amount


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a parenthesised aside in a component's label says nothing about its kind
        (
            "Kapital (Restsaldo nach Kündigung): 1.500,00 EUR\nZinsen: 40,00 EUR\n"
            "Gesamtbetrag: 1.540,00 EUR",
            "1540.00",
        ),
        # the total first, its parts after "davon" in the same sentence
        (
            "Der offene Betrag beläuft sich auf 2.300,00 €, davon Kapital 2.000,00 €, "
            "Zinsen 200,00 € und Kosten 100,00 €.",
            "2300.00",
        ),
        # an amount that includes the fees named before it is a total
        (
            "Inklusive der angefallenen Mahnkosten und Zinsen schuldet Ihr Mandant 845,10 EUR.",
            "845.10",
        ),
        # a figure in parentheses beside the sentence's own claim
        (
            "Für den Vertrag ergibt sich unter Einbeziehung der Dezemberrechnung (64,99 Euro) "
            "eine Forderung von 388,12 Euro.",
            "388.12",
        ),
        # parts added before a stated total belong to it
        ("Kapital 300,00 € zzgl. Zinsen 12,00 €, insgesamt 312,00 €.", "312.00"),
        # "unverändert" is no change from an old figure
        ("Die Forderung besteht unverändert in Höhe von 640,00 EUR.", "640.00"),
        # "nicht ausgeglichen" is no settlement
        ("Der Rechnungsbetrag ist bis heute nicht ausgeglichen worden. Offen: 75,00 EUR", "75.00"),
        # a tax office's list: the tax is the principal, Säumniszuschläge are interest
        (
            "Grundsteuer 2025 ........ 410,00 €\nSäumniszuschläge ........ 12,00 €\n"
            "Mahngebühren ........ 5,00 €",
            "427.00",
        ),
    ],
)
def test_amount_classes(body, expected):
    assert amount_of(body) == Decimal(expected)


@pytest.mark.parametrize(
    "body",
    [
        # further amounts on top of a stated figure, no new total: not final
        "Offen sind Beiträge über 300,00 €. Hinzu kommen Mahngebühren von 12,00 €.",
        # a larger claim figure beside the open amount, no payment explains it
        "Auf dem Kundenkonto sind 120,00 EUR offen; vollstreckt wird jedoch eine Forderung "
        "von 190,00 EUR.",
    ],
)
def test_doubtful_amounts_are_a_conflict(body):
    result = read(body)
    assert result.claim_amount is None and result.amount_conflicts


def test_components_of_a_tax_list():
    result = read(
        "Grundsteuer 2025 ........ 410,00 €\nSäumniszuschläge ........ 12,00 €\n"
        "Mahngebühren ........ 5,00 €"
    )
    assert result.components == {
        "principal": Decimal("410.00"),
        "interest": Decimal("12.00"),
        "costs": Decimal("5.00"),
    }


def test_components_beside_the_total_after_davon():
    result = read(
        "Der offene Betrag beläuft sich auf 2.300,00 €, davon Kapital 2.000,00 €, "
        "Zinsen 200,00 € und Kosten 100,00 €."
    )
    assert result.components == {
        "principal": Decimal("2000.00"),
        "interest": Decimal("200.00"),
        "costs": Decimal("100.00"),
    }


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # money columns named in the header, no currency anywhere
        (
            "Datum       Vorgang          Soll      Haben\n"
            "01.03.2026  Lieferung       250,00\n"
            "15.04.2026  Überweisung               50,00\n"
            "Saldo                       200,00",
            "200.00",
        ),
        # the currency only in a note below the table
        (
            "Pos | Text | Wert\n1 | Kaufpreis | 89,90\n2 | Versand | 4,95\n"
            "Zu zahlen | | 94,85\n\nAlle Angaben in Euro.",
            "94.85",
        ),
        # the currency in the label of the total's own line
        ("Stand der Akte:\nRestschuld (EUR)      1.118,40", "1118.40"),
    ],
)
def test_statement_tables_without_a_currency_beside_the_amounts(body, expected):
    assert amount_of(body) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("in Sachen Stadtwerke Nord GmbH ./. Kaya, Deniz teilen wir mit", "Deniz Kaya"),
        ("zum Kundenkonto 8841-22 (Brandt, Ole) ist offen", "Ole Brandt"),
        ("wir danken für Ihr Schreiben zu Ihrem Mandanten Herrn Ole Brandt und", "Ole Brandt"),
        ("betr.: Deniz Kaya, Kundennummer 55-12", "Deniz Kaya"),
        ("für Herrn Ole Brandt, Gartenstr. 9, besteht", "Ole Brandt"),
        ("Mieterin: Kaya, Deniz, Gartenstr. 9", "Deniz Kaya"),
    ],
)
def test_the_client_named_in_prose(text, expected):
    body = f"Guten Tag,\n{text}\nDie Forderung beträgt 10,00 EUR."
    result = read(body)
    assert result.client_name == expected
    span = result.evidence["client_name"]
    assert body[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("subject", "body", "sender", "reason"),
    [
        (
            "Your November picks",
            "New arrivals for autumn – shop now and save 20 % on your next order.\n"
            "You're receiving this email because you signed up. Unsubscribe",
            "hello@shop.example",
            "newsletter",
        ),
        (
            "Quarterly letter",
            "In this issue: rates, savings and more. Read more on our blog.",
            "team-news@bank.example",
            "newsletter",
        ),
        (
            "Ihr Schreiben",
            "Ihr Schreiben ist heute bei der Kreiskasse eingegangen und wird an die "
            "Fachabteilung weitergeleitet.",
            "kasse@kreis.example",
            "acknowledgement",
        ),
        (
            "Re: Anfrage",
            "Ihre Nachricht ist am 03.12.2026 um 08:15 Uhr bei uns eingegangen. Wir melden "
            "uns so bald wie möglich.",
            "info@werk.example",
            "acknowledgement",
        ),
        (
            "Re: request",
            "This is an automatic reply: we have received your message and will get back to "
            "you shortly.",
            "care@bank.example",
            "auto_reply",
        ),
        (
            "Kaya",
            "mein Vermieter Herr Brandt sagt ich schulde ihm 900 Euro, ich hab das nicht.",
            "deniz.k@gmx.example",
            "client_message",
        ),
    ],
)
def test_non_replies_with_their_reason(subject, body, sender, reason):
    result = read(body, subject, sender)
    assert result.is_creditor_reply is False and result.non_reply_reason == reason


@pytest.mark.parametrize(
    ("body", "sender"),
    [
        # an acknowledgement that asks for a power of attorney is a reply
        (
            "Ihr Schreiben ist bei uns eingegangen. Bitte senden Sie uns eine Vollmacht, wir "
            "melden uns dann.",
            "service@bank.example",
        ),
        # a private landlord writing about the client from a freemail address
        (
            "ich hab Ihren Brief wegen Frau Kaya bekommen. Für Mai bis Juli fehlen 1.350,00 €.",
            "o.brandt@gmx.example",
        ),
    ],
)
def test_replies_that_look_like_non_replies(body, sender):
    assert read(body, "Re: Ihr Schreiben", sender).is_creditor_reply is True


def test_a_rate_under_a_currency_header_is_no_amount():
    body = (
        "Posten                               Betrag in EUR\n"
        "Kapital                                  2.000,00\n"
        "Verzugszinsen 4,75 % seit 01.01.2026        61,20\n"
    )
    result = read(body)
    assert result.claim_amount == Decimal("2061.20")
    assert result.components["interest"] == Decimal("61.20")


def test_a_figure_plus_an_addition_adds_up_to_the_stated_total():
    body = "Die Restschuld liegt bei 910,00 EUR zzgl. Auslagen 14,50 EUR, in Summe 924,50 EUR."
    result = read(body)
    assert result.claim_amount == Decimal("924.50")
    assert result.components["principal"] == Decimal("910.00")


@pytest.mark.parametrize(
    ("body", "principal"),
    [
        # unlabelled table rows and labelled fees add up to the total row
        (
            "Bescheid | Art | Betrag in EUR\nA-1 | Rückzahlung Mai | 300,00\n"
            "A-2 | Rückzahlung Juni | 200,00\n | Mahngebühr | 7,50\nSumme | | 507,50",
            "500.00",
        ),
        # the principal named in a "davon" list with a word that is no principal label
        (
            "Es besteht ein Rückstand von insgesamt 322,00 € – davon Mieten 300,00 €, "
            "Verzugszinsen 2,00 € und Kosten 20,00 €.",
            "300.00",
        ),
    ],
)
def test_the_principal_is_what_remains_of_the_total(body, principal):
    assert read(body).components["principal"] == Decimal(principal)


def test_a_component_stated_as_nothing_is_zero():
    body = "Aufstellung:\nKaufpreis offen: 80,00 EUR\nMahnkosten: 5,00 EUR\nZinsen: keine\nGesamt: 85,00 EUR"
    result = read(body)
    assert result.claim_amount == Decimal("85.00")
    assert result.components["interest"] == Decimal("0.00")
    span = result.evidence["components.interest"]
    assert body[span.start : span.end] == span.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a past figure beside the current one
        ("Der Saldo belief sich im Juli auf 980,00 EUR, derzeit sind es 905,55 EUR.", "905.55"),
        # the components included after the total
        ("The amount owed is EUR 2,040.00 including fees of EUR 40.00.", "2040.00"),
    ],
)
def test_current_figures_and_included_parts(body, expected):
    assert amount_of(body) == Decimal(expected)


def test_costs_claimed_in_a_sentence_after_the_total_are_a_conflict():
    result = read(
        "Die offene Forderung beläuft sich auf 430,00 EUR. Ferner verlangen wir "
        "Auskunftskosten in Höhe von 9,50 EUR."
    )
    assert result.claim_amount is None and result.amount_conflicts


def test_a_breakdown_after_the_total_is_no_conflict():
    body = (
        "Wir fordern insgesamt 430,00 EUR. Hauptforderung: 400,00 EUR. Zinsen: 20,00 EUR. "
        "Kosten: 10,00 EUR."
    )
    assert amount_of(body) == Decimal("430.00")


def test_a_name_followed_by_a_label_after_its_comma():
    body = "Die Kundin Marta Kowalczyk, Vertragsnummer 88-1, schuldet 10,00 EUR."
    assert read(body).client_name == "Marta Kowalczyk"


def test_a_sentence_ending_in_a_short_verb_ends_the_offer_before_the_total():
    body = (
        "Wir bieten einen Vergleich über 300,00 € an, falls bis Monatsende gezahlt wird. "
        "Die Gesamtforderung beträgt 820,00 €."
    )
    assert amount_of(body) == Decimal("820.00")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "Nach Ihrer Überweisung vom 4. Mai weist das Konto keinen offenen Saldo mehr auf.",
            "0.00",
        ),
        # "keinen Betrag nennen" is no settlement
        ("Vor Eingang der Vollmacht können wir keinen Betrag nennen. Offen: 55,00 EUR", "55.00"),
    ],
)
def test_settled_without_an_amount_word_list(body, expected):
    assert amount_of(body) == Decimal(expected)


def test_every_reference_in_the_letter_is_reported():
    body = (
        "Unser Kunde Ole Brandt (Kundennummer KD-1001-77) sowie Ihre Mandantin Deniz Kaya "
        "(KD-2002-88) haben offene Posten; für Frau Kaya sind 50,00 EUR offen."
    )
    result = read(body)
    assert result.creditor_reference == "KD-1001-77"
    assert "KD-2002-88" in result.unlabelled_references


def test_an_amount_is_no_reference():
    result = read("Für das Konto sind 4.512,77 EUR offen.")
    assert result.unlabelled_references == ()


@pytest.mark.parametrize(
    ("subject", "body", "sender", "reason"),
    [
        (
            "Frage",
            "Hallo, die Stadtwerke haben angerufen und wollen 300 Euro. Muss ich das zahlen?",
            "o.brandt@web.example",
            "client_message",
        ),
        (
            "Rechnung 77-1",
            "Zahlen Sie 640,00 EUR innerhalb von 12 Stunden, andernfalls wird Ihr Zugang gesperrt.",
            "billing@unknown.example",
            "phishing",
        ),
    ],
)
def test_more_non_replies(subject, body, sender, reason):
    result = read(body, subject, sender)
    assert result.non_reply_reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kundin Marta Kowalczyk (14.07.1969) schuldet", "1969-07-14"),
        ("Mieter: Kaya, Deniz, 03.10.88, Gartenstr. 9", "1988-10-03"),
        # a recent date beside a name is no birth date
        ("Kundin Marta Kowalczyk (14.07.2026) schuldet", None),
    ],
)
def test_an_unlabelled_date_beside_the_clients_name(text, expected):
    body = f"Guten Tag,\n{text}\nDie Forderung beträgt 10,00 EUR."
    result = read(body)
    assert result.client_birth_date == expected
    if expected:
        span = result.evidence["client_birth_date"]
        assert body[span.start : span.end] == span.text


def test_a_current_balance_that_differs_from_the_sum_row_is_a_conflict():
    result = read(
        "Übersicht (EUR)\nKapital 800,00\nZinsen 20,00\nSumme 820,00\n\nKontostand heute: 790,00"
    )
    assert result.claim_amount is None and result.amount_conflicts


def test_a_deducted_payment_row_explains_the_larger_invoice_figure():
    body = "Aufstellung in EUR\n\nRechnungen   1.200,00\nZinsen          34,00\nabzgl. Zahlung -200,00\nOffen        1.034,00"
    assert amount_of(body) == Decimal("1034.00")


@pytest.mark.parametrize(
    ("subject", "body", "sender", "reason"),
    [
        (
            "Re: Ihr Schreiben",
            "Guten Tag, ich bin bis einschließlich 8. Dezember nicht erreichbar. In dringenden "
            "Fällen wenden Sie sich an forderung@werk.example.",
            "sb@werk.example",
            "auto_reply",
        ),
        (
            "Re: your letter",
            "Thank you for your message. I am away from my desk until Monday and will respond "
            "upon my return.",
            "j.smith@bank.example",
            "auto_reply",
        ),
        (
            "Zustellung an folgende Empfänger fehlgeschlagen",
            "Die Zustellung an folgende Empfänger ist fehlgeschlagen: a@werk.example. Die "
            "E-Mail-Adresse wurde nicht gefunden.",
            "MicrosoftExchange329e71ec@werk.example",
            "bounce",
        ),
        (
            "Your case 448812",
            "Thank you for your email. We have opened case 448812 and a member of our team will "
            "respond within 10 working days.",
            "care@shop.example",
            "acknowledgement",
        ),
        (
            "Eingang Ihrer Nachricht",
            "Hiermit bestätigen wir den Eingang Ihrer E-Mail vom 12.11.2026. Wir werden Ihr "
            "Anliegen prüfen und uns zeitnah bei Ihnen melden.",
            "service@werk.example",
            "acknowledgement",
        ),
    ],
)
def test_auto_replies_bounces_and_acknowledgements_in_other_words(subject, body, sender, reason):
    assert read(body, subject, sender).non_reply_reason == reason


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Betroffene Person: Mueller-Luedenscheidt, Sabine", "Sabine Mueller-Luedenscheidt"),
        ("Name des Schuldners: Brenner-Kowalski, Andreas", "Andreas Brenner-Kowalski"),
        ("Kunde: Herr Jürgen von der Heide", "Jürgen von der Heide"),
        ("Die von Ihnen vertretene Frau Ilse Brandt schuldet uns", "Ilse Brandt"),
    ],
)
def test_more_roles_and_particles(text, expected):
    assert read(f"{text}\nDie Forderung beträgt 10,00 EUR.").client_name == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # the verb after the amount says it was paid; the matter is closed
        (
            "Der Vorgang ist für uns erledigt; der Betrag von 96,00 EUR wurde am 2.10. überwiesen.",
            "0.00",
        ),
        ("Die Forderung von 96,00 EUR ist durch Ihre Überweisung erloschen.", "0.00"),
        ("Wir bestätigen den Ausgleich der Forderung nach Zahlung über 96,00 EUR.", "0.00"),
        # "… wurde nicht bezahlt": what remains
        ("Der Rechnungsbetrag von 96,00 EUR wurde bis heute nicht bezahlt.", "96.00"),
        # a settlement only on a condition, with a date inside the condition
        (
            "Offen sind derzeit 510,00 €. Angebot: Wenn bis 15.01.2027 ein Betrag von 400,00 € "
            "eingeht, ist die Angelegenheit erledigt.",
            "510.00",
        ),
    ],
)
def test_paid_settled_and_conditional(body, expected):
    assert amount_of(body) == Decimal(expected)


def test_a_paid_amount_alone_is_no_claim():
    result = read("Ihr Mandant hat uns angeschrieben. Der Betrag von 96,00 EUR wurde gezahlt.")
    assert result.claim_amount is None


def test_a_remainder_said_to_be_extinguished_is_a_conflict():
    result = read("Die Restschuld von 96,00 EUR ist durch Ihre Überweisung erloschen.")
    assert result.claim_amount is None and result.amount_conflicts


def test_a_labelled_breakdown_that_misses_the_total_is_a_conflict():
    result = read("Kapital 1.000,00 EUR\nZinsen 80,00 EUR\nKosten 20,00 EUR\nGesamt 1.110,00 EUR")
    assert result.claim_amount is None and result.amount_conflicts


def test_several_principal_rows_add_up_to_the_total():
    body = "Kfz-Steuer 2025   180,00 €\nKfz-Steuer 2026   180,00 €\nSäumniszuschläge   9,00 €\nVollstreckungskosten   11,00 €\nSumme   380,00 €"
    assert amount_of(body) == Decimal("380.00")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "We are prepared to accept EUR 500.00 as a compromise on the outstanding balance of "
            "EUR 910.00.",
            "910.00",
        ),
        # the noun phrase's own modifier still counts: an older figure
        ("Die ursprüngliche Forderung von 534,20 EUR wurde auf 334,20 EUR reduziert.", "334.20"),
    ],
)
def test_the_noun_phrase_right_before_the_amount_names_it(body, expected):
    assert amount_of(body) == Decimal(expected)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        # a quantity times a unit price, then the result
        ("Offen sind die Beiträge Juli bis September: 3 × 42,50 € = 127,50 €.", "127.50"),
        # the label after each amount
        (
            "Der Rückstand besteht aus 820,00 € Hauptforderung, 31,40 € Verzugszinsen und "
            "12,00 € Mahngebühren.",
            "863.40",
        ),
        # "= …" after an offer is still the offer
        ("Offen sind 900,00 €; wir akzeptieren eine Quote von 50 % = 450,00 €.", "900.00"),
    ],
)
def test_unit_prices_results_and_labels_after_the_amount(body, expected):
    assert amount_of(body) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Schuldnerin: KOWALCZYK, Marta", "Marta Kowalczyk"),
        ("für unseren Kunden Herrn Ole BRANDT-KAYA besteht", "Ole Brandt-Kaya"),
        ("Kunde: Dr. med. Ole Brandt", "Ole Brandt"),
    ],
)
def test_surnames_in_capitals_and_academic_titles(text, expected):
    body = f"{text}\nDie Forderung beträgt 10,00 EUR."
    result = read(body)
    assert result.client_name == expected
    span = result.evidence["client_name"]
    assert body[span.start : span.end] == span.text


def test_the_client_forwarding_a_letter_about_herself_stays_client_mail():
    body = (
        "hallo, ich hab das heute bekommen, muss ich das zahlen?\n\n"
        "Mahnung für Frau Kaya: offen sind 84,00 EUR."
    )
    assert read(body, "WG: Mahnung", "deniz.kaya@gmx.example").non_reply_reason == "client_message"
