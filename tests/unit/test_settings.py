"""Settings from the environment: defaults, parsing, and refusing bad configuration."""

from __future__ import annotations

import pytest

from entrypoints.settings import ConfigError, Settings, normalize_database_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgres://u:p@db:5432/app", "postgresql+psycopg2://u:p@db:5432/app"),
        ("postgresql://u@db/app", "postgresql+psycopg2://u@db/app"),
        ("postgresql+psycopg2://u@db/app", "postgresql+psycopg2://u@db/app"),
        ("sqlite:////tmp/x.db", "sqlite:////tmp/x.db"),
    ],
)
def test_database_url_gets_the_psycopg2_driver(url, expected):
    assert normalize_database_url(url) == expected
    assert Settings.from_env({"DATABASE_URL": url}).database_url == expected


def test_defaults_are_the_embedded_ones():
    settings = Settings.from_env({})
    assert settings.database_url.startswith("sqlite:///")
    assert settings.database_url.endswith("var/creditor-inbox.sqlite3")
    assert settings.redis_url is None and settings.llm_provider == "rules"
    assert (
        settings.retry_max_retries,
        settings.retry_min_backoff_seconds,
        settings.retry_max_backoff_seconds,
    ) == (5, 15, 300)
    assert (settings.job_lease_seconds, settings.match_threshold, settings.worker_max_rss_mb) == (
        600,
        0.85,
        400,
    )
    assert settings.max_webhook_bytes == 5 * 1024 * 1024


def test_anthropic_is_the_default_provider_when_a_key_is_set():
    assert Settings.from_env({"ANTHROPIC_API_KEY": "k"}).llm_provider == "anthropic"
    assert (
        Settings.from_env({"ANTHROPIC_API_KEY": "k", "LLM_PROVIDER": "rules"}).llm_provider
        == "rules"
    )


def test_production_requires_the_webhook_secret():
    with pytest.raises(ConfigError, match="ZENDESK_WEBHOOK_SECRET"):
        Settings.from_env({"APP_ENV": "production"})
    settings = Settings.from_env({"APP_ENV": "production", "ZENDESK_WEBHOOK_SECRET": "s"})
    assert settings.is_production and settings.log_format == "json"


def test_match_recipient_defaults_to_admin_email():
    assert Settings.from_env({"ADMIN_EMAIL": "a@x"}).match_recipient == "a@x"
    assert (
        Settings.from_env({"ADMIN_EMAIL": "a@x", "MATCH_NOTIFICATION_EMAIL": "m@x"}).match_recipient
        == "m@x"
    )


def test_numbers_and_booleans_are_parsed():
    settings = Settings.from_env(
        {"RETRY_MAX_RETRIES": "2", "RETRY_MIN_BACKOFF_SECONDS": "0.5", "SMTP_STARTTLS": "false"}
    )
    assert settings.retry_max_retries == 2 and settings.retry_min_backoff_seconds == 0.5
    assert settings.smtp_starttls is False


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"APP_ENV": "staging"}, "APP_ENV"),
        ({"RETRY_MAX_RETRIES": "five"}, "RETRY_MAX_RETRIES"),
        ({"SMTP_STARTTLS": "maybe"}, "SMTP_STARTTLS"),
        ({"MATCH_THRESHOLD": "1.5"}, "MATCH_THRESHOLD"),
        ({"RETRY_MIN_BACKOFF_SECONDS": "400"}, "RETRY_MIN_BACKOFF_SECONDS"),
        ({"JOB_LEASE_SECONDS": "0"}, "JOB_LEASE_SECONDS"),
        ({"LLM_PROVIDER": "openai"}, "LLM_PROVIDER"),
        ({"LLM_PROVIDER": "anthropic"}, "ANTHROPIC_API_KEY"),
        ({"LOG_FORMAT": "xml"}, "LOG_FORMAT"),
        ({"MONGODB_URL": "mongodb://x"}, "MONGODB_DATABASE"),
    ],
)
def test_bad_configuration_names_the_variable(env, names):
    with pytest.raises(ConfigError, match=names):
        Settings.from_env(env)
