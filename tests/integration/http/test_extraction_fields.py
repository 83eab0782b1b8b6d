"""SPEC §7's added fields on GET /api/v1/jobs/<id>: evidence spans, components, birth date,
non-reply reason, match evidence and conflicts — stored on the job and documented."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from adapters.rules.extractor import RulesExtractor
from domain.extraction import Match, MatchCandidate
from tests.integration.http.test_jobs_api import receive

BODY = (
    "Sehr geehrte Damen und Herren,\n\nfür Ihre Mandantin Frau Jana Hoffmann, geb. 01.02.1980,"
    " (Ihr Zeichen 2024/1187) beziffern wir die Forderung:\n"
    "Hauptforderung 700,00 EUR\nZinsen 12,40 EUR\nKosten 100,00 EUR\nGesamtforderung 812,40 EUR"
)


def test_detail_returns_evidence_spans_components_and_match_conflicts(client, uow_factory):
    [job_id] = receive(client, 1)
    extraction = RulesExtractor().extract(BODY, "", "fm@telekom.example", "Telekom")
    match = Match(
        0.9,
        candidates=(MatchCandidate("M-1", "C-1", 0.9),),
        evidence=("client_reference", "sender"),
        conflicts=("birth date 1980-02-01 in the email differs from the client's 1981-02-01",),
    )
    with uow_factory() as uow:
        job = uow.jobs.get(job_id)
        job.start(client.clock.now(), timedelta(seconds=60))
        job.record_extraction(extraction, client.clock.now())
        job.record_match(match, client.clock.now())
        uow.commit()

    body = client.get(f"/api/v1/jobs/{job_id}").json
    got = body["extraction"]
    assert got["claim_amount"] == "812.40"
    assert got["components"] == {"principal": "700.00", "interest": "12.40", "costs": "100.00"}
    assert got["client_birth_date"] == "1980-02-01"
    assert got["non_reply_reason"] is None
    for field in ("claim_amount", "client_name", "client_reference", "client_birth_date"):
        span = got["evidence"][field]
        assert BODY[span["start"] : span["end"]] == span["text"], field
    assert got["evidence"]["claim_amount"]["text"] == "812,40 EUR"
    assert body["match"]["evidence"] == ["client_reference", "sender"]
    assert "1981-02-01" in body["match"]["conflicts"][0]
    assert Decimal(got["claim_amount"]) == extraction.claim_amount


def test_openapi_documents_the_added_fields(client):
    schemas = client.get("/api/openapi.json").json["components"]["schemas"]
    extraction = next(s for name, s in schemas.items() if name.startswith("Extraction"))
    match = next(s for name, s in schemas.items() if name.startswith("Match"))
    assert {"components", "client_birth_date", "non_reply_reason", "evidence"} <= set(
        extraction["properties"]
    )
    assert {"evidence", "conflicts"} <= set(match["properties"])
