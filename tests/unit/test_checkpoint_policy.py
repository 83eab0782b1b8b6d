"""Which results ProcessEmail commits on their own (SPEC §2: every intermediate result is stored
on the job, so a retry after a late-step error does not pay for the LLM call again).

A costly extractor (Claude) and the attachments read from Zendesk are checkpointed right after
they ran; cheap, local steps (cleaning, the rules extractor, matching) are stored with the
job's next write, so an attempt with the rules needs two commits: the claim and the completion.
"""

from __future__ import annotations

from datetime import timedelta

from application.process_email import ProcessEmail, ProcessingSettings
from domain.errors import TransientError
from domain.values import JobStatus
from tests.fakes import ExactSimilarity, FakeExtractor
from tests.unit.conftest import CREDITOR_REPLY
from tests.unit.test_attachments_and_write_back import attach, processor
from tests.zendesk_fakes import FakeZendeskApi


class CheapExtractor(FakeExtractor):
    """Like the rules extractor: local and cheap."""

    costly = False


def cheap_process(world) -> tuple[ProcessEmail, CheapExtractor]:
    extractor = CheapExtractor(CREDITOR_REPLY)
    process = ProcessEmail(
        world.uow,
        world.clock,
        world.parser,
        extractor,
        world.directory,
        ExactSimilarity(),
        world.policy,
        ProcessingSettings(lease=timedelta(seconds=600), match_threshold=0.85),
    )
    return process, extractor


def due(world, job_id: str) -> None:
    world.clock.current = world.job(job_id).next_attempt_at


def test_with_a_cheap_extractor_an_attempt_commits_twice_and_stores_every_result(world):
    process, _ = cheap_process(world)
    job_id = world.received_job()
    commits = world.db.commits
    assert process(job_id).outcome == "matched"
    assert world.db.commits - commits == 2, "the claim and the completion"
    job = world.job(job_id)
    assert job.cleaned_body is not None and job.extraction == CREDITOR_REPLY
    assert job.match is not None and job.match.is_auto_match


def test_a_costly_extractor_is_committed_at_once_with_the_cleaned_body(world):
    job_id = world.received_job()
    commits = world.db.commits
    world.process(job_id)
    assert world.db.commits - commits == 3, "the claim, the extraction, the completion"


def test_a_costly_extractor_is_not_called_again_after_a_late_error(world):
    job_id = world.received_job()
    world.directory.errors.append(TransientError("directory timeout"))
    world.process(job_id)
    stored = world.job(job_id)
    assert stored.status is JobStatus.QUEUED and stored.extraction == CREDITOR_REPLY
    due(world, job_id)
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED
    assert world.extractor.calls == 1 and world.parser.calls == 1
    assert len(world.db.claims) == 1


def test_with_a_cheap_extractor_a_retry_after_a_late_error_completes_exactly_once(world):
    process, extractor = cheap_process(world)
    job_id = world.received_job()
    world.directory.errors.append(TransientError("directory timeout"))
    process(job_id)
    stored = world.job(job_id)
    assert stored.status is JobStatus.QUEUED
    assert stored.extraction is None, "a cheap result is stored with the next write only"
    due(world, job_id)
    assert process(job_id).outcome == "matched"
    assert extractor.calls == 2, "redone: ~1 ms, no external call"
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED and job.attempts == 2
    assert len(world.db.claims) == 1
    assert process(job_id).claimed is False, "a duplicate message after it is a no-op"
    assert len(world.db.claims) == 1


def test_attachments_are_committed_right_after_they_were_read_even_with_a_cheap_extractor(
    world,
):
    api = FakeZendeskApi()
    job_id = world.received_job()
    attach(world, api, job_id, ("a.pdf", b"Forderung 10,00 EUR"))
    world.extractor.costly = False
    world.directory.errors.append(TransientError("directory timeout"))
    process = processor(world, api)
    process(job_id)
    stored = world.job(job_id)
    assert stored.status is JobStatus.QUEUED and stored.attachment_texts
    api.errors["download"] = [AssertionError("downloaded again")]
    api.errors["list_comments"] = [AssertionError("listed again")]
    due(world, job_id)
    process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED


def test_the_rules_are_cheap_also_with_attachments():
    from adapters.parsing.attachment_sections import ExtractorWithAttachments
    from adapters.rules.extractor import RulesExtractor

    assert ExtractorWithAttachments(RulesExtractor()).costly is False
    assert ExtractorWithAttachments(FakeExtractor()).costly is True, "costly unless it says not"


def test_only_the_claim_of_a_local_attempt_may_skip_the_wait_for_the_disk(world):
    """UnitOfWork.commit(durable=False) for the claim of an attempt that stays local
    (cheap extractor, no Zendesk reads): a claim lost with a database crash leaves the job
    `queued` for the sweep, and the completion's durable commit flushes the claim with it.
    Everything else (checkpoints, completions, failures, any claim of a costly or remote
    attempt) is durable."""
    process, _ = cheap_process(world)
    job_id = world.received_job()
    before = len(world.db.durable_commits)
    process(job_id)
    assert world.db.durable_commits[before:] == [False, True], "the claim, the completion"

    job_id, before = world.received_job(2), len(world.db.durable_commits)
    world.process(job_id)  # the costly extractor
    assert world.db.durable_commits[before:] == [True, True, True]

    api = FakeZendeskApi()
    job_id = world.received_job(3)
    attach(world, api, job_id, ("aufstellung.pdf", b"Gesamtforderung 1.280,12 EUR"))
    before = len(world.db.durable_commits)
    processor(world, api)(job_id)
    commits = world.db.durable_commits[before:]
    assert len(commits) == 4 and all(commits), "claim, attachments, extraction, completion"

    process, extractor = cheap_process(world)
    job_id, before = world.received_job(4), len(world.db.durable_commits)
    world.directory.errors.append(TransientError("directory timeout"))
    process(job_id)
    assert world.db.durable_commits[before:] == [False, True], "the claim, the failure"
    assert world.job(job_id).status is JobStatus.QUEUED
