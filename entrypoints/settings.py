"""Settings read from environment variables (SPEC §4 Configuration), validated once at start."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from urllib.parse import urlsplit

from adapters.sqlalchemy.engine import normalize_database_url

REPO_ROOT = Path(__file__).resolve().parent.parent
VAR_DIR = REPO_ROOT / "var"

ENVIRONMENTS = ("development", "production", "test")


class ConfigError(ValueError):
    """A setting is missing or malformed; the message names the variable."""


def _default_database_url() -> str:
    return f"sqlite:///{VAR_DIR / 'creditor-inbox.sqlite3'}"


@dataclass(frozen=True)
class Settings:
    app_env: str = "development"
    database_url: str = field(default_factory=_default_database_url)
    redis_url: str | None = None
    huey_sqlite_path: str = str(VAR_DIR / "huey.sqlite3")
    huey_name: str = "creditor-inbox"
    mongodb_url: str | None = None
    mongodb_database: str | None = None
    zendesk_webhook_secret: str | None = field(default=None, repr=False)
    zendesk_accept_test_signature: bool = False
    # The Zendesk API (SPEC §10): attachments, write-back, the backstop poller.
    zendesk_subdomain: str | None = None
    zendesk_base_url: str | None = None
    zendesk_email: str | None = None
    zendesk_api_token: str | None = field(default=None, repr=False)
    zendesk_poll_interval_seconds: int = 600
    zendesk_write_back: bool = False
    zendesk_attachment_max_bytes: int = 15 * 1024 * 1024
    zendesk_timeout_seconds: float = 20.0
    webhook_timestamp_tolerance_seconds: int = 300
    max_webhook_bytes: int = 5 * 1024 * 1024
    llm_provider: str = "rules"
    anthropic_api_key: str | None = field(default=None, repr=False)
    anthropic_model: str = "claude-sonnet-5-5"
    anthropic_base_url: str | None = None
    anthropic_timeout_seconds: float = 60.0
    smtp_host: str | None = None
    smtp_port: int = 587
    smtp_username: str | None = None
    smtp_password: str | None = field(default=None, repr=False)
    smtp_starttls: bool = True
    smtp_from: str = "creditor-inbox@localhost"
    smtp_timeout_seconds: float = 10.0
    admin_email: str | None = None
    match_notification_email: str | None = None
    jobs_api_token: str | None = field(default=None, repr=False)
    retry_max_retries: int = 5
    retry_min_backoff_seconds: float = 15.0
    retry_max_backoff_seconds: float = 300.0
    job_lease_seconds: int = 600
    recovery_grace_seconds: int = 60
    match_threshold: float = 0.85
    worker_max_rss_mb: int = 400
    database_request_deadline_seconds: float = 6.0
    log_format: str = "console"
    log_level: str = "INFO"
    web_url: str = "http://127.0.0.1:5000"
    # Web console (SPEC §9): signs the session cookie; unset → a key file under var/ (one host).
    secret_key: str | None = None
    metrics_token: str | None = None
    worker_metrics_port: int | None = None

    def secret_values(self) -> list[str]:
        """Every configured secret, for the log scrubber (URL passwords included)."""
        values = [
            self.zendesk_webhook_secret,
            self.jobs_api_token,
            self.smtp_password,
            self.anthropic_api_key,
            self.zendesk_api_token,
            self.metrics_token,
            self.secret_key,
        ]
        for url in (self.database_url, self.redis_url, self.mongodb_url):
            values.append(urlsplit(url).password if url else None)
        return [v for v in values if v]

    @property
    def is_production(self) -> bool:
        return self.app_env == "production"

    @property
    def zendesk_api_url(self) -> str | None:
        """The API's base URL; None when the API is not configured (its features stay off)."""
        if not (self.zendesk_email and self.zendesk_api_token):
            return None
        if self.zendesk_base_url:
            return self.zendesk_base_url.rstrip("/")
        if self.zendesk_subdomain:
            return f"https://{self.zendesk_subdomain}.zendesk.com"
        return None

    @property
    def match_recipient(self) -> str | None:
        return self.match_notification_email or self.admin_email

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, object] = {}
        for f in fields(cls):
            raw = env.get(f.name.upper())
            if raw is None or raw.strip() == "":
                continue
            values[f.name] = _parse(f.name, f.type, raw.strip())
        if "database_url" in values:
            values["database_url"] = normalize_database_url(str(values["database_url"]))
        if "llm_provider" not in values:
            values["llm_provider"] = "anthropic" if values.get("anthropic_api_key") else "rules"
        if "log_format" not in values and values.get("app_env") == "production":
            values["log_format"] = "json"
        settings = cls(**values)  # type: ignore[arg-type]
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.app_env not in ENVIRONMENTS:
            raise ConfigError(
                f"APP_ENV must be one of {', '.join(ENVIRONMENTS)}, got {self.app_env!r}"
            )
        if self.is_production and not self.zendesk_webhook_secret:
            raise ConfigError(
                "ZENDESK_WEBHOOK_SECRET is required when APP_ENV=production: "
                "the webhook must not accept unsigned requests"
            )
        if self.llm_provider not in ("anthropic", "rules"):
            raise ConfigError(f"LLM_PROVIDER must be anthropic or rules, got {self.llm_provider!r}")
        if self.llm_provider == "anthropic" and not self.anthropic_api_key:
            raise ConfigError("LLM_PROVIDER=anthropic needs ANTHROPIC_API_KEY")
        if self.log_format not in ("json", "console"):
            raise ConfigError(f"LOG_FORMAT must be json or console, got {self.log_format!r}")
        if not 0 < self.match_threshold <= 1:
            raise ConfigError("MATCH_THRESHOLD must be in (0, 1]")
        if self.retry_max_retries < 0:
            raise ConfigError("RETRY_MAX_RETRIES must be >= 0")
        if not 0 <= self.retry_min_backoff_seconds <= self.retry_max_backoff_seconds:
            raise ConfigError(
                "RETRY_MIN_BACKOFF_SECONDS must be >= 0 and <= RETRY_MAX_BACKOFF_SECONDS"
            )
        for name in ("job_lease_seconds", "max_webhook_bytes", "worker_max_rss_mb"):
            if getattr(self, name) <= 0:
                raise ConfigError(f"{name.upper()} must be positive")
        if self.webhook_timestamp_tolerance_seconds < 0:
            raise ConfigError("WEBHOOK_TIMESTAMP_TOLERANCE_SECONDS must be >= 0")
        if not 0 < self.database_request_deadline_seconds <= 60:
            raise ConfigError("DATABASE_REQUEST_DEADLINE_SECONDS must be in (0, 60]")
        if self.recovery_grace_seconds < 0:
            raise ConfigError("RECOVERY_GRACE_SECONDS must be >= 0")
        self._validate_zendesk()
        if self.worker_metrics_port is not None and not 0 < self.worker_metrics_port < 65536:
            raise ConfigError("WORKER_METRICS_PORT must be a TCP port (1-65535)")
        if bool(self.mongodb_url) != bool(self.mongodb_database):
            raise ConfigError("MONGODB_URL and MONGODB_DATABASE are set together or not at all")

    def _validate_zendesk(self) -> None:
        credentials = (self.zendesk_email, self.zendesk_api_token)
        where = self.zendesk_subdomain or self.zendesk_base_url
        if any(credentials) and not all(credentials):
            raise ConfigError("ZENDESK_EMAIL and ZENDESK_API_TOKEN are set together or not at all")
        if all(credentials) and not where:
            raise ConfigError(
                "ZENDESK_EMAIL/ZENDESK_API_TOKEN need ZENDESK_SUBDOMAIN or ZENDESK_BASE_URL"
            )
        if self.zendesk_base_url and not self.zendesk_base_url.startswith(("https://", "http://")):
            raise ConfigError("ZENDESK_BASE_URL must start with https:// (or http:// for tests)")
        if self.zendesk_poll_interval_seconds < 0:
            raise ConfigError("ZENDESK_POLL_INTERVAL_SECONDS must be >= 0 (0 turns polling off)")
        if self.zendesk_attachment_max_bytes <= 0 or self.zendesk_timeout_seconds <= 0:
            raise ConfigError(
                "ZENDESK_ATTACHMENT_MAX_BYTES and ZENDESK_TIMEOUT_SECONDS must be positive"
            )


_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def _parse(name: str, annotation: object, raw: str) -> object:
    kind = str(annotation)
    try:
        if kind.startswith("int"):
            return int(raw)
        if kind.startswith("float"):
            return float(raw)
        if kind.startswith("bool"):
            lowered = raw.lower()
            if lowered in _TRUE:
                return True
            if lowered in _FALSE:
                return False
            raise ValueError(raw)
    except ValueError as exc:
        raise ConfigError(f"{name.upper()} has an invalid value {raw!r} (expected {kind})") from exc
    return raw
