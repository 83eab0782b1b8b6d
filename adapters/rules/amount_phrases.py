"""Phrases that say what a figure is not: a rate or an offered payment (never the claim), the
parts after "das sind", a provisional figure, one that already counts a payment."""

from __future__ import annotations

from adapters.rules.folding import Folded

# "tägl. 1,63 EUR", "EUR 0.55 per day", "12,00 € monatlich": a rate, never the claim or a part.
_RATE_BEFORE = Folded(
    r"(\btägl\.|\btäglich|\b(pro|je)\s+tag|\bdaily|\bper\s+(day|diem)|\bmonatlich|\bmtl\.|"
    r"\btageszins\w*(\s+[\w.]+){0,2}|\bdaily\s+interest(\s+\w+){0,2}|"
    # "Für jeden weiteren angefangenen Monat … von 21,50 €", "die nächste Rechnung über 29,95 €"
    r"\b(für|je)\s+(jeden\s+)?(weiteren\s+)?(angefangenen\s+)?(monat|tag)\b[^\d]{0,60}|"
    r"\b(nächste|next)\s+(\w+\s+)?(rechnung|rate|abbuchung|bill|invoice|instal?ment)\b[^\d]{0,20})"
    r"(\s+(um|von|by|of|in\s+höhe\s+von))?\s*$",  # "erhöht sich täglich um 2,05"
)
RATE_AFTER = Folded(
    r"\s*\)?\s*((pro|je)\s+(angefangene[nm]?\s+|weitere[nm]?\s+)?(kalender)?(tag|monat|jahr)|/\s*(tag|monat|day|month)|täglich|tägl\.|"
    r"monatlich|mtl\.|im\s+monat|"
    r"per\s+(day|diem|month|annum)|a\s+(day|month)|daily|monthly|p\.\s?a\.)(?!\w)",
)
# "den Eingang einer Zahlung Ihrer Mandantin Frau Demir über 200,00 €": a payment made.
PAYMENT_OVER = Folded(
    r"\b(eingang\s+(von|einer|der|ihrer|seiner)\s+(teil|rest|raten)?zahlung(en)?|zahlungseingang|"
    r"teilzahlung|überweisung|gutschrift)\b[^.\d]{0,80}"
    r"\b(über|von|in\s+höhe\s+von)(\s+insgesamt)?\s*$",
)
# An unlabelled figure in a condition or a readiness is what would be paid, not what is owed:
# "Wenn sie bis Weihnachten 700 Euro zahlt, …", "Ich wäre bereit, mich mit 600 Euro …".
HYPOTHETICAL = Folded(r"\b(wenn|falls|sofern|if|bereit|willing|prepared)\b")
# "gegen eine Einmalzahlung von 600,00 €", "on receipt of £2,000": a payment offered, not made.
_OFFERED_PAYMENT = Folded(
    r"(gegen\s+(eine\s+)?(\w+\s+)?zahlung|einmal(zahlung|betrag)|einmalige[rn]?\s+zahlung|"
    r"on\s+receipt\s+of|upon\s+(receipt|payment)\s+of|in\s+exchange\s+for|"
    r"(prepared|willing|ready|agree)\s+to\s+accept|one[- ]off\s+payment|"
    r"bereit\b[^\d.]{0,40}\b(zu\s+)?(akzeptieren|anzunehmen))[^\d]{0,30}$|"
    # "ist … bereit, sich mit einem Betrag von 2.500,00 € zu begnügen"
    r"(?<!nicht\s)\bbereit\b[^\d.]{0,90}$|"
    # "60 % der Gesamtforderung, mithin 5.786,82 EUR": a share of a figure, not the figure
    r"\d\s*(%|prozent|per\s*cent)\s+(der|des|von|of)\b[^\d]{0,60}$",
)
# "…, das sind drei Mieten und die restliche Nachzahlung von 250 €": the parts of the total
# before it in the same sentence.
PARTS_MARKER = Folded(
    r"\b(das\s+sind|dies\s+sind|das\s+ist\s+(die|der)|bestehend\s+aus|zusammengesetzt\s+aus|und\s+zwar|that\s+is|"
    r"consisting\s+of|made\s+up\s+of)\b",
)
# "Das sind …" opening the sentence after a total: its parts follow.
PARTS_OPENING = Folded(r"^\W*(das|dies|these|that)\s+(sind|is|are)\b")
STILL_OPEN = Folded(r"\b(noch|still|offen|open|outstanding|nach\s+(abzug|ihrer))\b")


