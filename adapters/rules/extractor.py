"""RulesExtractor: an offline extractor for German (and plain English) creditor replies.

What it reads (see adapters/rules/amounts.py, parties.py, non_reply.py for the rules): every
amount notation and what each amount is (total, remainder, payment, older figure, offer,
component), the current claim or a named conflict, components; settlements (0.00); the
practice's reference (Ihr Zeichen / Ihr Az. / Az. in the subject) and the creditor's (Unser
Zeichen, Kundennummer, Vertragskonto, Kassenzeichen …); the client's name in any role and the
birth date; why a mail is not a creditor reply. Every field carries its span in the body.
"""

from __future__ import annotations

import re

from adapters.rules.amounts import parse_amount, read_claim
from adapters.rules.birth_dates import birth_date, date_beside_name
from adapters.rules.folding import Folded
from adapters.rules.non_reply import non_reply_reason
from adapters.rules.parties import client_name, subject_parts
from adapters.rules.references import reference_tokens
from application.pipeline_ports import Extractor
from domain.extraction import PAYMENT, Extraction, Span
from domain.references import normalize_reference

__all__ = ["RulesExtractor", "parse_amount"]

_SETTLED = Folded(
    r"((ist|sind|wurde|wurden)\s+([^.\n]{0,80}\s)?(ausgeglichen|beglichen|getilgt)\b|"
    r"keine\s+(weiteren\s+|offenen\s+)?(rückstände|forderungen|beträge|posten)\b(\s+(mehr|offen))?|"
    r"vollständig\s+(bezahlt|beglichen|ausgeglichen|erledigt|getilgt)|keine\s+forderung(en)?\s+mehr|"
    r"nothing\s+(further\s+)?(is\s+)?(owed|outstanding|due)|(balance|saldo)\s+(of\s+|von\s+)?"
    r"(eur\s*|€\s*)?0[,.]00|fully\s+(paid|settled)|zero\s+balance|forderung\s+(ist\s+|wurde\s+)?(vollständig\s+)?(ausgeglichen|beglichen|erledigt|bezahlt)|"
    r"keine\s+offenen?\s+forderung|keine\s+(weiteren\s+)?ansprüche|"
    r"besteh(t|en)\s+(derzeit\s+|aktuell\s+|zurzeit\s+)?kein(e|en)?\s+(rückstand|rückstände|forderung)|"
    r"kein(en|e)?\s+offenen?\s+(betrag|saldo|rückstand|posten)|"
    r"kein(en|e)?\s+(betrag|saldo|rückstand)\s+mehr\s+(offen|aus)|"
    r"(bereits|vollständig)\s+(vollständig\s+)?(bezahlt|beglichen|ausgeglichen)|"
    r"saldo\s+(von\s+|beträgt\s+)?0,00|konto\s+ist\s+ausgeglichen|"
    r"(angelegenheit|sache|vorgang|akte|forderung)\s+(ist\s+)?(für\s+uns\s+)?(damit\s+)?(erledigt|"
    r"abgeschlossen)|\berloschen\b|ausgleich\s+der\s+forderung|vollständig\s+gezahlt|"
    r"(komplett|ganz|restlos)\s+(bezahlt|beglichen|ausgeglichen|gezahlt)|"
    r"(ist|sind)\s+(da\s+|hier\s+|also\s+|damit\s+|somit\s+){0,2}nichts\s+mehr\s+(offen|zu\s+zahlen)|"
    r"paid\s+in\s+full|no\s+(outstanding|open)\s+(balance|amount|claim)|account\s+is\s+settled|"
    r"has\s+been\s+(fully\s+)?settled|in\s+voller\s+höhe\s+(ausgeglichen|beglichen|bezahlt|getilgt)|"
    r"(ausgeglichen|beglichen|getilgt)\s+wurde\b)",
)

