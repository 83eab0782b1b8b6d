"""What an amount in a creditor's letter is, read from the words around it: a total, what
remains, a payment, an older figure, an offer or instalment, an estimate, a further amount, a
component (principal, interest, costs), or a plain claim sentence."""

from __future__ import annotations

import re

from adapters.rules.amount_phrases import (
    _OFFERED_PAYMENT,
    _RATE_BEFORE,
    HYPOTHETICAL,
    PARTS_MARKER,
    PARTS_OPENING,
    PAYMENT_OVER,
    RATE_AFTER,
    STILL_OPEN,
)
from adapters.rules.folding import Folded

APPROXIMATE = "approximate"
ADDITIONAL = "additional"
TOTAL, REMAINING, PAID, OLD, OFFER, COMPONENT, CLAIM, NONE = (
    "total",
    "remaining",
    "paid",
    "old",
    "offer",
    "component",
    "claim",
    "none",
)
# Order matters: the first kind whose label stands in an amount's context wins.
_KINDS: list[tuple[str, Folded]] = [
    (
        REMAINING,
        Folded(
            r"((ver)?blieb|bleib|\brest(?!kapital|zins)|(noch\s+)?nicht\s+(bezahlt|beglichen|gezahlt|ausgeglichen)|unbezahlt|unpaid|"
            r"not\s+(yet\s+)?(been\s+)?paid|verbleib|noch\s+(offen|zu\s+zahlen|ausstehend)|offen\s+(sind|ist|bleib)|"
            r"remaining|still\s+(owed|outstanding|due|open)|left\s+to\s+pay|balance\s+remaining|\bleaving\b|\bleaves\b)",
        ),
    ),
    (
        OLD,
        Folded(
            r"(überholt|veraltet|nicht\s+mehr\s+aktuell|outdated|superseded|"
            r"ursprünglich|bisherig|vormals|damals|zuvor|vorher|früher|alte[rn]?\s|vortrag|earlier|"
            r"brought\s+forward|opening\s+balance|originally|original|previous|prior|"
            r"before\s+(this|the|your)\s+payment|vor\s+(der|dieser|ihrer)\s+zahlung|"
            r"\bbetrug(en)?\b|\b(war|waren|was|were)\s*$|\bhatten\s+wir\b|\bbestand\b|\bbelief(en)?\s+sich|\bwas\s+(then\s+)?(still\s+)?(eur|€|£)|\bstood\s+at|"
            r"(mahnung|schreiben|rechnung|letter|reminder)\s+(vom|of|dated)\s|"
            r"(in|aus|laut)\s+ihre(m|r)\s+(schreiben|anfrage)|von\s+ihnen\s+(genannt|angegeben)|"
            r"ihr(e)?\s+(schreiben|anfrage|brief)\s+(nannte|nennt|gab|geht\s+von)|"
            r"ihre[rn]?\s+angabe|your\s+figure|(von|vom)\s+(ihnen|ihrer\s+mandant\w*|ihrem\s+mandanten)\s+"
            r"(genannt|angegeben)\w*|zum\s+zeitpunkt\s+ihres\s+schreibens|"
            r"at\s+the\s+time\s+of\s+your\s+letter|"
            r"in\s+your\s+letter|you\s+(quoted|mentioned|stated|gave))",
        ),
    ),
    (
        PAID,
        Folded(
            r"(gezahlt|bezahlt|eingezahlt|überwiesen|eingegangen|angekommen|\bsind\s+(alle\s+)?da\b|"
            r"erhalten|gutgeschrieben|gutschrift|"
            r"zahlung(en)?\s+(von|in\s+höhe|über|i\.\s?h\.|bisher|insgesamt|seit)|teilzahlung|zahlungseingang|zahlungseingäng|"
            r"abzüglich|abzgl|geleistete\s+zahlungen|bisherige\s+zahlungen|payments\s+(to\s+date|made)|"
            r"zahlung\s+vom|eingang\s+(der|ihrer|einer)\s+zahlung|getilgt|tilgung|aufrechnung|"
            r"verrechnet|aufgerechnet|einbehalten|\bminus\b|\bdeducted\b|\babgezogen\b|\bgegeben\s+hat\b|\bzahlungen\s*$|\bbar\s+(ge|über)geben\b|\bin\s+bar\b|verbucht|gebucht|\bpaid\b|received|payment\s+(of|received)|credited|"
            r"credit\b(?!\s*(card|account|agreement|line|limit|facility)))",
        ),
    ),
    (
        OFFER,
        Folded(
            r"(vergleich|angebot|anbieten|bieten|einmalzahlung|einmalbetrag|\b(mindest|monats|teil|erst)?raten?\b|ratenzahlung|"
            r"monatlich|pro\s+monat|abfindung|nachlass|settlement|offer|instal?ments?|per\s+month|"
            r"monthly|lump[- ]sum|discount|accept|akzeptier|\bquote\b|abgeltung)",
        ),
    ),
    (
        TOTAL,
        Folded(
            r"(gesamt|insgesamt|summe|saldo|kontostand|offene[rnms]?\s+(betrag|forderung|saldo|summe|posten)|"
            r"forderungshöhe|forderungsbetrag|endbetrag|zu\s+zahlen|beläuft|beträgt|total|"
            r"stand\s+(heute|jetzt|aktuell)|"
            r"(?<!sich\s)(?<!folgt\s)zusammen(?!\s*(aus|:))|belaufen\s+sich|in\s+summe|"
            r"alles\s+in\s+allem|macht\s+(also\s+)?|"
            r"balance|outstanding|amount\s+(due|owed|owing)|sum\b|\bdue\b|\boffen\b)",
        ),
    ),
    (
        COMPONENT,
        Folded(
            # ("Betriebskostenabrechnung", "Nebenkostennachzahlung": the claim's source, no label)
            r"(hauptforderung|grundforderung|kapital|warenwert|zinsen|kosten(?!abrechnung|nachzahlung|vorauszahlung)|"
            r"gebühr|entgelt|auslagen|zuschl[aä]g|"
            r"vergütung|\w*steuer\b|\w+steuer\s+\d{4}|principal|interest|fees?\b|costs?\b|charges?\b)",
        ),
    ),
    (
        CLAIM,
        Folded(
            r"(forderung|rückstand|schulde|beitr(ag|äge)|rechnungen|mieten|in\s+höhe\s+von|i\.\s?h\.\s?v\.|betrag|claim|owe|debt|"
            r"arrears|amount)",
        ),
    ),
]
# A tax is the principal of a tax office's claim ("Einkommensteuer 2024", not "Steuernummer").
_PRINCIPAL = Folded(
    r"(hauptforderung|grundforderung|kapital|warenwert|principal|\w*steuer\b|\w+steuer\s+\d{4})",
)
_INTEREST = Folded(r"(zinsen|interest|säumniszuschl|verzugszuschl)")
_COSTS = Folded(
    r"(kosten|gebühr|entgelt|auslagen|vergütung|zuschl[aä]g|fees?\b|costs?\b|charges?\b)"
)
_BALANCE = Folded(r"(saldo|balance|kontostand)")
_CONTAINED = Folded(r"(enthalten|inkl|inklusive|davon|darin|includ|of\s+which)")
_CURRENT = Folded(
    r"(aktuell|derzeit|heute|inzwischen|mittlerweile|nunmehr|jetzt|neu\b|current|now|today)",
)