# "Der Betrag ist vorläufig", "subject to change": a figure nobody can book yet.
PROVISIONAL = Folded(
    r"(vorläufig|(kann|könnte|können)\s+sich\s+(\w+\s+){0,3}(ver)?ändern|"
    r"sich\s+(\w+\s+){0,3}(ver)?ändern\s+(kann|könnte|können)|noch\s+(ge)?prüft|in\s+prüfung|"
    r"nicht\s+(endgültig|abschließend)|(noch\s+)?in\s+der\s+prüfung|erst\s+nach\s+(abschluss|klärung|prüfung)|"
    r"prüfung\s+(ist\s+)?noch\s+nicht\s+abgeschlossen|once\s+(our|the)\s+review|subject\s+to\s+change|provisional|preliminary|"
    r"may\s+(still\s+)?change|not\s+(yet\s+)?final|under\s+review|"
    # "einen verbindlichen Endbetrag können wir erst … nennen", "no final figure yet"
    r"kein(e|en)?\s+(verbindlichen?|endgültigen?|abschließenden?)\s+\w*(betrag|summe|höhe|stand)|recalculat\w*|"
    r"neu\s+(be|er)rechne[nt]|kl(ä|ae)ren\s+(die|diese|den)\s+(differenz|unterschied)|kl(ä|ae)ren\s+(dies|das)\s+(intern|derzeit|noch)|in\s+klärung|"
    r"(differenz|difference)\s+(wird|is\s+being)\s+(derzeit\s+|noch\s+)?(geklärt|clarified)|"
    r"erst\s+(danach|dann|später|nach\s+\w+)\s+(\w+\s+)?(nennen|mitteilen|beziffern|bestätigen)|"
    r"(no|cannot\s+(yet\s+)?(confirm|give|provide)\s+(a|the))\s+(binding|final)\s+(amount|figure|balance)|"
    # "Wir melden uns … mit dem endgültigen Betrag", "ob die Gutschrift bereits berücksichtigt ist"
    r"(melden|informieren|teilen)\b[^.]{0,40}\bendgültigen?\s+(betrag|stand|saldo|forderung)|"
    r"\bob\s+[^.]{0,60}\bbereits\s+berücksichtigt|"
    # a figure in the conditional or unbooked: "der Saldo dürfte also bei … liegen"
    r"\b(dürfte|müsste|vermutlich|wahrscheinlich|probably|presumably)\b|bestätigung\s+ab\b|"
    r"noch\s+nicht\s+(gebucht|verbucht)|not\s+yet\s+(been\s+)?(booked|posted)|"
    # the current figure is still to come, or is to be asked for elsewhere
    r"(gesamtaufstellung|gesamtforderungsaufstellung)\b[^.]{0,80}\b(übersenden|zusenden|nachreichen|zukommen)|"
    r"(aktuelle|genaue|tagesaktuelle|aktualisierte)[rns]?\s+(forderungshöhe|forderungsaufstellung|"
    r"forderung|stand|betrag|saldo|höhe|kontostand|rückstand)\b(?:[^.]|\.(?=\S)){0,120}\b(mitgeteilt|mitteilen|teilen\s+wir|"
    r"nachreichen|nachgereicht|reiche\s+ich\s+nach|reichen\s+wir\s+nach|folgt|erfragen|zukommen)|"
    r"wenden\s+sie\s+sich\s+[^.]{0,40}(aktuellen|genauen)\s+(forderungshöhe|forderung|betrag|stand|saldo)|"
    r"(current|exact|up[- ]to[- ]date|updated)\s+(balance|amount|figure|statement)\b[^.]{0,60}\b"
    r"(will\s+(follow|be\s+(sent|provided|confirmed|given))|to\s+follow|separately))",
)
# "an ein Inkassounternehmen abgegeben", "sold to a debt collection agency", "we no longer hold
# this account": the creditor no longer holds the claim, its figure is the one at the hand-over.
PASSED_ON = Folded(
    r"((abgetreten|verkauft)\s+an|an\s+(ein|eine|einen|die|das|den|unser\w*)\s+"
    r"(externe[ns]?\s+)?(inkasso\w*|rechtsanw\w+|anwalt\w*|partner\w*|dienstleister\w*)\s+"
    r"(abgegeben|übergeben|abgetreten|verkauft|weitergeleitet)|nicht\s+mehr\s+(inhaber|zuständig|gläubiger)|"
    r"(assigned|sold|transferred|passed\s+on)\s+to\s+(our\s+external|(an?\s+)?(external|third|debt\s+"
    r"(collection|purchas)|collection\s+agency))|"
    r"no\s+longer\s+(hold|holds|own|owns|manage|manages|responsible))",
)
# "Ihre Zahlung ist berücksichtigt", "after deduction of": a figure that already counts a payment.
ACCOUNTED = Folded(
    r"(berücksichtigt|bereits\s+(abgezogen|verrechnet|abgesetzt)|nach\s+(abzug|verrechnung|"
    r"eingang|berücksichtigung)|abzüglich|taken\s+into\s+account|leaving\s+(the|a)\s+balance|after\s+(deduct|your\s+payment|"
    r"the\s+payment|receipt)|already\s+(been\s+)?deducted|less\s+(your|the)\s+payment|net\s+of|"
    r"(been\s+)?reduced\s+by|(reduziert|vermindert|verringert)\s+(sich\s+)?um)",
)