# A reference holds a digit within its first characters ("Kontoinhaber" is no reference).
# (Written in lower case, which re.I reads as either case: the patterns are folded.)
_REF_TOKEN = r"(?P<ref>(?=[a-z0-9\-/. ]{0,12}\d)[a-z0-9](?:[a-z0-9]|//?(?=[a-z0-9])|[\-.](?=[a-z0-9])|\s(?=\d)){2,30})"
_CLIENT_REF = Folded(
    rf"(?:\bihr(?:e|em)?\s+(?:zeichen|az\.?|aktenzeichen|referenz|schreiben\s+vom\s+[\d.]+\s*,?\s*az\.?)|"
    rf"\byour\s+ref(?:erence)?\.?|mandantenreferenz)\s*[:.]?\s*{_REF_TOKEN}",
)
_CREDITOR_REF = Folded(
    rf"(?:\bunser(?:e|em)?\s+(?:zeichen|az\.?|aktenzeichen|referenz|geschäftszeichen)|\bour\s+ref(?:erence)?\.?|"
    rf"kunden-?\s?(?:nummer|nr\.?|konto)|vertrags-?\s?(?:nummer|nr\.?|konto)|rechnungs-?\s?(?:nummer|nr\.?)|"
    rf"mitglieds-?\s?(?:nummer|nr\.?)|mieter-?\s?(?:nummer|nr\.?)|forderungs-?\s?(?:nummer|nr\.?)(?:\s+(?:des\s+)?gläubigers?)?|account\s+(?:number|no\.?)|"
    rf"customer\s+(?:number|no\.?)|invoice\s+(?:number|no\.?)|contract\s+(?:number|no\.?)|"
    rf"account\s+ref(?:erence)?|kassenzeichen|versicherungs-?\s?(?:nummer|nr\.?)|"
    rf"beitrags-?\s?(?:nummer|nr\.?|konto)|kunden-?\s?konto|(?:giro|kontokorrent|darlehens|kredit)kontos?|"
    rf"konto-?\s?(?:nummer|nr\.?))\s*[:.]?\s*{_REF_TOKEN}",
)
_BARE_AZ = Folded(rf"(?:\baz\b\.?|aktenzeichen|\bref\b\.?)\s*[:.]?\s*{_REF_TOKEN}")
_LABELLED = (_CLIENT_REF, _CREDITOR_REF)

_COMPANY = re.compile(
    r"^\s*(?P<company>[A-ZÄÖÜ0-9][\w&.,'\- äöüÄÖÜß]{1,80}?\s(?:GmbH(?:\s&\sCo\.\sKG)?|AG|KG|KGaA|SE|mbH|"
    r"e\.\s?V\.|Ltd\.?|Inc\.?|LLC|plc)|[\wäöüÄÖÜß&.\- ]*(?:Inkasso|Bank|Sparkasse|Versicherung|Stadtwerke)"
    r"[\wäöüÄÖÜß&.\- ]*)\s*$",
    re.M,
)


