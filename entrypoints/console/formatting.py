"""German labels and formats for the console's templates."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation

from entrypoints.console.blueprint import blp

STATUS_LABELS = {
    "received": "Eingegangen",
    "queued": "Wartend",
    "processing": "In Bearbeitung",
    "completed": "Abgeschlossen",
    "failed": "Fehlgeschlagen",
}
OUTCOME_LABELS = {
    "matched": "Zugeordnet",
    "needs_review": "Zu prüfen",
    "not_creditor_reply": "Keine Gläubigerantwort",
}
ACTION_LABELS = {
    "retry": "Neu gestartet",
    "bulk_retry": "Auswahl neu gestartet",
    "recover": "Wiederherstellungslauf",
}
FIELD_LABELS = {
    "client_name": "Mandant",
    "client_reference": "Aktenzeichen Mandant",
    "creditor_name": "Gläubiger",
    "creditor_reference": "Aktenzeichen Gläubiger",
    "claim_amount": "Forderung",
    "currency": "Währung",
    "client_birth_date": "Geburtsdatum",
    "payment": "Zahlung",
}


@blp.app_template_filter("status_label")
def status_label(value: str | None) -> str:
    return STATUS_LABELS.get(value or "", value or "–")


@blp.app_template_filter("outcome_label")
def outcome_label(value: str | None) -> str:
    return OUTCOME_LABELS.get(value or "", value or "–")


@blp.app_template_filter("field_label")
def field_label(value: str) -> str:
    return FIELD_LABELS.get(value, value)


@blp.app_template_filter("dt")
def format_datetime(value: datetime | None) -> str:
    if value is None:
        return "–"
    return value.astimezone(UTC).strftime("%d.%m.%Y %H:%M:%S UTC")


@blp.app_template_filter("duration")
def format_duration(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    seconds = int(max(seconds, 0))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        return f"{days} d {hours} h"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{seconds} s"


@blp.app_template_filter("score")
def format_score(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}".replace(".", ",")


@blp.app_context_processor
def labels():
    return {"action_labels": ACTION_LABELS}


@blp.app_template_filter("amount")
def format_amount(value) -> str:
    """ "1234.56" → "1.234,56" (German notation); anything else as it is."""
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return "–" if value is None else str(value)
    return f"{number:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
