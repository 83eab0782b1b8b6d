"""The OpenAPI document validates and covers every route; arbitrary signed JSON never yields a 5xx."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openapi_spec_validator import validate

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
payload_like = st.fixed_dictionaries(
    {},
    optional={
        "ticket_id": json_values
        | st.integers()
        | st.text(alphabet="0123456789", min_size=1, max_size=20),
        "comment_id": json_values,
        "message_id": json_values,
        "from_email": json_values | st.emails(),
        "from_name": json_values,
        "subject": json_values,
        "body_html": json_values,
        "body_text": json_values | st.text(min_size=1, max_size=50),
        "received_at": json_values | st.datetimes().map(lambda d: d.isoformat()),
        "attachments": json_values
        | st.lists(
            st.dictionaries(
                st.sampled_from(["url", "filename", "size", "content_type"]), json_values
            ),
            max_size=3,
        ),
    },
)


def test_openapi_document_validates_and_lists_every_route(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    document = response.json
    validate(document)
    documented = set(document["paths"])
    routes = {
        rule.rule.replace("<", "{").replace(">", "}")
        for rule in client.app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1") or rule.rule in ("/healthz", "/readyz")
    }
    assert routes and routes <= documented, routes - documented
    webhook = document["paths"]["/api/v1/webhooks/zendesk"]["post"]
    assert {"200", "400", "401", "413", "415", "503"} <= set(webhook["responses"])
    assert "requestBody" in webhook
    listing = document["paths"]["/api/v1/jobs"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"status", "limit", "offset"}


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=st.one_of(json_values, payload_like))
def test_arbitrary_signed_json_never_yields_a_5xx(client, body):
    response = client.post_webhook(json.dumps(body).encode())
    assert response.status_code < 500, (body, response.data[:300])
    assert response.status_code in (200, 400)
