"""The directory import file (SPEC §4 `flask directory import`), validated by marshmallow.

`load_directory(data)` returns the clients with their creditors as plain dicts (ids and names
stripped, claim amounts as Decimal with two places, birth dates as YYYY-MM-DD) or raises
ValueError naming every bad field by its path, e.g. `clients[0].creditors[1].claim_amount`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)


class _Name(fields.String):
    """A required, non-empty string, stripped."""

    def __init__(self) -> None:
        super().__init__(required=True, validate=validate.Length(min=1))

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(value, attr, data, **kwargs).strip()


class _EntitySchema(Schema):
    """What clients and creditors share: an id, a name, maybe a reference."""

    class Meta:
        unknown = EXCLUDE

    id = _Name()
    name = _Name()
    reference = fields.String(allow_none=True)


class _CreditorSchema(_EntitySchema):
    email = fields.String(allow_none=True)
    claim_amount = fields.Decimal(
        allow_none=True, places=2, allow_nan=False, validate=validate.Range(min=0)
    )
    currency = fields.String(allow_none=True, validate=validate.Length(equal=3))


class _ClientSchema(_EntitySchema):
    birth_date = fields.Date(
        allow_none=True, format="%Y-%m-%d", error_messages={"invalid": "Not a date (YYYY-MM-DD)."}
    )
    creditors = fields.List(fields.Nested(_CreditorSchema), load_default=list)

    @post_load
    def iso_birth_date(self, data, **kwargs):
        if data.get("birth_date") is not None:
            data["birth_date"] = data["birth_date"].isoformat()
        return data


class DirectoryFileSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    clients = fields.List(fields.Nested(_ClientSchema), required=True)

    @validates_schema
    def unique_ids(self, data, **kwargs):
        errors: dict[int, dict] = {}
        seen_clients: set[str] = set()
        seen_creditors: set[str] = set()
        for i, client in enumerate(data.get("clients", [])):
            if client["id"] in seen_clients:
                errors[i] = {"id": [f"duplicate client id {client['id']!r}"]}
            seen_clients.add(client["id"])
            for j, creditor in enumerate(client["creditors"]):
                if creditor["id"] in seen_creditors:
                    errors.setdefault(i, {}).setdefault("creditors", {})[j] = {
                        "id": [f"duplicate creditor id {creditor['id']!r}"]
                    }
                seen_creditors.add(creditor["id"])
        if errors:
            raise ValidationError({"clients": errors})


_schema = DirectoryFileSchema()


def load_directory(data: Any) -> list[dict]:
    try:
        return _schema.load(data)["clients"]
    except ValidationError as exc:
        problems = "; ".join(_describe(exc.messages))
        raise ValueError(problems) from None


def _describe(messages: Any, path: str = "") -> list[str]:
    """marshmallow's nested messages → ["clients[0].name: Missing data …", …]."""
    if isinstance(messages, Mapping):
        lines = []
        for key, inner in messages.items():
            if key == "_schema":
                where = path or 'the directory file (an object with a "clients" list)'
            elif isinstance(key, int):
                where = f"{path}[{key}]"
            else:
                where = f"{path}.{key}" if path else str(key)
            lines += _describe(inner, where)
        return lines
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [f"{path}: {' '.join(messages)}"]
    if isinstance(messages, list):
        return [line for inner in messages for line in _describe(inner, path)]
    return [f"{path}: {messages}"]
