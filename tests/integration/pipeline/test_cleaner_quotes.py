"""The cleaner on the shapes creditor replies arrive in: each class of quote header, what is a
reply and what is not, and the signature and footer rules."""

from __future__ import annotations

import pytest

from adapters.parsing.cleaner import EmailCleaner

REPLY = "Die Forderung beträgt 812,40 EUR.\n\nMit freundlichen Grüßen\nInkasso Nord GmbH"
OLD = "Bitte nennen Sie die Forderung. Letzter Stand 5.000,00 EUR."


def clean_text(text: str) -> str:
    return EmailCleaner().clean("", text)


def clean_html(html: str) -> str:
    return EmailCleaner().clean(html, "")


@pytest.mark.parametrize(
    "header",
    [
        "Am 02.11.2026 um 10:00 schrieb Kanzlei Muster <info@kanzlei.example>:",
        "Am 02.11.2026 um 10:00 schrieb Kanzlei Muster\n<info@kanzlei.example>:",
        "Am Mo., 2. Nov. 2026 um 10:00 Uhr schrieb Kanzlei Muster <\ninfo@kanzlei.example\n>:",
        "Kanzlei Muster <info@kanzlei.example> schrieb am Mo., 2. Nov.\n2026 um 10:00 Uhr:",
        "On Mon, Nov 2, 2026 at 10:00 AM Kanzlei Muster <info@kanzlei.example>\nwrote:",
        "On Mon, Nov 2, 2026 at 10:00 AM Kanzlei Muster\n<info@kanzlei.example> wrote:",
        "-----Ursprüngliche Nachricht-----\nVon: Kanzlei Muster\nGesendet: Montag, 2. November 2026",
        "-----Antwort Nachricht-----\nVon: Kanzlei Muster\nAn: Inkasso Nord",
        "Datum: Mo, 2. Nov 2026 10:00\nVon: Kanzlei Muster <info@kanzlei.example>\nBetreff: Az. 2024/1187",
        "Date: Mon, 2 Nov 2026 10:00:00 +0100\nTo: forderungen@inkasso.example",
        "From: Kanzlei Muster <info@kanzlei.example> Date: Mon, 2 Nov 2026 10:00",
        "*Von:* Kanzlei Muster\n*Gesendet:* Montag, 2. November 2026 10:00\n*An:* Inkasso Nord",
        "________________________________\nVon: Kanzlei Muster\nGesendet: Montag",
        "Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>",
        "Von meinem iPhone gesendet",
    ],
)
def test_quote_header_cuts_the_history(header):
    cleaned = clean_text(f"{REPLY}\n\n{header}\n\n{OLD}\n")
    assert "812,40 EUR" in cleaned
    assert "5.000,00" not in cleaned and "Kanzlei Muster" not in cleaned
    assert "Nov" not in cleaned and "Outlook" not in cleaned and "iPhone" not in cleaned


def test_reply_below_and_between_quoted_lines_is_kept():
    text = (
        "Am 02.11.2026 um 10:00 schrieb Kanzlei Muster <info@kanzlei.example>:\n"
        "> Wie hoch ist die Forderung gegen Frau Hoffmann?\n\n"
        "Die Forderung beträgt 812,40 EUR.\n\n"
        "> Liegt ein Titel vor?\n\n"
        "Ja, Vollstreckungsbescheid vom 01.02.2025.\n"
    )
    assert clean_text(text) == (
        "Die Forderung beträgt 812,40 EUR.\n\nJa, Vollstreckungsbescheid vom 01.02.2025."
    )


def test_a_wrapped_quoted_line_stays_with_its_quote():
    text = (
        "Die Forderung beträgt 812,40 EUR.\n\n"
        "Am 02.11.2026 um 10:00 schrieb Kanzlei Muster <info@kanzlei.example>:\n"
        "> Bitte nennen Sie die aktuelle Forderung gegen unsere Mandantin, der letzte\n"
        "Stand waren 5.000,00 EUR.\n>\n"
    )
    assert clean_text(text) == "Die Forderung beträgt 812,40 EUR."


@pytest.mark.parametrize(
    "content",
    [
        # A letter's own header: a date without a time of day is not a mail header.
        "Datum: 02.11.2026\nBetreff: Ihre Anfrage, Az. 2024/1187\n\nDie Forderung beträgt 812,40 EUR.",
        # A sentence that reports what someone wrote is not an attribution.
        "Am 12.03.2026 schrieb uns Ihre Mandantin, dass sie zahlen wird.\nDie Forderung beträgt 812,40 EUR.",
        "Ihre Mandantin schrieb am 12.03.2026: Sie zahle bis Monatsende.\nDie Forderung beträgt 812,40 EUR.",
    ],
)
def test_content_that_resembles_a_header_is_kept(content):
    assert clean_text(content) == content