class RulesExtractor(Extractor):
    name = "rules"
    costly = False  # local and ~1 ms: no checkpoint of its own (application/process_email.py)

    def extract(
        self, cleaned_body: str, subject: str, from_email: str, from_name: str | None
    ) -> Extraction:
        subject = subject or ""
        body = cleaned_body or ""
        reason = non_reply_reason(subject, body, from_email, from_name)
        if reason is not None:
            kind, start, end = reason
            evidence = {"non_reply_reason": Span(start, end, body[start:end])} if end else {}
            return Extraction(
                is_creditor_reply=False,
                confidence=0.9,
                extractor=self.name,
                non_reply_reason=kind,
                evidence=evidence,
            )

        evidence: dict[str, Span] = {}
        reading = read_claim(body, _settled(body))
        if reading.span is not None:
            start, end = reading.span
            evidence["claim_amount"] = Span(start, end, body[start:end])
        for name, (start, end) in reading.component_spans.items():
            evidence[f"components.{name}"] = Span(start, end, body[start:end])
        if reading.payment_span is not None and reading.amount:
            start, end = reading.payment_span  # the safety rule weighs it against the file
            evidence[PAYMENT] = Span(start, end, body[start:end])

        client_ref = (
            _found(_CLIENT_REF, body, evidence, "client_reference")
            or _found(_CLIENT_REF, subject, evidence, "client_reference", "subject")
            or _found(_BARE_AZ, subject, evidence, "client_reference", "subject")
        )
        creditor_ref = _found(_CREDITOR_REF, body, evidence, "creditor_reference") or _found(
            _CREDITOR_REF, subject, evidence, "creditor_reference", "subject"
        )
        if client_ref is None:
            bare = _found(_BARE_AZ, body, {}, "client_reference")
            if bare and bare != creditor_ref:
                client_ref = _found(_BARE_AZ, body, evidence, "client_reference")
        subject_name, subject_references = subject_parts(subject)
        name = (
            _located(client_name(body), evidence, "client_name", body)
            or _located(client_name(subject), evidence, "client_name", subject, "subject")
            or _located(subject_name, evidence, "client_name", subject, "subject")
        )
        labelled = {normalize_reference(client_ref), normalize_reference(creditor_ref)}
        # Every further reference the letter gives counts too: one that belongs to another
        # client or creditor contradicts the candidate ("Kundennummer … sowie Ihre Mandantin …").
        further = [
            m.group("ref").strip().rstrip(".,;:") for p in _LABELLED for m in p.finditer(body)
        ]
        further += reference_tokens(body)
        unlabelled = tuple(
            dict.fromkeys(
                ref
                for ref in [*subject_references, *further]
                if normalize_reference(ref) not in labelled
            )
        )
        named = evidence.get("client_name")
        beside = named.end if named is not None and named.source == "body" else None
        born = (
            _located(birth_date(body), evidence, "client_birth_date", body)
            or _located(birth_date(subject), evidence, "client_birth_date", subject, "subject")
            or _located(date_beside_name(body, beside), evidence, "client_birth_date", body)
        )
        creditor_name = self._creditor_name(body, from_name, from_email, evidence)

        confidence = 0.3 + 0.35 * reading.quality
        confidence += 0.15 if (client_ref or creditor_ref) else 0.0
        confidence += 0.1 if name else 0.0
        confidence += 0.1 if creditor_name else 0.0
        return Extraction(
            is_creditor_reply=True,
            client_name=name,
            client_reference=client_ref,
            creditor_name=creditor_name,
            creditor_reference=creditor_ref,
            claim_amount=reading.amount,
            currency=reading.currency if reading.amount is not None else None,
            confidence=round(min(confidence, 1.0), 2),
            extractor=self.name,
            components=reading.components,
            client_birth_date=born,
            evidence=evidence,
            amount_conflicts=tuple(reading.conflicts),
            unlabelled_references=unlabelled,
        )

    @staticmethod
    def _creditor_name(
        body: str, from_name: str | None, from_email: str, evidence: dict[str, Span]
    ) -> str | None:
        companies = list(_COMPANY.finditer(body))
        if companies:
            match = companies[-1]
            name = match.group("company").strip()
            start = match.start("company") + match.group("company").find(name)
            evidence["creditor_name"] = Span(start, start + len(name), name)
            return name
        if from_name and from_name.strip():
            evidence["creditor_name"] = Span(0, len(from_name.strip()), from_name.strip(), "sender")
            return from_name.strip()
        domain = (from_email or "").rpartition("@")[2]
        label = domain.split(".")[-2] if domain.count(".") >= 1 else ""
        return label.capitalize() or None


