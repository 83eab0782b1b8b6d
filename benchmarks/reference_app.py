"""The intake benchmark's reference: verify the HMAC and insert one row, nothing else.

Same gunicorn settings and database as the real app; `gunicorn benchmarks.reference_app:app`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import uuid

import sqlalchemy as sa
from flask import Flask, jsonify, request

from adapters.sqlalchemy.engine import make_engine

SECRET = os.environ["ZENDESK_WEBHOOK_SECRET"].encode()
engine = make_engine(os.environ["DATABASE_URL"])
hits = sa.Table(
    "reference_hits",
    sa.MetaData(),
    sa.Column("id", sa.String(36), primary_key=True),
    sa.Column("body", sa.Text),
)
try:
    hits.metadata.create_all(engine, checkfirst=True)
except sa.exc.DBAPIError:  # the other gunicorn worker created it at the same moment
    hits.metadata.create_all(engine, checkfirst=True)
app = Flask(__name__)


@app.post("/api/v1/webhooks/zendesk")
def receive():
    body = request.get_data()
    timestamp = request.headers.get("X-Zendesk-Webhook-Signature-Timestamp", "")
    expected = base64.b64encode(
        hmac.new(SECRET, timestamp.encode() + body, hashlib.sha256).digest()
    )
    if not hmac.compare_digest(
        expected, request.headers.get("X-Zendesk-Webhook-Signature", "").encode()
    ):
        return jsonify({"error": "invalid_signature"}), 401
    with engine.begin() as conn:
        conn.execute(hits.insert().values(id=str(uuid.uuid4()), body=body.decode()))
    return jsonify({"status": "accepted"})