# "à 1.086,67 EUR", "je 55,08 €", "each €9.99", "3 x 650,00 €": a unit price, never the claim.
_UNIT_PRICE = Folded(r"(\bà|\bje|\bpro|\beach|\bper|@|\d\s*[x×*])\s*$")
# "… = 1.950,00 €": the result of a calculation is the total.
_RESULT = re.compile(r"=\s*$")
# "aus 600,00 € Hauptforderung, 45,00 € Zinsen und 30,00 € Kosten": the label after the amount.
_LABEL_AFTER = Folded(
    r"\s*(?P<label>(haupt|grund)forderung|kapital|\w*zinsen|\w*kosten|\w*gebühr(en)?|auslagen|"
    r"säumniszuschl\w*|principal|interest|fees?|costs?|charges?)\b",
)


# "eine Ratenzahlung von 50 €", "instalments of EUR 20": an offered rate, not a payment made.
_INSTALMENT = Folded(
    r"(raten(zahlung)?|monatsrate|teilbetr(a|ä)ge?|instal?ments?|(monthly|weekly|monatliche[rn]?)\s+"
    r"(re)?(payments?|zahlung(en)?|rate))\s+(von|in\s+höhe\s+von|über|of)\s*$",
)
_PRINCIPAL_LABEL = Folded(r"(hauptforderung|principal|kapital|warenwert)\s*:?\s*$")