def test_a_forward_below_a_reply_is_history_a_forward_alone_is_content():
    forward = (
        "---------- Forwarded message ---------\nFrom: Buchhaltung <bh@inkasso.example>\n"
        "Date: Mon, 2 Nov 2026 at 10:00\nSubject: Saldo\nTo: <forderungen@inkasso.example>\n\n"
        "Saldo Frau Hoffmann: 812,40 EUR\n"
    )
    assert clean_text("Zur Kenntnis.\n\n" + forward) == "Zur Kenntnis."
    assert clean_text(forward) == "Saldo Frau Hoffmann: 812,40 EUR"


@pytest.mark.parametrize(
    "body",
    [
        "Die Forderung beträgt 812,40 EUR.\n\n-- \nMax Muster\nTel. 040 123456",
        "Die Forderung beträgt 812,40 EUR.\n--\nMax Muster, Durchwahl 0815",
    ],
)
def test_signature_delimiter_in_text(body):
    assert clean_text(body) == "Die Forderung beträgt 812,40 EUR."


@pytest.mark.parametrize("delimiter", ["<div>-- </div>", "<p>--&nbsp;</p>", "-- <br>"])
def test_signature_delimiter_in_html(delimiter):
    html = f"<div>Die Forderung beträgt 812,40 EUR.</div>{delimiter}<div>Max Muster 0815</div>"
    assert clean_html(html) == "Die Forderung beträgt 812,40 EUR."


def test_a_blockquote_that_is_no_quote_is_kept():
    html = (
        "<p>Sie schrieben uns:</p><blockquote>Die Mandantin bestreitet die Forderung.</blockquote>"
        "<p>Wir halten an der Forderung von 812,40 EUR fest.</p><p>Mit freundlichen Grüßen</p>"
    )
    cleaned = clean_html(html)
    assert "bestreitet" in cleaned and "812,40 EUR" in cleaned


@pytest.mark.parametrize(
    "quote",
    [
        "<div>Am 02.11.2026 um 10:00 schrieb Kanzlei &lt;info@kanzlei.example&gt;:</div>"
        f"<blockquote>{OLD}</blockquote><p>Bitte beachten Sie unsere Datenschutzhinweise.</p>",
        f"<blockquote type='cite'>{OLD}</blockquote><p>Noch eine Zeile.</p>",
        f"<blockquote>{OLD}</blockquote>",
    ],
)
def test_a_blockquote_that_is_quoted_history_is_removed(quote):
    cleaned = clean_html(f"<p>Die Forderung beträgt 812,40 EUR.</p>{quote}")
    assert "812,40 EUR" in cleaned and "5.000,00" not in cleaned


@pytest.mark.parametrize(
    "claim_line",
    [
        "Bitte zahlen Sie 812,40 EUR bequem unter https://pay.inkasso.example/a/2024-1187.",
        "Den offenen Betrag von 812,40 € finden Sie auch unter www.inkasso.example/konto.",
        "Laut Beschluss des Vorstands bleibt es bei der Forderung von 812,40 EUR.",
        "Unter Steuernummer 12/345/67890 verbucht: Restforderung 812,40 EUR.",
    ],
)
def test_a_claim_line_with_footer_words_survives(claim_line):
    body = (
        f"Sehr geehrte Damen und Herren,\n\n{claim_line}\n\nMit freundlichen Grüßen\n"
        "Inkasso Nord GmbH\nVorstand: Dr. A. Muster\nwww.inkasso.example | Datenschutz\n"
        "IBAN DE02 1203 0000 0000 2020 51"
    )
    assert clean_text(body) == (
        f"Sehr geehrte Damen und Herren,\n\n{claim_line}\n\nInkasso Nord GmbH"
    )


def test_footer_lines_without_a_sign_off_still_go():
    body = (
        "Die Forderung beträgt 812,40 EUR.\n\nInkasso Nord GmbH\nTel. 040 123456\n"
        "Amtsgericht Hamburg HRB 12345\nwww.inkasso.example"
    )
    assert clean_text(body) == "Die Forderung beträgt 812,40 EUR.\n\nInkasso Nord GmbH"


def test_a_sentence_naming_an_iban_is_not_a_footer_line():
    # No sign-off: footer lines go wherever they stand, but running text that names an IBAN
    # (a phishing demand's "pay to this foreign account") is what the sender wrote.
    sentence = (
        "Sollte der Betrag nicht bis zum 28.11.2026 auf unser Konto IBAN LT12 3250 0000 1234 "
        "5678 eingehen, erfolgt die Pfändung ohne weitere Ankündigung."
    )
    body = f"Gesamt: 381,00 EUR\n\n{sentence}\n\nIBAN DE02 1203 0000 0000 2020 51\nwww.x.example"
    assert clean_text(body) == f"Gesamt: 381,00 EUR\n\n{sentence}"


@pytest.mark.parametrize(
    "intro",
    ["Forwarded message:", "Weitergeleitete Nachricht:", "Début du message réexpédié :"],
)
def test_a_forward_intro_above_its_headers_goes_with_them(intro):
    headers = "Von: Kanzlei Muster <info@kanzlei.example>\nBetreff: Az"
    body = f"Die Forderung beträgt 812,40 EUR.\n\n{intro}\n\n{headers}\n\n{OLD}"
    assert clean_text(body) == "Die Forderung beträgt 812,40 EUR."


