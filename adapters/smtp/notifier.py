"""The Notifier port over smtplib (STARTTLS configurable). SMTP unset → logged as skipped."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import structlog

from application.ports import Message, NotificationError, Notifier

log = structlog.get_logger(__name__)


class SmtpNotifier(Notifier):
    def __init__(
        self,
        host: str | None,
        port: int = 587,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = True,
        sender: str = "creditor-inbox@localhost",
        timeout: float = 10.0,
    ) -> None:
        self._host = host
        self._port = port
        self._username = username
        self._password = password
        self._starttls = starttls
        self._sender = sender
        self._timeout = timeout
        if host and username and not starttls:
            log.warning("smtp_login_unencrypted", host=host, reason="SMTP_STARTTLS is off")

    def send(self, message: Message) -> bool:
        if not self._host:
            log.info("notification_skipped", reason="SMTP_HOST is unset", subject=message.subject)
            return False
        email = EmailMessage()
        email["From"] = self._sender
        email["To"] = message.to
        email["Subject"] = message.subject
        email["Date"] = formatdate(localtime=False)
        email["Message-ID"] = make_msgid(domain=self._sender.rpartition("@")[2] or None)
        email.set_content(message.body)
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                if self._starttls:
                    # Verify the server's certificate: without a context smtplib does not,
                    # and the login below would go to whoever answers.
                    smtp.starttls(context=ssl.create_default_context())
                if self._username:
                    smtp.login(self._username, self._password or "")
                smtp.send_message(email)
        except (TimeoutError, smtplib.SMTPException, OSError) as exc:
            raise NotificationError(f"{type(exc).__name__}: {exc}") from exc
        log.info("notification_sent", to=message.to, subject=message.subject)
        return True
