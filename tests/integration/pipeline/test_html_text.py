"""HTML → text on BeautifulSoup: what the cleaner and the rules extractor rely on."""

from __future__ import annotations

from adapters.parsing.html_text import soup_of, soup_to_text


def text_of(html: str) -> str:
    return soup_to_text(soup_of(html))


def test_paragraphs_and_line_breaks():
    html = "<p>Sehr geehrte Damen und Herren,</p><p>erste Zeile<br>zweite   Zeile</p>"
    assert text_of(html) == "Sehr geehrte Damen und Herren,\n\nerste Zeile\nzweite Zeile"


def test_data_table_rows_become_one_line_each():
    html = (
        "<table><tr><th>Position</th><th>Betrag</th></tr>"
        "<tr><td><p class='MsoNormal'>Hauptforderung</p></td><td>1.050,00&nbsp;€</td></tr>"
        "<tr><td><b>Gesamt</b></td><td><b>1.204,17 €</b></td></tr></table>"
    )
    assert text_of(html) == ("Position | Betrag\nHauptforderung | 1.050,00 €\nGesamt | 1.204,17 €")


def test_layout_table_keeps_each_cells_lines():
    html = "<table><tr><td>Mit freundlichen Grüßen<br>Max Muster</td><td>Logo</td></tr></table>"
    assert text_of(html) == "Mit freundlichen Grüßen\nMax Muster\nLogo"


def test_markup_characters_are_not_escaped():
    html = "<div>Betrag 1.234,56 EUR</div><div>-- </div><div>Max * Muster_GmbH</div>"
    assert text_of(html) == "Betrag 1.234,56 EUR\n--\nMax * Muster_GmbH"


def test_scripts_styles_comments_and_images_are_dropped():
    html = (
        "<head><title>t</title><style>p{}</style></head><!-- hidden 99,00 EUR -->"
        "<script>var a=1</script><p>sichtbar<img src='x.png' alt='logo'></p>"
    )
    assert text_of(html) == "sichtbar"


def test_lists_and_preformatted_text():
    html = "<ul><li>eins</li><li>zwei</li></ul><pre>Saldo    12,00\n  Zinsen  1,00</pre>"
    assert text_of(html) == "- eins\n- zwei\n\nSaldo    12,00\nZinsen  1,00"


def test_inline_elements_keep_their_spaces():
    html = (
        "<p>Forderung <b>1.234,56</b>&nbsp;EUR, <a href='https://pay.example'>hier zahlen</a>.</p>"
    )
    assert text_of(html) == "Forderung 1.234,56 EUR, hier zahlen."


def test_a_lone_angle_bracket_is_text():
    html = "<p>Betrag <b>1.234,56</b> EUR < 2.000 EUR, Zeichen <KD-4471 und x <y <z</p>"
    assert text_of(html) == "Betrag 1.234,56 EUR < 2.000 EUR, Zeichen <KD-4471 und x <y <z"
