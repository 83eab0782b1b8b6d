"""Who a creditor's letter is about: the client's name in any role (and in the subject).

A name is read after a role the letter gives the client (the practice's client, the creditor's
customer, the contract or account holder, the debtor, the person represented, the subject of
the matter) with or without a label or colon, with titles, double names, particles and "surname,
first name"; failing a role, after a title (Frau/Herr/Mr/Ms) outside the salutation; names and
bare references standing alone in the subject (adapters/rules/references.py). Birth dates:
adapters/rules/birth_dates.py.
"""

from __future__ import annotations

import re

from adapters.rules.folding import Folded
from adapters.rules.references import reference_tokens

_UPPER = "A-ZÄÖÜ"
_LOWER = "a-zäöüßéèáàçğışñøæ"
_WORD = rf"[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}][{_LOWER}]+)?(?![{_UPPER}{_LOWER}])"
# A surname in capitals ("Jana HOFFMANN", "HOFFMANN, Jana"), read in title case.
_CAPS = rf"[{_UPPER}]{{3,}}(?:-[{_UPPER}]{{3,}})?(?![{_UPPER}{_LOWER}])"
_PARTICLE = r"(?:von|van|de|der|zu|del|da|di|le|la|ten|ter)"
_TITLE = r"(?:(?:Herrn?|Frau|Fr\.|Hr\.|Dr\.(?:\s*(?:med|jur|phil|rer\.\s*nat|h\.\s*c)\.)?|Prof\.|Mr\.?|Mrs\.?|Ms\.?|Miss|Dipl\.-\w+\.?)\s+)"
# Case-sensitive even inside re.I patterns: a name is capitalised words.
# Names never run over a line break ("Jana\nDie Forderung …").
_FULL_NAME = (
    rf"(?-i:(?P<name>{_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}(?:Dr\.[ \t]+)?{_WORD}){{0,4}}"
    rf"[ \t]+(?:{_PARTICLE}[ \t]+){{0,2}}(?:{_WORD}|{_CAPS})))"
)
_SURNAME_FIRST = rf"(?-i:(?P<last>(?:{_WORD}|{_CAPS})(?:[ \t]+{_WORD})?),[ \t]*(?P<first>{_WORD}(?:[ \t]+{_WORD})?)(?!\.?\s*\d))"
_ROLE = (
    r"(?:ihr(?:e|er|es|em|en)?\s+(?:mandant(?:in|en|schaft)?|kund(?:e|in))|"
    r"unser(?:e|er|es|em|en)?\s+(?:kund(?:e|in|en)|mitglied|versicherte[rn]?|mieter(?:in)?|"
    r"beitragszahler(?:in)?|vertragspartner(?:in)?|darlehensnehmer(?:in)?)|"
    r"mandant(?:in)?|kund(?:e|in)|(?:(?:vertrags|konto|anschluss|karten|account)-?)?inhaber(?:in)?|"
    r"schuldner(?:in|s)?|antragsteller(?:in)?|betroffene[rn]?(?:\s+person)?|name|versicherungsnehmer(?:in)?|mieter(?:in)?|"
    r"darlehensnehmer(?:in)?|zahlungspflichtige[rn]?|beitragsschuldner(?:in)?|"
    r"in\s+(?:der\s+)?(?:angelegenheit|sache|sachen)|betreffend|betrifft|betr\.|bzgl\.?|bezüglich|"
    r"i\.\s?s\.|für|vertreten(?:en|e)?|namens|"
    r"your\s+client|(?:our\s+)?customer|account\s+holder|debtor|on\s+behalf\s+of|"
    r"in\s+the\s+matter\s+of|regarding|re:?|for|client)"
)
_NAME_AFTER_ROLE = re.compile(
    rf"\b{_ROLE}(?:\b|(?<=\.))\s*[,:]?\s*{_TITLE}*(?:{_SURNAME_FIRST}|{_FULL_NAME})",
    re.I,
)
_NAME_AFTER_TITLE = re.compile(
    rf"(?-i:\b(?:Herrn?|Frau|Mr\.?|Mrs\.?|Ms\.?)\s+(?:Dr\.\s+)?){_FULL_NAME}"
)
# "in Sachen Bank AG ./. Weber, Thomas": the party after "./." is the debtor.
_VERSUS = re.compile(rf"\./\.\s*{_TITLE}*(?:{_SURNAME_FIRST}|{_FULL_NAME})")
# "(Wolf, Jennifer)", "(Lukas Richter, your ref. …)": a person in parentheses beside a reference.
_BEFORE_VERSUS = re.compile(r"[^\n]{0,30}?\s\./\.")
_IN_PARENTHESES = re.compile(rf"\(\s*{_TITLE}*(?:{_SURNAME_FIRST}\s*\)|{_FULL_NAME}\s*[,;)])")
_SALUTATION = Folded(r"(sehr\s+geehrte[rs]?|guten\s+tag|hallo|liebe[rs]?|dear|hello|hi)\s*$")
_STOPWORDS = {
    "Ihres",
    "Ihrem",
    "Ihren",
    "Ihrer",
    "Mandanten",
    "Unserer",
    "Unseres",
    "Unserem",
    "Unseren",
    "Kunden",
    "Sachen",
    "Angelegenheit",
    "Betreff",
    "Betrifft",
    "Schuldnerin",
    "Vertragsinhaber",
    "Vertragsinhaberin",
    "Kontoinhaberin",
    "Inhaber",
    "Inhaberin",
    "Mr",
    "Mrs",
    "Ms",
    "Client",
    "Customer",
    "Debtor",
    "Holder",
    "Matter",
    "Settlement",
    "Offer",
    "Sehr",
    "Damen",
    "Herren",
    "Mit",
    "Die",
    "Der",
    "Das",
    "Wir",
    "Ihre",
    "Ihr",
    "Ihnen",
    "Sie",
    "Und",
    "Zu",
    "Im",
    "In",
    "Am",
    "Vielen",
    "Dank",
    "Bitte",
    "Kundennummer",
    "Vertragsnummer",
    "Aktenzeichen",
    "Zeichen",
    "Az",
    "Geb",
    "Geboren",
    "The",
    "Your",
    "Our",
    "Account",
    "Reference",
    "Ref",
    "Thank",
    "Please",
    "Dear",
    "Kind",
    "Regards",
    "Best",
    "Unser",
    "Unsere",
    "Forderung",
    "Konto",
    "Kontoinhaber",
    "Vertrag",
    "Schuldner",
    "Rechnung",
    "Herr",
    "Frau",
    "Herrn",
    "Mandant",
    "Mandantin",
    "Kunde",
    "Kundin",
    "Gmbh",
    "Kanzlei",
    "Partner",
    "Januar",
    "Februar",
    "März",
    "April",
    "Mai",
    "Juni",
    "Juli",
    "August",
    "September",
    "Oktober",
    "November",
    "Dezember",
}
_ORGANISATION = re.compile(
    r"\b(GmbH|AG|KG|SE|mbH|Bank|Sparkasse|Inkasso|Stadtwerke|Kanzlei|Partner|Versicherung|"
    r"Finanzamt|Stadtkasse|Jobcenter|Krankenkasse|Deutschland|Payments|Services?|Ltd|Telekom|"
    r"Vodafone)\b"
)