# "ca. 2.140,00 EUR", "approx. EUR 1,388": nobody can book an estimate.
_APPROXIMATE = Folded(
    r"(\bca\.?|\bcirca|\betwa|\brund|\bungefähr|\bvoraussichtlich|\bschätzungsweise|"
    r"\bapprox\.?|\bapproximately|\babout|\baround|\broughly|\bestimated|\bin\s+the\s+region\s+of|"
    r"\b(deutlich|weit|knapp|etwas)\s+(über|unter)|\bmehr\s+als|\bmore\s+than|\bwell\s+(over|above)|"
    # "ergäbe sich ein Betrag von", "would come to": a figure in the conditional mood
    r"\b(ergäbe|ergäben|betrüge|betrügen|beliefe|beliefen)\b[^\d.;]{0,50}|"
    r"\bwürden?\s+sich\s+[^\d.;]{0,40}(belaufen|ergeben)\s+(auf|von)|"
    r"\bwould\s+(then\s+)?(be|come\s+to|amount\s+to|total|stand\s+at)\b[^\d.;]{0,20})\s*$",
)


# "sowie 46,00 €", "plus a further EUR 80", "Dazu kommen Zuschläge von 48,00 €": an amount
# on top of another; it is part of a total stated after it, otherwise the claim is not final.
_ADDITIONAL = Folded(
    r"(\bsowie|\bzuzüglich|\bzzgl\.?|\bplus|\bweitere[rns]?|\baußerdem|\bzusätzlich|\badditionally|"
    r"\bfurther|\banother|\band\s+also)\s*$",
)
# "es sind jetzt noch 434,20 € offen", "still EUR 80 to pay": what is left.
_STILL = Folded(r"\b(noch|still)\s*$")
_ADDED_ON_TOP = Folded(
    r"((dazu|hinzu|außerdem|zusätzlich|noch)\s+(komm|trete|fall)|(kommen|kommt|treten|tritt)\s+"
    r"(noch\s+)?(nochmal\s+|nochmals\s+)?(hinzu|dazu)|(kommen|kommt)\s+(noch\s+)?(nochmal|nochmals|noch)\s*$|\bon\s+top\b|\bin\s+addition\b|\bwe\s+add\b)",
)
# "einschließlich der Mahngebühren … ein Betrag von 262,50 EUR": the amount includes them.
_INCLUDING = Folded(
    r"\b(einschließlich|inklusive|inkl\.|including|incl\.|samt|nebst)\s+[^\d]{0,90}?"
    r"(gebühr\w*|zinsen|kosten|zuschl\w*|auslagen|interest|fees|costs|charges)\b",
)
_INCLUDED_IN = Folded(
    r"(betrag|forderung|schuld|rückstand|offen|beläuft|beträgt|gesamt|total|owed|owing|\bdue\b|"
    r"balance|outstanding)",
)
# "davon Hauptforderung 8.120,00 €": a part of the figure before it.
_PART_OF = Folded(
    r"\b(davon|darin|hiervon|hierin|of\s+which|this\s+includes|includes|beinhaltet|enthält)\b[^\d]{0,40}$",
)
# "der Betrag von 212,00 EUR wurde am 03.11. gezahlt": the verb after it makes it a payment
# ("… wurde nicht bezahlt": what remains).
_PAID_AFTER = Folded(
    r"^(?:[^\d;.]|\.(?=\d)|(?<=[a-z-])\d+){0,40}?\b(wurden?|ist|sind|haben\s+wir|has\s+been|was|were)\b[^;]{0,40}?"
    r"\b(?P<no>nicht\s+|not\s+|noch\s+nicht\s+|(noch\s+)?nichts\s+|nothing\s+)?(vollständig\s+|in\s+full\s+)?"
    r"(gezahlt|bezahlt|überwiesen|eingegangen|beglichen|ausgeglichen|gutgeschrieben|erhalten|erledigt|"
    r"abgezogen|deducted|"
    r"paid|received|settled)\b",
)
# "reduziert sich von 3.260,00 EUR auf 2.760,00 EUR": the first figure is the old one.
_CHANGE = Folded(
    r"\b(reduziert|verringert|vermindert|erhöht|ändert|geändert|verändert|sinkt|steigt|reduced|"
    r"increased|decreased|changed|korrigiert|corrected)",
)


