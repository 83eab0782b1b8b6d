"""`flask review …` on both databases: list, match, not-a-reply, reopen, search, --as."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from adapters.sqlalchemy.orm import claim_updates
from domain.values import Outcome
from tests.fixtures.review import completed_job, load_directory

PASSWORD = "correct horse battery"


def cli(client):
    load_directory(client.app.extensions["container"])
    return client.app.test_cli_runner()


def test_list_match_and_refusals(client, uow_factory, engine):
    runner = cli(client)
    older = completed_job(uow_factory, 1)
    newer = completed_job(uow_factory, 2)
    listing = runner.invoke(args=["review", "list"])
    assert listing.exit_code == 0, listing.output
    assert "2 open review(s)" in listing.output
    assert listing.output.index(older) < listing.output.index(newer)
    assert "Jana Hoffmann / Telekom Deutschland GmbH" in listing.output
    assert "--client M-1 --creditor C-1" in listing.output

    bad = runner.invoke(
        args=["review", "match", older, "--client", "M-1", "--creditor", "C-1", "--amount", "-3"]
    )
    assert bad.exit_code != 0 and "must not be negative" in bad.output
    wrong_pair = runner.invoke(
        args=["review", "match", older, "--client", "M-2", "--creditor", "C-1", "--amount", "3"]
    )
    assert wrong_pair.exit_code != 0 and "not in the directory" in wrong_pair.output

    done = runner.invoke(
        args=["review", "match", older, "--client", "M-1", "--creditor", "C-1", "--amount", "12.34"]
    )
    assert done.exit_code == 0, done.output
    assert "outcome matched" in done.output and "cli:" in done.output
    with engine.connect() as conn:
        [row] = conn.execute(select(claim_updates).where(claim_updates.c.job_id == older)).all()
    assert row.amount == Decimal("12.34") and row.decided_by.startswith("cli:")
    again = runner.invoke(args=["review", "not-a-reply", older])
    assert again.exit_code != 0 and "resolved already" in again.output
    missing = runner.invoke(args=["review", "not-a-reply", "nope"])
    assert missing.exit_code != 0 and "no job" in missing.output


def test_as_user_needs_an_enabled_reviewer(client, uow_factory):
    runner = cli(client)
    job_id = completed_job(uow_factory)
    for name, role in (("vera", "viewer"), ("rita", "reviewer")):
        result = runner.invoke(
            args=["users", "create", name, "--role", role, "--password-stdin"], input=PASSWORD
        )
        assert result.exit_code == 0, result.output
    viewer = runner.invoke(args=["review", "not-a-reply", job_id, "--as", "vera"])
    assert viewer.exit_code != 0 and "reviewer" in viewer.output
    nobody = runner.invoke(args=["review", "not-a-reply", job_id, "--as", "nobody"])
    assert nobody.exit_code != 0 and "no enabled user" in nobody.output
    done = runner.invoke(
        args=["review", "not-a-reply", job_id, "--as", "rita", "--note", "Werbung"]
    )
    assert done.exit_code == 0, done.output
    assert "not_creditor_reply by rita" in done.output


def test_reopen_and_search(client, uow_factory):
    runner = cli(client)
    job_id = completed_job(uow_factory, outcome=Outcome.MATCHED, auto_match=("M-1", "C-1"))
    result = runner.invoke(args=["review", "reopen", job_id, "--note", "falscher Gläubiger"])
    assert result.exit_code == 0, result.output
    assert "review open (reopen" in result.output
    assert job_id in runner.invoke(args=["review", "list"]).output
    found = runner.invoke(args=["review", "search", "vodafone"])
    assert "--client M-1 --creditor C-2" in found.output
    by_reference = runner.invoke(args=["review", "search", "Az. 2024-1187"])
    assert "--client M-1" in by_reference.output
    assert "nothing found" in runner.invoke(args=["review", "search", "x"]).output