# Words that are nouns of the matter, never part of a person's name ("Nowak Mietschulden").
_NOUN = Folded(
    r"(schulden|ung|heit|keit|schaft|amt|kasse|bereich|einzug|service|zentrum|stelle|stand|"
    r"forderung|konto|nummer|vertrag|rechnung|miete|mieten|verwaltung|beitrag|beiträge|team|"
    r"abteilung|sachen|anfrage|aufstellung|angebot|plan|bescheid|mahnung|zuschlag|kosten|"
    r"zinsen|saldo|posten|account|balance|statement|offer|update|notice|reminder|"
    r"weg|straße|strasse|gasse|platz|allee|damm|chaussee|auslagen|gebühren|vergütung)$",
)
_CONTACT = Folded(
    r"(erreichen|wenden|kontaktieren|steht|stehen|ansprechpartner(in)?|sachbearbeiter(in)?|"
    r"kollegin|kollege|contact|gez\.|i\.\s?a\.|im\s+auftrag|z\.\s?hd\.?|zu\s+händen|attn\.?|"
    r"sachbearbeitung[^.\n]{0,30}\bauf|zuständig\s+ist(\s+jetzt)?)\W*(sie\W+)?(bei\W+)?$",
)
_TITLE_SURNAME = re.compile(
    rf"(?-i:\b(?:Herrn?|Frau|Fr\.|Hr\.|Mr\.?|Mrs\.?|Ms\.?)\s+(?:Dr\.\s+)?(?P<name>{_WORD})(?![\w-]))"
)