def _kind(text: str) -> str:
    text = _ASIDE.sub(" ", text)  # "Hauptforderung (Saldo … zum 31.03.)": the aside says nothing
    if (named := _colon_tail(text)) is not None:
        return named[1]
    if _UNIT_PRICE.search(text) or _INSTALMENT.search(text) or _RATE_BEFORE.search(text):
        return OFFER
    if PAYMENT_OVER.search(text) and not _OFFERED_PAYMENT.search(text):
        return PAID
    if _OFFERED_PAYMENT.search(text):
        return OFFER
    if _PRINCIPAL_LABEL.search(text):
        return COMPONENT  # "Outstanding principal:", "offene Hauptforderung" is the principal
    if _RESULT.search(text) and not any(
        pattern.search(text[-_MODIFIER_REACH:]) for kind, pattern in _KINDS if kind in _MODIFIERS
    ):
        return TOTAL
    if _ADDITIONAL.search(text) or _ADDED_ON_TOP.search(text[-_MODIFIER_REACH:]):
        return ADDITIONAL
    including = _INCLUDING.search(text)
    if including and _INCLUDED_IN.search(text[including.end() :]):
        return TOTAL
    if _STILL.search(text):  # "… noch 434,20 € offen" (not "Ihr Schreiben nannte noch …")
        return OLD if dict(_KINDS)[OLD].search(text[-_MODIFIER_REACH:]) else REMAINING
    if _CHANGE.search(text):
        if re.search(r"\b(von|from)\s*$", text, re.I):
            return OLD
        if re.search(r"\b(auf|to)\s*$", text, re.I):
            return TOTAL
    phrase = _OWN_NOUN_PHRASE.search(text)
    if phrase and _kind_excluding(phrase.group(0), ()) in (TOTAL, REMAINING):
        # "… settlement of the outstanding balance of EUR 1,200": the noun phrase right
        # before the amount names it, whatever the sentence said earlier.
        return _kind_excluding(phrase.group(0), ())
    for kind, pattern in _KINDS:
        window = text[-_MODIFIER_REACH:] if kind in _MODIFIERS else text
        if pattern.search(window):
            return COMPONENT if kind in (TOTAL, CLAIM) and _PART_OF.search(text) else kind
    if _PART_OF.search(text):
        return COMPONENT
    return OFFER if HYPOTHETICAL.search(text) else NONE  # "Wenn sie 700 Euro zahlt, …"


_OWN_NOUN_PHRASE = Folded(r"(?:\b[\wäöüß-]+\s+)?[\wäöüß-]+\s+(of|von|in\s+höhe\s+von)\s*:?\s*$")


# An older figure, a payment or an offer qualifies the amount it stands next to; a word like
# "previous" early in a long sentence says nothing about the amount at its end.
_MODIFIERS = frozenset([OLD, PAID, OFFER])
_MODIFIER_REACH = 50


_ASIDE = re.compile(r"\([^()\n]{0,120}\)")


def _colon_tail(text: str) -> tuple[str, str] | None:
    """ "… in your letter: the balance owed is": the words after the colon and their kind, when
    they say what the amount is; None when the whole text names it."""
    colon, tail = text.rpartition(": ")[1:]
    if colon and re.search(r"[^\W\d]{3}", tail) and (kind := _kind(tail)) != NONE:
        return tail, kind
    return None


def _kind_excluding(text: str, excluded: tuple[str, ...]) -> str:
    if (named := _colon_tail(text)) is not None:
        text = named[0]
    for kind, pattern in _KINDS:
        window = text[-_MODIFIER_REACH:] if kind in _MODIFIERS else text
        if kind not in excluded and pattern.search(window):
            return kind
    return NONE


_PARTICIPLE_AFTER = Folded(
    r"\s*(getilgt|gezahlt|bezahlt|überwiesen|eingegangen|gutgeschrieben|verrechnet|"
    r"was\s+paid|were\s+paid|paid|received)\b",
)


def as_rate_or_part(body: str, start: int, end: int, kind: str, sentence_start: int) -> str:
    """A rate ("0,55 € pro Tag") is an offer-like figure, never the claim; a figure after "das
    sind" that follows an earlier amount in its sentence is a part of that amount."""
    if RATE_AFTER.match(body, end):
        return OFFER
    if kind in (CLAIM, NONE, REMAINING, ADDITIONAL):
        sentence = body[sentence_start:start]
        marker = PARTS_MARKER.search(sentence)
        before = sentence[: marker.start()] if marker else ""
        if marker and PARTS_OPENING.match(sentence):  # "… 2.150 € im Rückstand. Das sind …"
            before = body[max(0, sentence_start - 200) : sentence_start].rsplit("\n\n", 1)[-1]
        if _MONEY.search(before) and not STILL_OPEN.search(sentence[marker.end() :]):
            return COMPONENT
    return kind


_MONEY = Folded(r"\d[.,]?\d*\s*(€|eur|euro)|(€|eur)\s*\d")
