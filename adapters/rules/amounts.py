"""Amounts in a creditor's letter: every notation, what each amount is, and which is the claim.

Each amount is read with the label that stands before it in its clause (or, failing that, after
it on the line, or the line above): a total, what remains after a payment, a payment, an older
figure, an offer or instalment, a component (principal, interest, costs), or a plain claim
sentence. The current claim is then chosen by kind, never by position; candidates that disagree
with no clear current one are reported as a conflict instead of guessed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

_SP = "[ \u00a0\u2009\u202f]"
_DE = rf"\d{{1,3}}(?:(?:\.|{_SP})\d{{3}})+(?:,\d{{2}}|,-{{1,2}}|,–)?|\d+,\d{{2}}|\d+,-{{1,2}}"
_EN = r"\d{1,3}(?:,\d{3})+(?:\.\d{2})?|\d+\.\d{2}"
_INT = r"\d+"
_CURRENCY = r"(?:EUR|Euro|EURO|euro|Eur|€|GBP|£|USD|US-?\$|\$|CHF)"
_EDGE_BEFORE = r"(?<![\d.,])"
_EDGE_AFTER = r"(?![\d]|[.,]\d)"
# With a currency sign the number may be an integer ("200 Euro", "€1,234").
_WITH_CURRENCY = re.compile(
    rf"(?P<c1>{_CURRENCY}){_SP}?-?{_EDGE_BEFORE}(?P<n1>{_DE}|{_EN}|{_INT}){_EDGE_AFTER}"
    rf"|{_EDGE_BEFORE}(?P<n2>{_DE}|{_EN}|{_INT}){_EDGE_AFTER}{_SP}?(?P<c2>{_CURRENCY})(?![A-Za-z])"
)
# Under a currency header (statements of account) a money-shaped number is an amount too.
_BARE = re.compile(rf"{_EDGE_BEFORE}-?(?P<n3>{_DE}|{_EN}){_EDGE_AFTER}")
_CURRENCY_HEADER = re.compile(
    rf"((beträge|betrag|angaben|figures|amounts?|summe|saldo|soll|haben|balance)\b[^\n\d]{{0,20}}"
    rf"\(?\s*(in\s+)?{_CURRENCY}\)?|\bin\s+{_CURRENCY}(?![\w])|^\W*{_CURRENCY}\W*$)",
    re.I | re.M,
)
_DATE_LIKE = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}|\d{1,2}/\d{1,2}/\d{2,4}")

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
_KINDS: list[tuple[str, re.Pattern]] = [
    (
        REMAINING,
        re.compile(
            r"((ver)?blieb|bleib|\brest(?!kapital|zins)|(noch\s+)?nicht\s+(bezahlt|beglichen|gezahlt|ausgeglichen)|unbezahlt|unpaid|"
            r"not\s+(yet\s+)?(been\s+)?paid|verbleib|noch\s+(offen|zu\s+zahlen|ausstehend)|offen\s+(sind|ist|bleib)|"
            r"remaining|still\s+(owed|outstanding|due|open)|left\s+to\s+pay|balance\s+remaining)",
            re.I,
        ),
    ),
    (
        OLD,
        re.compile(
            r"(überholt|veraltet|nicht\s+mehr\s+aktuell|outdated|superseded|"
            r"ursprünglich|bisherig|vormals|damals|zuvor|früher|alte[rn]?\s|vortrag|"
            r"brought\s+forward|opening\s+balance|originally|original|previous|prior|"
            r"(mahnung|schreiben|rechnung|letter|reminder)\s+(vom|of|dated)\s)",
            re.I,
        ),
    ),
    (
        PAID,
        re.compile(
            r"(gezahlt|bezahlt|eingezahlt|überwiesen|eingegangen|erhalten|gutgeschrieben|gutschrift|"
            r"zahlung(en)?\s+(von|in\s+höhe|über|i\.\s?h\.)|teilzahlung|zahlungseingang|abzüglich|"
            r"zahlung\s+vom|eingang\s+(der|ihrer|einer)\s+zahlung|getilgt|tilgung|aufrechnung|"
            r"verrechnet|verbucht|gebucht|\bpaid\b|received|payment\s+(of|received)|credited|"
            r"credit\b)",
            re.I,
        ),
    ),
    (
        OFFER,
        re.compile(
            r"(vergleich|angebot|anbieten|bieten|einmalzahlung|einmalbetrag|\braten?\b|ratenzahlung|"
            r"monatlich|pro\s+monat|abfindung|nachlass|settlement|offer|instal?ments?|per\s+month|"
            r"monthly|lump[- ]sum|discount|accept)",
            re.I,
        ),
    ),
    (
        TOTAL,
        re.compile(
            r"(gesamt|insgesamt|summe|saldo|offene[rnms]?\s+(betrag|forderung|saldo|summe|posten)|"
            r"forderungshöhe|forderungsbetrag|endbetrag|zu\s+zahlen|beläuft|beträgt|total|"
            r"zusammen|in\s+summe|alles\s+in\s+allem|macht\s+(also\s+)?|"
            r"balance|outstanding|amount\s+(due|owed|owing)|sum\b|\bdue\b|\boffen\b)",
            re.I,
        ),
    ),
    (
        COMPONENT,
        re.compile(
            r"(hauptforderung|grundforderung|kapital|zinsen|kosten|gebühr|entgelt|auslagen|zuschl[aä]g|"
            r"principal|interest|fees?\b|costs?\b|charges?\b)",
            re.I,
        ),
    ),
    (
        CLAIM,
        re.compile(
            r"(forderung|rückstand|schulde|beitr(ag|äge)|rechnungen|mieten|in\s+höhe\s+von|i\.\s?h\.\s?v\.|betrag|claim|owe|debt|"
            r"arrears|amount)",
            re.I,
        ),
    ),
]
_PRINCIPAL = re.compile(r"(hauptforderung|grundforderung|kapital|principal)", re.I)
_INTEREST = re.compile(r"(zinsen|interest)", re.I)
_COSTS = re.compile(
    r"(kosten|gebühr|entgelt|auslagen|zuschl[aä]g|fees?\b|costs?\b|charges?\b)", re.I
)
_BALANCE = re.compile(r"(saldo|balance|kontostand)", re.I)
_CONTAINED = re.compile(r"(enthalten|inkl|inklusive|davon|darin|includ|of\s+which)", re.I)
_CURRENT = re.compile(
    r"(aktuell|derzeit|heute|inzwischen|mittlerweile|nunmehr|jetzt|neu\b|current|now|today)",
    re.I,
)


@dataclass(frozen=True)
class Mention:
    value: Decimal
    start: int
    end: int
    text: str
    kind: str
    context: str
    currency: str
    line: int = 0


@dataclass
class AmountReading:
    """The chosen claim (or None), how sure, where it stands, components and conflicts."""

    amount: Decimal | None = None
    quality: float = 0.0
    span: tuple[int, int] | None = None
    currency: str | None = None
    components: dict[str, Decimal | None] | None = None
    component_spans: dict[str, tuple[int, int]] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)


def parse_amount(raw: str) -> Decimal | None:
    """'1.234,56' / '1 234,56' / '1,234.56' / '1.234,-' / '1,234' → Decimal."""
    raw = re.sub(_SP, "", raw.strip()).lstrip("-").rstrip("-–").rstrip(",")
    if re.fullmatch(r"\d{1,3}(,\d{3})+(\.\d{2})?|\d+\.\d{2}", raw):
        normalized = raw.replace(",", "")
    else:
        normalized = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(normalized).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


def _currency_code(sign: str | None) -> str:
    sign = (sign or "").upper()
    if sign in ("GBP", "£"):
        return "GBP"
    if "$" in sign or sign == "USD":
        return "USD"
    if sign == "CHF":
        return "CHF"
    return "EUR"


def find_mentions(body: str) -> list[Mention]:
    mentions: list[tuple[int, int, Decimal, str]] = []
    offset = 0
    header_currency: str | None = None
    blank_run = 0
    for line in body.split("\n"):
        taken: list[tuple[int, int]] = []
        for m in _WITH_CURRENCY.finditer(line):
            raw = m.group("n1") or m.group("n2")
            value = parse_amount(raw)
            number_start = m.start("n1") if m.group("n1") else m.start("n2")
            if value is not None and not _DATE_LIKE.match(line, number_start):
                code = _currency_code(m.group("c1") or m.group("c2"))
                mentions.append((offset + m.start(), offset + m.end(), value, code))
                taken.append((m.start(), m.end()))
        if header_currency is not None:
            for m in _BARE.finditer(line):
                if any(s <= m.start() < e for s, e in taken) or _DATE_LIKE.match(line, m.start()):
                    continue
                if _DATE_LIKE.search(line[max(0, m.start() - 3) : m.end() + 5]):
                    continue
                value = parse_amount(m.group("n3"))
                if value is not None:
                    mentions.append((offset + m.start(), offset + m.end(), value, header_currency))
        header = _CURRENCY_HEADER.search(line)
        if header and not taken:
            header_currency = _currency_code(re.search(_CURRENCY, header.group(0)).group(0))
        blank_run = blank_run + 1 if not line.strip() else 0
        if blank_run >= 2:
            header_currency = None
        offset += len(line) + 1
    mentions.sort()
    return [_classify(body, mentions, i) for i in range(len(mentions))]


def _classify(body: str, mentions, index: int) -> Mention:
    start, end, value, currency = mentions[index]
    line_start = body.rfind("\n", 0, start) + 1
    line_end = body.find("\n", end)
    line_end = len(body) if line_end == -1 else line_end
    previous_end = mentions[index - 1][1] if index else 0
    lead = body[max(line_start, previous_end, _clause_start(body, start)) : start]
    kind = _kind(lead)
    context = lead
    if kind == NONE:
        # "300 € überwiesen": the words right after the amount, up to its clause's end.
        next_start = mentions[index + 1][0] if index + 1 < len(mentions) else len(body)
        tail = body[end : min(line_end, next_start)]
        clause_end = _CLAUSE_BREAK.search(tail)
        tail = tail[: clause_end.start() if clause_end else len(tail)]
        if _CONTAINED.search(tail):
            kind, context = COMPONENT, tail
        elif end + len(tail) < next_start or next_start >= line_end:
            kind, context = _kind(tail[:40]), tail
    if kind == NONE and index == 0 or kind == NONE and mentions[index - 1][1] < line_start:
        # "Gesamtforderung:" on the line above its amount (letters, tables).
        above_start = body.rfind("\n", 0, max(line_start - 1, 0)) + 1
        above = body[above_start : max(line_start - 1, 0)]
        below_end = body.find("\n", line_end + 1)
        below = body[line_end + 1 : len(body) if below_end == -1 else below_end]
        # "Offen sind:" over a column of bare amounts labels none of them alone.
        below_is_bare_amount = bool(_WITH_CURRENCY.search(below) or _BARE.search(below))
        listed = below_is_bare_amount and _kind(below[:12]) == NONE
        if not listed and not _WITH_CURRENCY.search(above) and not _BARE.search(above):
            kind = _kind(above)
            context = above
    if kind in (TOTAL, CLAIM) and _kind_excluding(lead, (TOTAL, CLAIM)) == OLD:
        kind = OLD
    if kind not in (OLD, PAID, OFFER) and _APPROXIMATE.search(lead):
        kind = APPROXIMATE
    return Mention(value, start, end, body[start:end], kind, context, currency, line_start)


# A sentence ends at ". " before a capital (not after "Nr." or "Az."), at ; ! ? or a line end.
_CLAUSE_BREAK = re.compile(
    r"(?<!\bNr)(?<!\bAz)(?<!\bca)(?<!\bgeb)(?<!\bvgl)(?<!\bzzgl)(?<!\binkl)\.\s+(?=[A-ZÄÖÜ])|[;!?](\s|$)|\n"
)


def _clause_start(body: str, position: int) -> int:
    cut = 0
    for match in _CLAUSE_BREAK.finditer(body, max(0, position - 160), position):
        cut = match.end()
    return cut


# "à 1.086,67 EUR", "je 55,08 €", "each €9.99": a unit price, never the claim.
_UNIT_PRICE = re.compile(r"(\bà|\bje|\bpro|\beach|\bper|@)\s*$", re.I)


# "ca. 2.140,00 EUR", "approx. EUR 1,388": nobody can book an estimate.
_APPROXIMATE = re.compile(
    r"(\bca\.?|\bcirca|\betwa|\brund|\bungefähr|\bvoraussichtlich|\bschätzungsweise|"
    r"\bapprox\.?|\bapproximately|\babout|\baround|\broughly|\bestimated)\s*$",
    re.I,
)


# "sowie 46,00 €", "plus a further EUR 80": an amount beside the claim whose role is unclear.
_ADDITIONAL = re.compile(
    r"(\bsowie|\bzuzüglich|\bplus|\bweitere[rns]?|\baußerdem|\bzusätzlich|\badditionally|"
    r"\bfurther|\banother|\band\s+also)\s*$",
    re.I,
)
# "reduziert sich von 3.260,00 EUR auf 2.760,00 EUR": the first figure is the old one.
_CHANGE = re.compile(
    r"(reduziert|verringert|vermindert|erhöht|ändert|geändert|sinkt|steigt|reduced|increased|"
    r"decreased|changed|korrigiert|corrected)",
    re.I,
)


def _kind(text: str) -> str:
    if _UNIT_PRICE.search(text):
        return OFFER
    if _ADDITIONAL.search(text):
        return ADDITIONAL
    if _CHANGE.search(text):
        if re.search(r"\b(von|from)\s*$", text, re.I):
            return OLD
        if re.search(r"\b(auf|to)\s*$", text, re.I):
            return TOTAL
    for kind, pattern in _KINDS:
        window = text[-_MODIFIER_REACH:] if kind in _MODIFIERS else text
        if pattern.search(window):
            return kind
    return NONE


# An older figure, a payment or an offer qualifies the amount it stands next to; a word like
# "previous" early in a long sentence says nothing about the amount at its end.
_MODIFIERS = frozenset([OLD, PAID, OFFER])
_MODIFIER_REACH = 50


def _kind_excluding(text: str, excluded: tuple[str, ...]) -> str:
    for kind, pattern in _KINDS:
        window = text[-_MODIFIER_REACH:] if kind in _MODIFIERS else text
        if kind not in excluded and pattern.search(window):
            return kind
    return NONE


def read_claim(body: str, settled: tuple[int, int] | None) -> AmountReading:
    mentions = find_mentions(body)
    reading = AmountReading()
    _read_components(mentions, reading)
    by_kind: dict[str, list[Mention]] = {}
    for mention in mentions:
        by_kind.setdefault(mention.kind, []).append(mention)

    remaining = by_kind.get(REMAINING, [])
    if settled is not None and not any(m.value > 0 for m in remaining):
        stated_after = [
            m
            for m in mentions
            if m.kind in (TOTAL, CLAIM, NONE) and m.value > 0 and m.start > settled[0]
        ]
        if stated_after:
            reading.conflicts.append(
                f"settled, yet {stated_after[0].value} is stated as open after it"
            )
            return reading
        reading.amount, reading.quality, reading.span = Decimal("0.00"), 1.0, settled
        reading.currency = "EUR"
        return reading
    if by_kind.get(APPROXIMATE):
        estimate = by_kind[APPROXIMATE][0]
        reading.conflicts.append(f"an approximate amount is stated ({estimate.text})")
        return reading
    if by_kind.get(ADDITIONAL):
        further = by_kind[ADDITIONAL][0]
        reading.conflicts.append(f"a further amount stands beside the claim ({further.text})")
        return reading
    remaining, totals = by_kind.get(REMAINING, []), by_kind.get(TOTAL, [])
    if not totals and not by_kind.get(PAID) and _sum_components(mentions, by_kind, reading):
        return reading
    if remaining or totals:
        chosen = _current_claim(remaining, totals, bool(by_kind.get(PAID)))
        if chosen is None:
            values = ", ".join(sorted({f"{m.value}" for m in remaining + totals}))
            reading.conflicts.append(f"several open amounts or totals disagree ({values})")
        else:
            _choose(reading, chosen, 1.0)
        return reading
    if _sum_components(mentions, by_kind, reading):
        return reading
    if by_kind.get(CLAIM):
        return _chosen_or_conflict(reading, by_kind[CLAIM], CLAIM, 0.8)
    loose = by_kind.get(NONE, [])
    if loose and not by_kind.get(COMPONENT) and len({m.value for m in loose}) == 1:
        _choose(reading, loose[0], 0.4)
    return reading


def _current_claim(
    remaining: list[Mention], totals: list[Mention], payment_stated: bool
) -> Mention | None:
    """One clear current figure, or None when the candidates disagree unexplained."""
    candidates = remaining + totals
    if len({m.value for m in candidates}) == 1:
        return candidates[0]
    current = [m for m in candidates if _CURRENT.search(m.context)]
    if len({m.value for m in current}) == 1:
        others = {m.value for m in candidates if m.value != current[0].value}
        # "334,20 left, then an invoice of 39,99: currently 374,19" explains itself.
        if sum(others, Decimal("0.00")) == current[0].value:
            return current[0]
    # A statement's running balance: the last balance row is the current one, provided every
    # other kind of total agrees with it (a "Summe" that disagrees is still a conflict).
    balances = [m for m in candidates if _BALANCE.search(m.context)]
    if len(balances) >= 2 and all(
        m.value == balances[-1].value for m in candidates if m not in balances
    ):
        return balances[-1]
    # A payment beside what remains: the remainder is the claim, the total the old one.
    if (
        payment_stated
        and len({m.value for m in remaining}) == 1
        and all(m.value >= remaining[0].value for m in totals)
    ):
        return remaining[0]
    return None


def _chosen_or_conflict(
    reading: AmountReading, candidates: list[Mention], kind: str, quality: float
) -> AmountReading:
    chosen = _one_current(candidates)
    if chosen is None:
        values = ", ".join(sorted({f"{m.value}" for m in candidates}))
        reading.conflicts.append(f"several {kind} amounts disagree ({values})")
    else:
        _choose(reading, chosen, quality)
    return reading


def _sum_components(mentions: list[Mention], by_kind, reading: AmountReading) -> bool:
    """No total stated: a list of labelled items (the claim's items beside interest or
    costs, each on its own line) adds up to the claim. Unlabelled amounts forbid the sum."""
    components = dict(reading.components or {})
    if not by_kind.get(COMPONENT) or by_kind.get(NONE):
        return False
    if any(_CONTAINED.search(m.context) for m in by_kind[COMPONENT]):
        return False  # "darin enthalten": the components are part of a stated figure
    items = by_kind.get(CLAIM, []) + by_kind.get(REMAINING, [])
    if items and components.get("principal") is None:
        if any(_shares_line(m, mentions) for m in items):
            return False
        components["principal"] = sum((m.value for m in items), Decimal("0.00"))
        reading.component_spans["principal"] = (items[0].start, items[-1].end)
        reading.components = components
    stated = [v for v in components.values() if v is not None]
    if components.get("principal") is None or len(stated) < 2:
        return False
    reading.amount = sum(stated, Decimal("0.00"))
    spans = list(reading.component_spans.values())
    reading.span = (min(s for s, _ in spans), max(e for _, e in spans))
    reading.quality, reading.currency = 0.8, mentions[0].currency
    return True


def _shares_line(mention: Mention, mentions: list[Mention]) -> bool:
    return any(other is not mention and other.line == mention.line for other in mentions)


def _one_current(candidates: list[Mention]) -> Mention | None:
    values = {m.value for m in candidates}
    if len(values) == 1:
        return candidates[0]
    current = [m for m in candidates if _CURRENT.search(m.context)]
    if current and len({m.value for m in current}) == 1:
        return current[0]
    return None


def _choose(reading: AmountReading, mention: Mention, quality: float) -> None:
    reading.amount, reading.quality = mention.value, quality
    reading.span, reading.currency = (mention.start, mention.end), mention.currency


def _read_components(mentions: list[Mention], reading: AmountReading) -> None:
    found: dict[str, Decimal] = {}
    for mention in mentions:
        if mention.kind != COMPONENT:
            continue
        for name, pattern in (
            ("principal", _PRINCIPAL),
            ("interest", _INTEREST),
            ("costs", _COSTS),
        ):
            if pattern.search(mention.context):
                if name == "costs" and name in found:
                    found[name] += mention.value  # several cost lines add up
                elif name not in found:
                    found[name] = mention.value
                reading.component_spans.setdefault(name, (mention.start, mention.end))
                break
    if found:
        reading.components = {n: found.get(n) for n in ("principal", "interest", "costs")}