def client_name(text: str) -> tuple[str, int, int] | None:
    """The client's full name (surname-first reordered), else a surname after a title
    ("Frau Nowak"), with its span in `text`."""
    return _full_name(text) or _surname(text)


def _full_name(text: str) -> tuple[str, int, int] | None:
    for pattern in (_VERSUS, _NAME_AFTER_ROLE, _IN_PARENTHESES, _NAME_AFTER_TITLE):
        position = 0
        while (match := pattern.search(text, position)) is not None:
            # Overlapping: "für Ihr Schreiben zu Ihrer Mandantin Claudia Becker" fails at
            # "für" and is read again from "Ihrer Mandantin".
            position = match.start() + 1
            before = text[max(0, match.start() - 40) : match.start()]
            if pattern is _NAME_AFTER_TITLE and (
                _SALUTATION.search(before[-25:]) or _CONTACT.search(before)
            ):
                continue
            if _BEFORE_VERSUS.match(text, match.end()):
                continue  # "in Sachen Wohnbau Rhein GmbH ./. Brenner": the creditor's side
            found = _name_of(match)
            if found is not None:
                return found
    return None


def _surname(text: str) -> tuple[str, int, int] | None:
    for match in _TITLE_SURNAME.finditer(text):
        before = text[max(0, match.start() - 40) : match.start()]
        word = match.group("name")
        if _SALUTATION.search(before[-25:]) or _CONTACT.search(before) or word in _STOPWORDS:
            continue
        if _NOUN.search(word) or _ORGANISATION.search(word):
            continue
        return word, match.start("name"), match.end("name")
    return None


_SUBJECT_PREFIX = Folded(r"^\s*((re|aw|wg|fw|fwd|antwort)\s*:\s*)+")
_SEGMENT_SPLIT = re.compile(r"\s+[–—-]\s+|\s*\|\s*|\s+/\s+|:\s+|\s*\./\.\s*")
_SEGMENT_NAME = re.compile(
    rf"^{_TITLE}?(?-i:(?P<last>{_WORD}),\s*(?P<first>{_WORD})|(?P<name>{_WORD}(?:\s+{_WORD}){{1,2}}))$"
)


def subject_parts(subject: str) -> tuple[tuple[str, int, int] | None, list[str]]:
    """A name standing alone in a subject segment, and the subject's reference-like tokens
    ("Schäfer, Katrin – StNr. 306/5123/4471" → Katrin Schäfer, ["306/5123/4471"])."""
    prefix = _SUBJECT_PREFIX.match(subject)
    position = prefix.end() if prefix else 0
    name = None
    for segment in _SEGMENT_SPLIT.split(subject[position:]):
        start = subject.find(segment, position)
        position = max(position, start)
        stripped = segment.strip()
        match = _SEGMENT_NAME.match(stripped)
        if name is None and match:
            found = _name_of(match)
            if found is not None:
                lead = start + segment.find(stripped)
                name = (found[0], lead + found[1], lead + found[2])
    return name, reference_tokens(subject)


def _name_of(match: re.Match) -> tuple[str, int, int] | None:
    groups = match.groupdict()
    if groups.get("last") and groups.get("first"):
        words_first = groups["first"].split()
        nouns = any(
            _NOUN.search(w) for w in words_first + groups["last"].split()
        )  # "(RVG, Auslagen)"
        if (
            not nouns
            and not set(words_first) & _STOPWORDS
            and not set(groups["last"].split()) & _STOPWORDS
        ):
            name = f"{groups['first']} {_title_case(groups['last'])}"
            if not _ORGANISATION.search(name):
                return name, match.start("last"), match.end("first")
    group = "name" if groups.get("name") else "last"
    if not groups.get(group):
        return None
    # "Kunde Thomas Hoffmann, Kundennummer …": no first name after the comma, the name before it
    words = groups[group].split()
    while words and words[0] in _STOPWORDS:
        words.pop(0)
    for index, word in enumerate(words):
        if word in _STOPWORDS or _NOUN.search(word):
            words = words[:index]
            break
    while words and not words[-1][0].isupper():
        words.pop()  # "Schreiben zu": a particle ends no name
    if sum(1 for w in words if w[0].isupper()) < 2 or _ORGANISATION.search(" ".join(words)):
        return None
    if _ORGANISATION.search(" ".join(_title_case(w) for w in words)):
        return None
    name = " ".join(_title_case(w) for w in words)
    start = match.start(group) + groups[group].find(words[0])
    return name, start, start + len(name)


def _title_case(word: str) -> str:
    return word.title() if word.isupper() and len(word) > 1 else word