def test_text_below_a_quote_marked_forward_is_kept():
    body = (
        "Zur Info.\n\nBegin forwarded message:\n\n> Von: Kanzlei Muster <info@kanzlei.example>\n"
        f"> Betreff: Az\n>\n> {OLD}\n\nDie Forderung beträgt 812,40 EUR.\n"
    )
    assert clean_text(body) == "Zur Info.\n\nDie Forderung beträgt 812,40 EUR."


def test_signature_forms_below_the_text_go():
    assert clean_text("Die Forderung beträgt 812,40 EUR.\n\n-Anna Muster") == (
        "Die Forderung beträgt 812,40 EUR."
    )
    assert clean_text("Die Forderung beträgt 812,40 EUR.\n\nDanke!\nAnna Muster") == (
        "Die Forderung beträgt 812,40 EUR."
    )
    listed = "Offen sind:\n- Hauptforderung 700,00 EUR\n- Kosten"
    assert clean_text(listed) == listed  # the last item of a list is no "-Name" signature


def test_a_short_gmail_editor_quote_is_kept_but_not_one_with_an_amount():
    cited = "<blockquote class='gmail_quote'>Zahlung nur gegen Vollmacht</blockquote>"
    assert "Vollmacht" in clean_html(f"<div>Wir bestehen darauf:</div>{cited}")
    amount = "<blockquote class='gmail_quote'>Letzter Stand 5.000,00 EUR</blockquote>"
    assert "5.000,00" not in clean_html(f"<div>Die Forderung beträgt 812,40 EUR.</div>{amount}")
    plain = "<blockquote>Zahlung nur gegen Vollmacht</blockquote>"
    assert "Vollmacht" not in clean_html(f"<div>Wir bestehen darauf:</div>{plain}")


def test_a_mail_of_nothing_but_contact_lines_keeps_them():
    # Footer rules set a footer apart from text; with no text there is no footer to drop.
    text = "Tel.: 0221 555 0100\nFax: 0221 555 0199\nE-Mail: forderung@stadtwerke.example"
    assert clean_text(text) == text


def test_contact_lines_below_a_claim_still_go():
    text = "Die Forderung beträgt 812,40 EUR.\n\nTel.: 0221 555 0100\nE-Mail: fm@stadtwerke.example"
    assert clean_text(text) == "Die Forderung beträgt 812,40 EUR."


@pytest.mark.parametrize(
    "body",
    [
        "-- \nStadtwerke Musterstadt GmbH\nForderungsmanagement, Frau Keller",
        "--\nFrau Keller\nSachbearbeitung Forderungen",
        "Mit freundlichen Grüßen\nFrau Keller, Sachbearbeitung Forderungen",
    ],
)
def test_a_mail_that_is_only_a_signature_keeps_it(body):
    # Nothing above the signature and nothing quoted: there is no text to set it apart from,
    # so it is what the sender wrote (as a mail of nothing but contact lines).
    assert "Frau Keller" in clean_text(body)
    html = "<div>" + body.replace("\n", "<br>") + "</div>"
    assert "Frau Keller" in clean_html(html)


@pytest.mark.parametrize(
    "body",
    [
        f"-- \nFrau Keller\n\nAm 02.11.2026 schrieb Kanzlei Muster <info@kanzlei.example>:\n> {OLD}",
        f"Am 02.11.2026 schrieb Kanzlei Muster <info@kanzlei.example>:\n> {OLD}\n\n--\nFrau Keller",
    ],
)
def test_a_lone_signature_beside_quoted_history_still_goes(body):
    # The sender wrote nothing but an automatic signature over or under the quote.
    assert clean_text(body) == ""
    forward = (
        "<div class='gmail_quote'>---------- Forwarded message ----------<br>"
        "From: Kanzlei Muster &lt;info@kanzlei.example&gt;</div><div>-- <br>Frau Keller</div>"
    )
    assert clean_html(forward) == ""


def test_a_signature_over_a_letter_it_cannot_place_is_still_cut():
    # Only a short block with no amount is "nothing but a signature"; anything longer under an
    # opening signature may be a quote no rule recognises, and it never reaches the extractor.
    body = f"-- \nFrau Keller\nSachbearbeitung\n\nSie schrieben uns:\n{OLD}"
    assert clean_text(body) == ""


@pytest.mark.parametrize(
    "header",
    [
        "Am 02.11.2026 um 10:00 schrieb Kanzlei Muster <info@kanzlei.example>:",
        "On Mon, Nov 2, 2026 at 10:00 AM Kanzlei Muster <info@kanzlei.example> wrote:",
    ],
)
def test_an_unmarked_quote_with_nothing_written_above_it_is_cut(header):
    # An empty reply from a client that quotes without "> " marks: the practice's own letter
    # never reaches the extractor (an empty reply goes to review), though a text written into
    # or under such a quote is lost with it.
    assert clean_text(f"{header}\n\n{OLD}\n") == ""
