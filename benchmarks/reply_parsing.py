"""Our cleaner beside the peer reply-parsing libraries on the same inputs (tests/fixtures/reply_parsing).

Per language (German, English, other) two rates: reply kept, and every quoted line (headers
included) removed — the checks of tests/fixtures/reply_parsing/scoring.py. Peers come from the
`bench` extra; one that is not installed (or fails to import) is reported as such.

Run: .venv/bin/python -m benchmarks.reply_parsing [--misses]
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from bs4 import BeautifulSoup

from adapters.parsing.cleaner import EmailCleaner
from tests.fixtures.reply_parsing.scoring import (
    input_text,
    leftover_quotes,
    load_cases,
    reply_kept,
)

LANGUAGES = ("de", "en", "other")
Parser = Callable[[dict], str]


def _html_text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text("\n")


def ours() -> Parser:
    cleaner = EmailCleaner()

    def parse(case: dict) -> str:
        if case["format"] == "html":
            return cleaner.clean(case["input"], "")
        return cleaner.clean("", case["input"])

    return parse


def email_reply_parser() -> Parser:
    from email_reply_parser import EmailReplyParser

    # Text only: HTML inputs get their text (BeautifulSoup), as a caller would have to.
    return lambda case: EmailReplyParser.parse_reply(input_text(case))


def mail_parser_reply() -> Parser:
    from mailparser_reply import EmailReplyParser
    from mailparser_reply.constants import MAIL_LANGUAGES

    parser = EmailReplyParser(languages=[lang for lang in MAIL_LANGUAGES if lang != "david"])
    return lambda case: parser.parse_reply(text=input_text(case))


def quotequail() -> Parser:
    import quotequail as qq

    def parse(case: dict) -> str:
        if case["format"] == "html":
            parts = qq.quote_html(case["input"], quote_intro_line=True)
            return "\n".join(_html_text(part) for is_reply, part in parts if is_reply)
        parts = qq.quote(case["input"], quote_intro_line=True)
        return "".join(part for is_reply, part in parts if is_reply)

    return parse


def talon() -> Parser:
    from talon import quotations
    from talon.signature.bruteforce import extract_signature

    def parse(case: dict) -> str:
        if case["format"] == "html":
            return extract_signature(_html_text(quotations.extract_from_html(case["input"])))[0]
        return extract_signature(quotations.extract_from_plain(case["input"]))[0]

    return parse


PEERS: dict[str, Callable[[], Parser]] = {
    "creditor-inbox cleaner": ours,
    "email-reply-parser": email_reply_parser,
    "mail-parser-reply": mail_parser_reply,
    "quotequail": quotequail,
    "talon": talon,
}


def score(parser: Parser, cases: list[dict]) -> tuple[dict, list[str]]:
    totals = {lang: [0, 0, 0] for lang in (*LANGUAGES, "all")}
    misses = []
    for case in cases:
        try:
            output = parser(case)
        except Exception as error:  # noqa: BLE001 - a peer that crashes on a case misses it
            output, failure = "", f"raised {type(error).__name__}"
        else:
            failure = ""
        kept = reply_kept(case, output) and not failure
        leftovers = leftover_quotes(case, output)
        removed = not leftovers and not failure
        for lang in (case["language"], "all"):
            totals[lang][0] += 1
            totals[lang][1] += kept
            totals[lang][2] += removed
        if not (kept and removed):
            detail = failure or ("reply lost" if not kept else f"left: {leftovers[0][:60]!r}")
            misses.append(f"{case['source']} :: {case['id']}: {detail}")
    return totals, misses


def _rate(part: int, whole: int) -> str:
    return f"{part / whole:.1%} ({part}/{whole})" if whole else "-"


def main(argv: list[str]) -> int:
    cases = load_cases()
    counts = {lang: sum(1 for c in cases if c["language"] == lang) for lang in LANGUAGES}
    print(f"{len(cases)} cases: " + ", ".join(f"{lang} {n}" for lang, n in counts.items()))
    header = "| parser | " + " | ".join(
        f"{lang} kept | {lang} removed" for lang in (*LANGUAGES, "all")
    )
    print(header + " |")
    print("|---" * (1 + 2 * (len(LANGUAGES) + 1)) + "|")
    our_misses: list[str] = []
    for name, make in PEERS.items():
        try:
            parser = make()
        except Exception as error:  # noqa: BLE001 - report, do not crash the benchmark
            print(
                f"| {name} | not installed or failed to import: {type(error).__name__}: {error} |"
            )
            continue
        totals, misses = score(parser, cases)
        if make is ours:
            our_misses = misses
        cells = []
        for lang in (*LANGUAGES, "all"):
            n, kept, removed = totals[lang]
            cells += [_rate(kept, n), _rate(removed, n)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if "--misses" in argv:
        print("\nCases our cleaner misses:")
        print("\n".join(our_misses) or "none")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
