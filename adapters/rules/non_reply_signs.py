"""The signs of mail that is no creditor reply, counted by `non_reply`: marketing, phishing and
fake payment demands, the client's own voice. One pattern is one sign, however often it hits."""

from __future__ import annotations

import re

_I = re.I

_MARKETING = [
    re.compile(p, _I)
    for p in (
        r"newsletter",
        r"abmelden|unsubscribe|abbestellen",
        r"rabatt|sparen\s+sie|sichern\s+sie\s+sich|gratis|kostenlos|bis\s+zu\s+-?\d+([,.]\d+)?\s*%|%\s+auf",
        r"jetzt\s+(zugreifen|anmelden|bestellen|sichern|entdecken|informieren|starten|loslegen)|"
        r"nur\s+(bis|für\s+kurze)",
        r"black\s+(week|friday)|sale\b|deal\b|aktion\b|prämie|gewinnspiel",
        r"in\s+dieser\s+ausgabe|ausgabe\s+\w+\s+\d{4}|seminar|webinar|veranstaltung|summit|konferenz|"
        r"early\s+bird|frühbucher|register\s+now",
        r"ihre\s+vorteile|your\s+benefits|special\s+offer|limited\s+time",
        # English promotions: what a creditor's letter about a debt never says
        r"\bdeals\b|shop\s+(now|all)|\bupgrade\b|earn\s+up\s+to|\bfree\b|\bsave\s+\d|"
        r"\bfor\s+just\b|what'?s\s+new|release\s+notes|read\s+more",
        r"you('re|\s+are)\s+receiving\s+this|you\s+received\s+this\s+(e-?mail|message)|"
        r"you\s+receive\s+this\s+(e-?mail|message)\s+because|"
        r"(are|were)\s+subscribed|manage\s+(your\s+)?preferences|in\s+this\s+issue|"
        r"(sie\s+erhalten|du\s+erhältst)\s+diese\s+(e-?mail|nachricht),?\s+weil|"
        r"marketing-?(mitteilungen|e-?mails)|werbe-?(mitteilungen|e-?mails)",
    )
]
_PHISHING = [
    re.compile(p, _I)
    for p in (
        # a deadline in hours or today: "binnen 24 Std.", "bis heute 16 Uhr", "by tonight"
        r"(innerhalb|binnen)\s+(von\s+)?\d{1,2}\s+(stunden|std\b)|within\s+\d{1,2}\s+(hours|hrs)|"
        r"\d{1,2}\s+hours|\d{1,2}\s+stunden\s+gültig|\bin\s+\d{1,2}\s+stunden\b|(binnen|innerhalb\s+von)\s+[1-3]\s+tagen|bis\s+(spätestens\s+)?(heute|morgen)\s+(um\s+)?\d{1,2}([:.]\d\d)?\s*uhr|"
        r"by\s+(today|tonight|end\s+of\s+(the\s+)?day)",
        r"bitcoin|wallet|gift\s?cards?|geschenkkarten?|gutscheinkarten?|guthabenkarten?|google[- ]play|"
        r"itunes|paysafe|western\s+union|crypto",
        r"(update|verify|confirm)\s+your\s+(payment|account|details)|zahlungsdaten\s+(\w+\s+)?aktualisieren|"
        r"(hier|here)\s+(herunterladen|download|klicken|click)|login\?|\.zip\b|\.exe\b|"
        r"https?://\S*(login|verifi|signin|anmeld)",
        r"gegen\s+sie\s+wurde|pfändung\s+ihres|ihres\s+gehalts|your\s+organisation\s+has|"
        r"ohne\s+weitere\s+ankündigung|final\s+notice|letzte\s+warnung|"
        r"your\s+(scheduled\s+)?payment\s+(of\s+\S+\s+)?(failed|could\s+not)",
        r"sehr\s+geehrte/?r\s+empfänger|sehr\s+geehrte/r\s+\w+/(r|in|innen)\b|dear\s+customer|"
        r"sehr\s+geehrter\s+([\w-]+-)?kunde(?!,\s+sehr)|sehr\s+geehrte\s+([\w-]+-)?kundin\b",
        r"vollstreckungsankündigung|mahnbescheid|negative[rn]?\s+(credit|schufa)|schufa-?eintrag|"
        r"(meldung|eintrag|übermittlung)\s+(an|bei|in)\s+(die\s+)?schufa",
        r"(andernfalls|ansonsten|otherwise|failing\s+which|bei\s+nichtzahlung)\s+[^.\n]{0,60}(gericht|pfändung|sperr|"
        r"polizei|legal\s+action|court|police|suspend|inkasso)",
        # a pay-now link, login details asked for, a threat to cut the line or the account
        r"(jetzt|sofort)\s+(bezahlen|zahlen)|pay\s+now|https?://\S*(pay|bezahl|zahl|checkout)|"
        r"zur\s+vermeidung\s+(der|einer|von)\s+(zwangs)?(vollstreckung|pfändung|sperr)|sofortüberweisung|"
        r"login\s+credentials|zugangsdaten|passwor[dt]|without\s+(any\s+)?(further\s+)?notice|"
        r"sperrung\s+ihres|account\s+(limitation|suspension)|to\s+avoid\s+legal|"
        r"ihr\s+(anschluss|konto|zugang)\s+wird\s+[^.\n]{0,30}\bgesperrt|kontosperrung|"
        r"(bestätigen|verifizieren)\s+sie\s+[^.\n]{0,30}\bidentität|verify\s+your\s+identity",
        # an arrest warrant, a payment proof to upload, a document open for hours with bank logins
        r"haftbefehl|\b(hochladen|upload)\b|nur\s+\d{1,2}\s+stunden\s+abrufbar|online-?banking-?zugangsdaten|"
        r"\b(dokumenten|rechnungs)portal|bankverbindung\b[^.\n]{0,40}\bim\s+anhang",
        # a German creditor's account held by a foreign company
        r"(empfänger|kontoinhaber|recipient|beneficiary|account\s+name)\s*:[^\n]{0,60}"
        r"\b(ltd|limited|llc|inc|s\.r\.o|b\.v)\b",
    )
]
_CLIENT = [
    re.compile(p, _I)
    for p in (
        r"\bich\b[^.\n]{0,80}\b(schulde|bezahlt|eingezahlt|überwiesen|gezahlt|zahle)\b",
        r"\b(die|der|er|sie)\s+(wollen|will|schreiben|schreibt|sagen|sagt|hat)\s+(jetzt|mir|noch|gestern)\b|"
        r"\bthey('re|\s+are)?\s+(keep\s+)?(saying|say|said|want|calling|asking|telling)\b",
        r"\bmein(e|en|em|er)?\s+(vermieter|handy|vertrag|mutter|vater|arbeitgeber|chef|frau|mann|konto)\b",
        r"\b(leite|schicke|sende)\s+(ich\s+)?ihnen\b|\b(ab\s+sofort|neue[rn]?\s+(telefon|handy)?nummer)\b[^.\n]{0,50}\bzu\s+erreichen\b|\bi\s+(just\s+)?(got|received)\s+(this|a\s+letter)\b",
        r"\bich\s+(dachte|wollte|hab|habe\s+(gestern|heute|jetzt))\b|\bpasst\s+das\b|\bbescheid\s+(geben|sagen)\b|"
        r"\b(zum|den|unseren|meinen)\s+termin\b[^.\n]{0,40}\b(kommen|verschieben|absagen)|\bbringe\s+ich\b[^.\n]{0,40}\bmit\b",
        r"\b(können|könnten)\s+sie\s+(sich\s+)?(ihn|sie|die|das|bitte|darum|drum)\b|"
        r"\b(mahnung|brief|schreiben|rechnung)\b[^.\n]{0,40}\b(heute|gestern)\s+(gekommen|angekommen)|"
        r"(^|\n)\s*hab\s+(die|den|das)\b|\bwie\s+ist\s+(denn\s+)?der\s+stand\b|"
        r"\bwas\s+(die|der|das)\s+[\w-]+\s+mir\s+(geschickt|geschrieben)|\bist\s+das\s+(so\s+)?richtig\b|"
        r"\b(rufen|ruft)\s+(bei\s+)?mir\s+([\wäöü]+\s+)?an\b|\bhat\s+mir\s+(auch\s+|schon\s+|noch\s+)?(geschrieben|geschickt)\b|"
        r"\bbrauchen\s+sie\s+noch\s+(was|etwas)\b|\bhat\s+sich\s+nicht\s+mehr\s+gemeldet\b|\bhat\s+sich\s+[\w-]+\s+(schon\s+)?bei\s+ihnen\s+gemeldet|"
        r"\b(can|could)\s+you\s+(please\s+)?(handle|help|take\s+care|deal\s+with)\b",
        r"\b(soll|muss|kann|darf)\s+ich\b|\bich\s+(soll|muss)\s+(jetzt|das|die|den|noch|bis)\b",
        r"\bmy\s+(landlord|phone|contract|bank)\b|\bi\s+(paid|owe|thought)\b|"
        r"\bi\s+(can'?t|cannot|have\s+to|need\s+to)\s+pay\b|\bi'?m\s+(really\s+)?(stressed|worried)\b|"
        r"\bi\s+still\s+owe\b|\bshould\s+i\b|\bdo\s+i\s+(have|need)\s+to\b|\b(called|phoned|rang|texted)\s+me\b",
    )
]
