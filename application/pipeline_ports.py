"""Ports of the processing pipeline: cleaning, extraction, the directory and name similarity."""

from __future__ import annotations

import abc
from collections.abc import Sequence

from domain.extraction import DirectoryEntry, Extraction
from domain.values import AttachmentText


class EmailParser(abc.ABC):
    @abc.abstractmethod
    def clean(self, body_html: str, body_text: str) -> str:
        """HTML → text, without quoted history, signatures and legal footers."""


class Extractor(abc.ABC):
    name: str = "extractor"
    # True: a call costs money or a remote round trip (Claude), so the worker commits its
    # result on the job at once and a retry never pays for it again. A cheap, local extractor
    # (the rules) sets False: its result is committed with the job's next write (SPEC §2).
    costly: bool = True

    @abc.abstractmethod
    def extract(
        self,
        cleaned_body: str,
        subject: str,
        from_email: str,
        from_name: str | None,
        attachments: Sequence[AttachmentText] = (),
    ) -> Extraction:
        """Raise TransientError / PermanentError for upstream failures.

        `attachments`: the texts read from the email's attachments (PDF text layer, text
        files), to be read beside the body; empty when there are none."""


class ClientDirectory(abc.ABC):
    """Where matching looks for the (client, creditor) pairs an email may be about."""

    @abc.abstractmethod
    def candidates(self, extraction: Extraction, from_email: str) -> Sequence[DirectoryEntry]:
        """A bounded set of plausible pairs (by reference, name or sender), maybe all."""


class NameSimilarity(abc.ABC):
    """Fuzzy similarity of two names in [0, 1] (an adapter, e.g. rapidfuzz)."""

    @abc.abstractmethod
    def __call__(self, left: str, right: str) -> float: ...