# "… 1.412,06 € aus Ihrem Schreiben ist nicht mehr aktuell", "quoted in your letter no longer
# applies": the words after the amount call it superseded.
_OLD_AFTER = Folded(
    r"^[^\d;]{0,60}?(nicht\s+mehr\s+(aktuell|gültig|zutreffend|korrekt|richtig)|gilt\s+nicht\s+mehr|"
    r"stimm(t|en)\s+nicht\s+mehr|quoted\s+in\s+your\s+(letter|enquiry|request)|dates\s+from\s+our|"
    r"überholt|hinfällig|veraltet|no\s+longer\s+(applies|valid|correct|current|accurate)|"
    r"(is|are)\s+(out\s*of\s*date|outdated|superseded)|does\s+not\s+apply\s+any\s*more|"
    r"entspricht\s+dem\s+(\w+\s+)?stand\s+(unserer|unseres|der|des|vom)|"
    r"(reflects|was)\s+the\s+(\w+\s+)?(balance|amount|position)\s+(as\s+)?(of|at)\s+(our|the)|"
    r"entspr(icht|echen)\s+nicht\s+(mehr\s+)?dem\s+(aktuellen|heutigen)|when\s+the\s+account\s+was\s+passed)",
)


# A line that ends in the middle of a sentence, waiting for its amount on the next line.
_OPEN_LABEL = Folded(
    r"(:|\bbeträgt|\bbelaufen|\bbeläuft\s+sich\s+auf|\b(beläuft|belaufen)\s+sich\s+([^\d\n.]{0,50}\s)?auf|\blautet|\bin\s+höhe\s+von|\bis|\bvon|"
    r"\bamounts\s+to|\bstands\s+at|\bbeträgt\s+(unsere|die|ihre|der)\s+(\w+\s+)?(\w*forderung|\w*rückstand|\w*saldo)"
    r"([^\n.€]{0,40}?)?)"
    r"(\s+(somit|also|damit|daher|nunmehr|noch|jetzt|aktuell|derzeit|heute|insgesamt|now|therefore)){0,2}"
    r"(\s+(per|zum|am|stand|as\s+(of|at))\s+\d{1,2}\.\d{1,2}\.\d{2,4})?\s*$",  # "… per 20.11.2026"
)
# "Forderung … auf 9.644,70 € beläuft": the verb after the amount makes it the total.
_TOTAL_AFTER = Folded(r"^[^\d,;]{0,25}?\b(beläuft|beträgt|insgesamt|total)\b")
# "Säumniszuschläge werden gesondert festgesetzt", "Hinzu kommen Säumniszuschläge, die derzeit
# neu berechnet werden", "fees will be charged separately": part of the claim has no figure yet.
PENDING_CHARGES = Folded(
    r"(säumniszuschläge|zuschläge|zinsen|kosten|gebühren|auslagen|vergütung|fees|charges|interest)"
    r"(\s+gemäß\s+\w+)?\s*[,(]?\s*(die\s+|which\s+)?"
    r"([^.\d]{0,40}\s)?((werden|wird|will\s+be|are\s+being|is\s+being)\s+(noch\s+|derzeit\s+|still\s+|monatlich\s+|laufend\s+)?"
    r"(gesondert|separat|später|neu|separately|later)\s*(festgesetzt|berechnet|erhoben|mitgeteilt|"
    r"charged|calculated|added|set)?|(noch\s+|derzeit\s+)?(gesondert|separat|später|neu)\s+"
    r"(festgesetzt|berechnet|erhoben|mitgeteilt)\s+(werden|wird))|"
    # "… unserer Gebühren, die wir nach Abschluss gesondert abrechnen": active voice
    r"(kosten|gebühren|zinsen|fees|charges|costs|interest)\b[^.\d]{0,80}\b(gesondert|separat|"
    r"nachträglich|separately)\s+(abgerechnet|abrechnen|berechnen|festsetzen|beziffert|beziffern|"
    r"mitteilen|mitgeteilt|nennen|bekannt\s+geben|aufstellen|aufgestellt|aufschlüsseln|ausweisen|"
    r"geltend\s+(gemacht|machen)|in\s+rechnung\s+(gestellt|stellen)|invoiced|billed|invoice|bill)|"
    # "weiterer Inkassokosten, deren Höhe wir nach Abschluss der Prüfung mitteilen"
    r"(kosten|gebühren|zinsen|auslagen)\b,?\s+deren\s+höhe\s+[^.]{0,60}\b(mitteilen|mitgeteilt|nennen|"
    r"beziffern|feststeht|festgesetzt)|"
    # "Interest and charges will be confirmed separately"
    r"(interest|charges|fees|costs)\b[^.\d]{0,60}\b(will\s+be|are\s+to\s+be)\s+(confirmed|advised|"
    r"notified|calculated|charged|added|invoiced|provided)\s+(separately|later|in\s+due\s+course)|"
    # "Eine Aufstellung der Zinsen … folgt gesondert", "interest … will follow separately"
    r"(kosten|gebühren|zinsen|fees|charges|costs|interest)\b[^.\d]{0,80}\b(folgt|folgen|kommt|"
    r"will\s+follow)\s+(noch\s+)?(gesondert|separat|später|nachträglich|separately|later)",
)
