"""Attachment texts as a checkpoint of ProcessEmail, and the Zendesk write-back use case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from application.process_email import ProcessEmail, ProcessingSettings
from application.read_attachments import ReadAttachments
from application.write_back_note import marker
from application.write_back_to_zendesk import WriteBackToZendesk, register_write_back
from application.zendesk_ports import AttachmentReader, ZendeskAttachment, ZendeskComment
from domain.errors import PermanentError, TransientError
from domain.values import AttachmentText, JobStatus
from tests.fakes import ExactSimilarity
from tests.zendesk_fakes import FakeZendeskApi


class TextReader(AttachmentReader):
    def readable(self, file_name, content_type):
        return file_name.endswith((".pdf", ".txt"))

    def read(self, file_name, content_type, content):
        if content == b"encrypted":
            return AttachmentText(file_name, content_type, "", "skipped: the PDF is encrypted")
        return AttachmentText(file_name, content_type, content.decode())


def attach(world, api: FakeZendeskApi, job_id: str, *files: tuple[str, bytes]) -> None:
    job = world.job(job_id)
    attachments = []
    for name, content in files:
        url = f"https://kanzlei.zendesk.com/attachments/token/{name}"
        api.files[url] = content
        kind = "image/jpeg" if name.endswith(".jpg") else "application/pdf"
        attachments.append(ZendeskAttachment(name, url, kind, len(content)))
    api.comments[job.ticket_id] = [
        ZendeskComment(
            job.comment_id,
            job.ticket_id,
            True,
            world.clock.now(),
            "forderungen@inkasso.example",
            attachments=tuple(attachments),
        )
    ]


def processor(world, api, max_bytes=15 * 1024 * 1024) -> ProcessEmail:
    return ProcessEmail(
        world.uow,
        world.clock,
        world.parser,
        world.extractor,
        world.directory,
        ExactSimilarity(),
        world.policy,
        ProcessingSettings(lease=timedelta(seconds=600), match_threshold=0.85),
        attachments=ReadAttachments(api, TextReader(), max_bytes),
    )


def test_attachment_texts_reach_the_extractor_beside_the_body(world):
    api = FakeZendeskApi()
    job_id = world.received_job()
    attach(
        world,
        api,
        job_id,
        ("aufstellung.pdf", b"Gesamtforderung 1.280,12 EUR"),
        ("foto.jpg", b"\xff\xd8"),
    )
    processor(world, api)(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED
    assert [(a.filename, a.note) for a in job.attachment_texts] == [
        ("aufstellung.pdf", None),
        ("foto.jpg", "no text: an image is not read"),
    ]
    assert [a.text for a in world.extractor.attachments] == ["Gesamtforderung 1.280,12 EUR"]


def test_a_retry_does_not_download_again(world):
    api = FakeZendeskApi()
    job_id = world.received_job()
    attach(world, api, job_id, ("a.pdf", b"Forderung 10,00 EUR"))
    world.extractor.errors.append(TransientError("Claude 529"))
    process = processor(world, api)
    process(job_id)
    assert world.job(job_id).status is JobStatus.QUEUED
    api.errors["download"] = [AssertionError("downloaded again")]
    api.errors["list_comments"] = [AssertionError("listed again")]
    world.clock.current = world.job(job_id).next_attempt_at
    process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED


def test_an_encrypted_pdf_is_skipped_with_a_note_and_the_job_completes(world):
    api = FakeZendeskApi()
    job_id = world.received_job()
    attach(world, api, job_id, ("brief.pdf", b"encrypted"))
    processor(world, api)(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED
    assert job.attachment_texts[0].note == "skipped: the PDF is encrypted"
    assert world.extractor.attachments == []


def test_an_attachment_over_the_size_limit_is_skipped_with_a_note(world):
    api = FakeZendeskApi()
    job_id = world.received_job()
    attach(world, api, job_id, ("gross.pdf", b"x" * 2000))
    processor(world, api, max_bytes=1000)(job_id)
    assert "over the size limit" in world.job(job_id).attachment_texts[0].note


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (PermanentError("Zendesk GET: 403"), JobStatus.FAILED),
        (TransientError("503"), JobStatus.QUEUED),
    ],
)
def test_api_errors_fail_the_attempt_by_their_kind(world, error, status):
    api = FakeZendeskApi()
    job_id = world.received_job()
    attach(world, api, job_id, ("a.pdf", b"x"))
    api.errors["download"] = [error]
    processor(world, api)(job_id)
    job = world.job(job_id)
    assert job.status is status and job.attachment_texts is None


# -- write-back ------------------------------------------------------------------------------


def completed_job(world) -> str:
    job_id = world.received_job()
    world.process(job_id)
    assert world.job(job_id).status is JobStatus.COMPLETED
    return job_id


def test_write_back_posts_once_with_the_outcome_tag(world):
    api = FakeZendeskApi()
    job_id = completed_job(world)
    write_back = WriteBackToZendesk(world.uow, api, world.clock)
    assert write_back(job_id) is True
    assert write_back(job_id) is False
    [(ticket_id, body, tags)] = api.notes
    assert ticket_id == world.job(job_id).ticket_id
    assert tags == ["creditor-inbox-matched"] and "812,40 EUR" in body and marker(job_id) in body
    assert world.job(job_id).written_back_at == world.clock.now()


def test_write_back_finds_its_note_after_a_crash_and_does_not_post_again(world):
    api = FakeZendeskApi()
    job_id = completed_job(world)
    job = world.job(job_id)
    api.comments[job.ticket_id] = [
        ZendeskComment(
            1, job.ticket_id, False, world.clock.now(), plain_body=f"x\n{marker(job_id)}"
        )
    ]
    assert WriteBackToZendesk(world.uow, api, world.clock)(job_id) is False
    assert api.notes == [] and world.job(job_id).written_back_at is not None


def test_write_back_of_a_job_not_completed_does_nothing(world):
    api = FakeZendeskApi()
    job_id = world.received_job()
    assert WriteBackToZendesk(world.uow, api, world.clock)(job_id) is False
    assert api.notes == []


def test_a_failed_write_back_changes_nothing_on_the_job(world):
    api = FakeZendeskApi()
    job_id = completed_job(world)
    before = world.job(job_id).version
    api.errors["add_internal_note"] = [TransientError("Zendesk 503")]
    with pytest.raises(TransientError):
        WriteBackToZendesk(world.uow, api, world.clock)(job_id)
    job = world.job(job_id)
    assert job.status is JobStatus.COMPLETED and job.written_back_at is None
    assert job.version == before


def test_completion_hands_the_write_back_to_the_queue_when_registered(world):
    from application.dispatcher import queue_dispatcher
    from tests.fakes import FakeUnitOfWork

    dispatcher = register_write_back(queue_dispatcher(world.queue), world.queue)
    job_id = world.received_job()
    ProcessEmail(
        lambda: FakeUnitOfWork(world.db, dispatcher),
        world.clock,
        world.parser,
        world.extractor,
        world.directory,
        ExactSimilarity(),
        world.policy,
        ProcessingSettings(),
    )(job_id)
    assert [t.arg for t in world.queue.named("write_back")] == [job_id]


def test_any_extractor_reads_the_attachment_texts_after_the_body():
    from adapters.parsing.attachment_sections import ExtractorWithAttachments
    from tests.fakes import FakeExtractor

    class Recording(FakeExtractor):
        def extract(self, cleaned_body, subject, from_email, from_name, attachments=()):
            self.body = cleaned_body
            return super().extract(cleaned_body, subject, from_email, from_name)

    inner = Recording()
    texts = [
        AttachmentText("a.pdf", "application/pdf", "Gesamtforderung 1.280,12 EUR"),
        AttachmentText("scan.pdf", "application/pdf", "", "no text"),
    ]
    ExtractorWithAttachments(inner).extract(
        "Anbei die Aufstellung.", "AW", "a@b.example", None, texts
    )
    assert inner.body == (
        "Anbei die Aufstellung.\n\n----- Anhang: a.pdf -----\n\nGesamtforderung 1.280,12 EUR"
    )
