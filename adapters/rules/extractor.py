"""RulesExtractor: an offline extractor for German (and plain English) creditor replies.

What it reads: claim amounts in German and English notation with EUR/€/Euro (a total —
Gesamtforderung, offener Betrag, Summe, total outstanding — wins over components such as
Hauptforderung/Zinsen/Kosten), "Forderung ausgeglichen"-style settlements (0.00), the
practice's reference (Ihr Zeichen / Ihr Az. / Az. in the subject) and the creditor's
(Unser Zeichen, Kundennummer, Vertragsnummer, Rechnungsnummer …), the client's name
("Ihre Mandantin Frau …", "Schuldner: …", "in Sachen …") and the creditor (signature, sender).
Auto-replies, delivery failures and newsletters are not creditor replies.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from application.ports import Extractor
from domain.values import Extraction

_NON_REPLY_SUBJECT = re.compile(
    r"(abwesenheit|out of (the )?office|automatische antwort|automatic reply|auto[- ]?reply|"
    r"autoreply|unzustellbar|undeliverable|delivery status notification|delivery failure|"
    r"mail delivery (failed|subsystem)|returned mail|nicht zugestellt|newsletter)",
    re.I,
)
_NON_REPLY_BODY = re.compile(
    r"(ich bin (bis|vom|ab)\b.{0,80}\b(nicht im büro|abwesend|im urlaub|nicht erreichbar)|"
    r"i am (currently )?out of (the )?office|this is an automatically generated|"
    r"delivery has failed|could not be delivered|konnte nicht zugestellt werden|"
    r"vom newsletter abmelden|unsubscribe from this|newsletter abbestellen|"
    r"diese nachricht wurde automatisch erstellt)",
    re.I,
)
_NON_REPLY_SENDER = re.compile(r"^(mailer-daemon|postmaster|newsletter|news|marketing)@", re.I)

_SETTLED = re.compile(
    r"(forderung\s+(ist\s+|wurde\s+)?(vollständig\s+)?(ausgeglichen|beglichen|erledigt|bezahlt)|"
    r"keine\s+offenen?\s+forderung|keine\s+(weiteren\s+)?ansprüche|"
    r"(bereits|vollständig)\s+(vollständig\s+)?(bezahlt|beglichen|ausgeglichen)|"
    r"saldo\s+(von\s+|beträgt\s+)?0,00|konto\s+ist\s+ausgeglichen|"
    r"paid\s+in\s+full|no\s+(outstanding|open)\s+(balance|amount|claim)|account\s+is\s+settled|"
    r"has\s+been\s+(fully\s+)?settled)",
    re.I,
)

_CURRENCY = r"(?:EUR|€|Euro|EURO)"
_DE_NUMBER = r"\d{1,3}(?:\.\d{3})+,\d{2}|\d+,\d{2}|\d{1,3}(?:\.\d{3})+(?:,-{1,2})?"
_EN_NUMBER = r"\d{1,3}(?:,\d{3})+\.\d{2}|\d+\.\d{2}"
_AMOUNT = re.compile(
    rf"(?:{_CURRENCY}\s*(?P<n1>{_DE_NUMBER}|{_EN_NUMBER})(?![\d.,]*\d))"
    rf"|(?:(?<![\d.,])(?P<n2>{_DE_NUMBER}|{_EN_NUMBER})\s*{_CURRENCY})",
)

# Labels in order of preference: the first family found on a line with an amount wins.
_TOTAL_LABELS = re.compile(
    r"(gesamtforderung|gesamtbetrag|gesamtsumme|gesamtsaldo|offene[rn]?\s+(gesamt)?betrag|"
    r"offene\s+forderung|forderungshöhe|forderungsbetrag|restforderung|noch\s+offen|"
    r"zu\s+zahlen(der\s+betrag)?|summe|saldo|insgesamt|total\s+(outstanding|amount|due|balance)|"
    r"outstanding\s+(balance|amount)|amount\s+(due|outstanding|owed)|balance\s+due)",
    re.I,
)
_COMPONENT_LABELS = re.compile(
    r"(hauptforderung|zinsen|kosten|mahngebühr|mahnkosten|inkassokosten|gebühr|auslagen|"
    r"principal|interest|fees|costs)",
    re.I,
)
_CLAIM_CONTEXT = re.compile(
    r"(forderung|beträgt|in\s+höhe\s+von|offen|schulde|rückstand|claim|owe|outstanding|balance)",
    re.I,
)

_REF_TOKEN = r"(?P<ref>[A-Z0-9](?:[A-Z0-9]|[\-/.](?=[A-Z0-9])|\s(?=\d)){2,30})"
_CLIENT_REF = re.compile(
    rf"(?:\bihr(?:e|em)?\s+(?:zeichen|az\.?|aktenzeichen|referenz|schreiben\s+vom\s+[\d.]+\s*,?\s*az\.?)|"
    rf"\byour\s+ref(?:erence)?\.?|mandantenreferenz)\s*[:.]?\s*{_REF_TOKEN}",
    re.I,
)
_CREDITOR_REF = re.compile(
    rf"(?:\bunser(?:e|em)?\s+(?:zeichen|az\.?|aktenzeichen|referenz|geschäftszeichen)|\bour\s+ref(?:erence)?\.?|"
    rf"kunden-?\s?(?:nummer|nr\.?|konto)|vertrags-?\s?(?:nummer|nr\.?|konto)|rechnungs-?\s?(?:nummer|nr\.?)|"
    rf"mitglieds-?\s?(?:nummer|nr\.?)|forderungs-?\s?(?:nummer|nr\.?)|account\s+(?:number|no\.?)|"
    rf"customer\s+(?:number|no\.?)|invoice\s+(?:number|no\.?)|contract\s+(?:number|no\.?))\s*[:.]?\s*{_REF_TOKEN}",
    re.I,
)
_BARE_AZ = re.compile(rf"(?:\baz\.?|aktenzeichen|\bref\.?)\s*[:.]?\s*{_REF_TOKEN}", re.I)

# Case-sensitive even inside re.I patterns: a name is capitalised words ("beträgt" is not).
_NAME = r"(?P<name>(?-i:[A-ZÄÖÜ][a-zäöüß]+(?:[-\s][A-ZÄÖÜ][a-zäöüß]+){1,3}))"
_CLIENT_NAME = [
    re.compile(
        rf"(?:ihre[rnms]?\s+mandant(?:in|en|schaft)?|ihr(?:e|em|en)?\s+mandant(?:in)?)\s*[,:]?\s*"
        rf"(?:(?:herr|herrn|frau)\s+)?{_NAME}",
        re.I,
    ),
    re.compile(
        rf"(?:schuldner(?:in)?|kunde|kundin|debtor|customer)\s*:\s*(?:(?:herr|herrn|frau|mr\.?|ms\.?|mrs\.?)\s+)?{_NAME}",
        re.I,
    ),
    re.compile(
        rf"(?:in\s+sachen|betreffend|betrifft|i\.\s?s\.)\s*:?\s*(?:(?:herr|herrn|frau)\s+)?{_NAME}",
        re.I,
    ),
    re.compile(rf"your\s+client\s*,?\s*(?:(?:mr\.?|ms\.?|mrs\.?)\s+)?{_NAME}", re.I),
    re.compile(rf"\./\.\s*{_NAME}"),
]
_NAME_STOPWORDS = {"Sehr", "Damen", "Herren", "Mit", "Die", "Der", "Das", "Wir", "Ihre", "Ihr"}

_COMPANY = re.compile(
    r"^\s*(?P<company>[A-ZÄÖÜ0-9][\w&.,'\- äöüÄÖÜß]{1,80}?\s(?:GmbH(?:\s&\sCo\.\sKG)?|AG|KG|KGaA|SE|mbH|"
    r"e\.\s?V\.|Ltd\.?|Inc\.?|LLC|plc)|[\wäöüÄÖÜß&.\- ]*(?:Inkasso|Bank|Sparkasse|Versicherung|Stadtwerke)"
    r"[\wäöüÄÖÜß&.\- ]*)\s*$",
    re.M,
)


def parse_amount(raw: str) -> Decimal | None:
    """'1.234,56' / '1234,56' / '1,234.56' / '1.234,-' → Decimal('1234.56')."""
    raw = raw.strip().rstrip("-").rstrip(",")
    if re.fullmatch(r"\d{1,3}(,\d{3})+\.\d{2}|\d+\.\d{2}", raw):
        normalized = raw.replace(",", "")
    else:
        normalized = raw.replace(".", "").replace(",", ".")
    try:
        value = Decimal(normalized).quantize(Decimal("0.01"))
    except InvalidOperation:
        return None
    return value if value.is_finite() and value >= 0 else None


class RulesExtractor(Extractor):
    name = "rules"

    def extract(
        self, cleaned_body: str, subject: str, from_email: str, from_name: str | None
    ) -> Extraction:
        subject = subject or ""
        body = cleaned_body or ""
        if self._is_non_reply(subject, body, from_email):
            return Extraction(is_creditor_reply=False, confidence=0.9, extractor=self.name)

        amount, amount_quality = self._amount(body)
        client_ref = (
            _first(_CLIENT_REF, body) or _first(_CLIENT_REF, subject) or _first(_BARE_AZ, subject)
        )
        creditor_ref = _first(_CREDITOR_REF, body) or _first(_CREDITOR_REF, subject)
        if client_ref is None:
            bare = _first(_BARE_AZ, body)
            if bare and bare != creditor_ref:
                client_ref = bare
        client_name = self._client_name(body) or self._client_name(subject)
        creditor_name = self._creditor_name(body, from_name, from_email)

        confidence = 0.3 + 0.35 * amount_quality
        confidence += 0.15 if (client_ref or creditor_ref) else 0.0
        confidence += 0.1 if client_name else 0.0
        confidence += 0.1 if creditor_name else 0.0
        return Extraction(
            is_creditor_reply=True,
            client_name=client_name,
            client_reference=client_ref,
            creditor_name=creditor_name,
            creditor_reference=creditor_ref,
            claim_amount=amount,
            currency="EUR" if amount is not None else None,
            confidence=round(min(confidence, 1.0), 2),
            extractor=self.name,
        )

    @staticmethod
    def _is_non_reply(subject: str, body: str, from_email: str) -> bool:
        return bool(
            _NON_REPLY_SUBJECT.search(subject)
            or _NON_REPLY_BODY.search(body[:3000])
            or _NON_REPLY_SENDER.match(from_email or "")
        )

    @staticmethod
    def _amount(body: str) -> tuple[Decimal | None, float]:
        """The claim amount and how sure we are (1.0 total label … 0.4 a lone amount)."""
        stated, quality = RulesExtractor._stated_amount(body)
        if _settled(body):
            # A settlement next to a positive stated claim contradicts itself: leave it to review.
            if stated is not None and stated > 0:
                return None, 0.0
            return Decimal("0.00"), 1.0
        return stated, quality

    @staticmethod
    def _stated_amount(body: str) -> tuple[Decimal | None, float]:
        lines = body.split("\n")
        totals, components, in_context, anywhere = [], [], [], []
        for index, line in enumerate(lines):
            amounts = [parse_amount(m.group("n1") or m.group("n2")) for m in _AMOUNT.finditer(line)]
            amounts = [a for a in amounts if a is not None]
            if not amounts:
                continue
            label_line = line
            # "Gesamtforderung:" may stand on the line above its amount (letters, tables).
            previous = lines[index - 1] if index else ""
            if _TOTAL_LABELS.search(label_line) or (
                _TOTAL_LABELS.search(previous) and not _AMOUNT.search(previous)
            ):
                totals.append(amounts[-1])
            elif _COMPONENT_LABELS.search(label_line):
                components.extend(amounts)
            elif _CLAIM_CONTEXT.search(label_line):
                in_context.append(amounts[0])
            else:
                anywhere.extend(amounts)
        if totals:
            return totals[-1], 1.0
        if in_context:
            distinct = set(in_context)
            return in_context[0], 0.8 if len(distinct) == 1 else 0.5
        if components and not anywhere:
            # Components without a stated total: the principal alone is not the claim.
            return None, 0.0
        if len(set(anywhere)) == 1:
            return anywhere[0], 0.4
        return None, 0.0

    @staticmethod
    def _client_name(text: str) -> str | None:
        for pattern in _CLIENT_NAME:
            for match in pattern.finditer(text):
                words = match.group("name").split()
                while words and words[-1] in _NAME_STOPWORDS:
                    words.pop()
                if len(words) >= 2 and words[0] not in _NAME_STOPWORDS:
                    return " ".join(words)
        return None

    @staticmethod
    def _creditor_name(body: str, from_name: str | None, from_email: str) -> str | None:
        companies = [m.group("company").strip() for m in _COMPANY.finditer(body)]
        if companies:
            return companies[-1]
        if from_name and from_name.strip():
            return from_name.strip()
        domain = (from_email or "").rpartition("@")[2]
        label = domain.split(".")[-2] if domain.count(".") >= 1 else ""
        return label.capitalize() or None


# "Sobald/wenn/nach … die Forderung beglichen ist" describes the future, not a settlement.
_CONDITIONAL = re.compile(
    r"\b(sobald|wenn|falls|nachdem|nach|bis|bevor|sofern|once|when|if|until|after|unless)\b", re.I
)


def _settled(body: str) -> bool:
    for match in _SETTLED.finditer(body):
        sentence_start = max(body.rfind(".", 0, match.start()), body.rfind("\n", 0, match.start()))
        if not _CONDITIONAL.search(body[sentence_start + 1 : match.start()]):
            return True
    return False


def _first(pattern: re.Pattern, text: str) -> str | None:
    match = pattern.search(text)
    if not match:
        return None
    return match.group("ref").strip().rstrip(".,;:")
