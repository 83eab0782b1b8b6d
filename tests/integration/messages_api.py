"""A local HTTP server speaking the Anthropic Messages API, with scripted replies (tests only)."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from adapters.anthropic.extractor import TOOL_NAME


def tool_response(tool_input: dict, name: str = TOOL_NAME) -> dict:
    return {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [{"type": "tool_use", "id": "toolu_1", "name": name, "input": tool_input}],
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 10, "output_tokens": 10},
    }


GOOD = {
    "is_creditor_reply": True,
    "client_name": "Jana Hoffmann",
    "client_reference": "2024/1187",
    "creditor_name": "Telekom Deutschland GmbH",
    "creditor_reference": "KD-4471-2290",
    "claim_amount": "812.40",
    "currency": "EUR",
    "confidence": 0.93,
    # Quotes the adapter locates in the body (an amount it cannot find is a conflict).
    "evidence": {"claim_amount": "812,40 EUR", "creditor_reference": "KD-4471-2290"},
}


class MessagesServer:
    """Answers POST /v1/messages with the queued (status, body, delay) replies, recording requests."""

    def __init__(self) -> None:
        self.replies: list[tuple[int, dict, float]] = []
        self.requests: list[dict] = []
        self.default_delay = 0.0  # latency of the default (successful) reply
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(
                    {
                        "path": self.path,
                        "body": body,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                    }
                )
                status, payload, delay = (
                    server.replies.pop(0) if server.replies else (200, tool_response(GOOD), 0)
                )
                time.sleep(delay)
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:
                    pass

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