# "Sobald/wenn/nach … die Forderung beglichen ist" describes the future, not a settlement.
_CONDITIONAL = Folded(
    r"\b(sobald|wenn|falls|nachdem|nach|bis|bevor|sofern|once|when|if|until|after|unless|"
    r"(bei|mit)\s+(\w+\s+)?(zahlung|eingang|überweisung)|upon|gilt|gelten|would|würde|wäre|"
    r"bereit|prepared|willing|gegen\s+(eine\s+)?(\w+\s+)?zahlung|on\s+receipt)\b",
)
# "… als vollständig erledigt zu betrachten, sofern …", "… settled, provided …": an offer.
_OFFERED_AFTER = Folded(
    r"^[^.!?\n]{0,60}?\b(zu\s+betrachten|anzusehen|zu\s+erklären|sofern|vorausgesetzt|"
    r"unter\s+der\s+(voraussetzung|bedingung)|provided|on\s+condition|subject\s+to)\b",
)
# "Wir bitten um Ausgleich der Forderung", "we ask you to settle": a request, not a settlement.
_REQUESTED = Folded(
    r"\b(bitten|ersuchen|fordern)\s+(sie\s+)?(um|zum|zur)\b|\b(auffordern|aufgefordert)\b|"
    r"\b(ask|request)\s+(you\s+)?(to|for)\b",
)


# "must be paid in full", "muss vollständig beglichen werden": a demand for payment, the
# opposite of a settlement.
_DEMAND_BEFORE = re.compile(
    r"(\b(must|should|shall|will|needs?\s+to|ha(s|ve)\s+to|is\s+to|are\s+to|to)\s+be\s+(\w+\s+)?|"
    r"\b(muss|müssen|musst|soll|sollte|sollen)\b.*)$",
    re.I | re.S,
)
_DEMAND_AFTER = Folded(r"\s*(zu\s+)?werden\b")
# A sentence ends at ". " before a capital ("bis 20.12.2026 ein Betrag" goes on).
_SENTENCE_END = re.compile(r"[.!?:]\s+(?=[A-ZÄÖÜ])")
_NEGATED = Folded(r"\b(nicht|nie|niemals|not|never)\b")


def _settled(body: str) -> tuple[int, int] | None:
    """Span of an unconditional settlement statement (not a demand for payment), or None."""
    for match in _SETTLED.finditer(body):
        breaks = [b.start() for b in _SENTENCE_END.finditer(body, 0, match.start())]
        sentence_start = max([*breaks[-1:], _hard_line_start(body, match.start())])
        if _NEGATED.search(match.group(0)):
            continue  # "ist … nicht beglichen worden" is the opposite of settled
        before = body[sentence_start + 1 : match.start()]
        if _CONDITIONAL.search(before) or _DEMAND_BEFORE.search(before):
            continue
        if _REQUESTED.search(before) or _OFFERED_AFTER.match(body, match.end()):
            continue
        if _DEMAND_AFTER.match(body, match.end()):
            continue  # "… vollständig beglichen werden": a demand
        return match.start(), match.end()
    return None


def _hard_line_start(body: str, position: int) -> int:
    """The newline before `position` that ends a paragraph or a sentence, not a soft wrap
    ("… ein Betrag von 250,00 € auf\ndas Konto … eingeht, betrachten wir …")."""
    newline = body.rfind("\n", 0, position)
    while newline > 0:
        before = body.rfind("\n", 0, newline)
        line = body[before + 1 : newline].rstrip()
        if len(line) < _WRAP_WIDTH or line[-1] in ".!?:;":
            break  # a short line (a label, a heading) or a finished sentence ends here
        newline = before
    return newline


_WRAP_WIDTH = 60  # plain-text mail is hard-wrapped at 72–80 characters


def _found(
    pattern: re.Pattern,
    text: str,
    evidence: dict[str, Span],
    field: str,
    source: str = "body",
) -> str | None:
    match = pattern.search(text)
    if not match:
        return None
    value = match.group("ref").strip().rstrip(".,;:")
    start = match.start("ref") + match.group("ref").find(value)
    evidence.setdefault(field, Span(start, start + len(value), value, source))
    return value


def _located(
    found: tuple[str, int, int] | None,
    evidence: dict[str, Span],
    field: str,
    text: str,
    source: str = "body",
) -> str | None:
    if found is None:
        return None
    value, start, end = found
    evidence[field] = Span(start, end, text[start:end], source)
    return value
