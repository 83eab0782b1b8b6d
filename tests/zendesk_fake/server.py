"""A fake Zendesk API on loopback: real HTTP, the real paths and JSON shapes, basic auth.

- GET  /api/v2/tickets/{id}/comments.json?include=users   (comments + users, next_page)
- GET  /api/v2/incremental/tickets/cursor.json?start_time= | ?cursor=   (end_of_stream)
- PUT  /api/v2/tickets/{id}.json                           (records the write-back)
- GET  /attachments/token/{token}/?name=…  → 302 to a second loopback host (127.0.0.2),
  which serves the bytes and records whether credentials reached it
- `fail(path_prefix, status, retry_after=None, times=1)` answers the next requests with an
  error (429 with Retry-After, 500, 404, …).
"""

from __future__ import annotations

import base64
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

EMAIL = "agent@kanzlei.example"
TOKEN = "zd-api-token-123"
EXPORT_PAGE_SIZE = 2


@dataclass
class Recorded:
    method: str
    path: str
    host: str
    authorization: str | None
    body: dict | None = None


@dataclass
class FakeZendeskState:
    tickets: dict[int, dict] = field(default_factory=dict)
    users: dict[int, dict] = field(default_factory=dict)
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    changes: list[tuple[int, int]] = field(default_factory=list)  # (unix time, ticket id)
    requests: list[Recorded] = field(default_factory=list)
    failures: list[list] = field(default_factory=list)  # [prefix, status, retry_after, times]
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 38412205560000  # 14-digit ids like Zendesk's


class FakeZendesk:
    def __init__(self) -> None:
        self.state = FakeZendeskState()
        self.api = _serve("127.0.0.1", self, files_only=False)
        self.files = _serve("127.0.0.2", self, files_only=True)
        self.base_url = f"http://127.0.0.1:{self.api.server_port}"
        self.files_url = f"http://127.0.0.2:{self.files.server_port}"

    def close(self) -> None:
        for server in (self.api, self.files):
            server.shutdown()
            server.server_close()

    # -- set-up ------------------------------------------------------------------------------

    def add_user(self, email: str, name: str, role: str = "end-user") -> int:
        with self.state.lock:
            self.state.next_id += 1
            user_id = self.state.next_id
            self.state.users[user_id] = {"id": user_id, "email": email, "name": name, "role": role}
        return user_id

    def add_ticket(self, ticket_id: int, subject: str) -> None:
        with self.state.lock:
            self.state.tickets[ticket_id] = {"id": ticket_id, "subject": subject, "comments": []}

    def add_comment(
        self,
        ticket_id: int,
        author_id: int,
        body: str,
        *,
        public: bool = True,
        created_at: datetime | None = None,
        attachments: list[tuple[str, str, bytes]] = (),
        message_id: str | None = None,
    ) -> int:
        created = created_at or datetime.now(UTC)
        with self.state.lock:
            self.state.next_id += 1
            comment_id = self.state.next_id
            files = []
            for name, content_type, content in attachments:
                token = f"tok{comment_id}{len(files)}"
                self.state.files[token] = (content, content_type)
                files.append(
                    {
                        "id": comment_id + 1000 + len(files),
                        "file_name": name,
                        "content_url": f"{self.base_url}/attachments/token/{token}/?name={name}",
                        "content_type": content_type,
                        "size": len(content),
                    }
                )
            self.state.tickets[ticket_id]["comments"].append(
                {
                    "id": comment_id,
                    "type": "Comment",
                    "author_id": author_id,
                    "body": body,
                    "html_body": '<div class="zd-comment"><p>'
                    + body.replace("\n", "<br>")
                    + "</p></div>",
                    "plain_body": body,
                    "public": public,
                    "attachments": files,
                    "via": {"channel": "email", "source": {"from": {}, "to": {}, "rel": None}},
                    "metadata": {"system": {"message_id": message_id} if message_id else {}},
                    "created_at": created.strftime("%Y-%m-%dT%H:%M:%SZ"),
                }
            )
            self.state.changes.append((int(created.timestamp()), ticket_id))
        return comment_id

    def fail(self, prefix: str, status: int, retry_after: int | None = None, times: int = 1):
        with self.state.lock:
            self.state.failures.append([prefix, status, retry_after, times])

    def recorded(self, method: str | None = None, prefix: str = "") -> list[Recorded]:
        with self.state.lock:
            return [
                r
                for r in self.state.requests
                if (method is None or r.method == method) and r.path.startswith(prefix)
            ]

    def notes(self, ticket_id: int) -> list[dict]:
        return [c for c in self.state.tickets[ticket_id]["comments"] if not c["public"]]


def _serve(host: str, fake: FakeZendesk, files_only: bool) -> ThreadingHTTPServer:
    handler = type("Handler", (_Handler,), {"fake": fake, "files_only": files_only})
    server = ThreadingHTTPServer((host, 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


class _Handler(BaseHTTPRequestHandler):
    fake: FakeZendesk
    files_only: bool

    def log_message(self, *args) -> None:  # quiet
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        url = urlsplit(self.path)
        body = None
        if method == "PUT":
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"null")
        state = self.fake.state
        with state.lock:
            state.requests.append(
                Recorded(
                    method,
                    url.path,
                    self.server.server_address[0],
                    self.headers.get("Authorization"),
                    body,
                )
            )
        if self.files_only:
            return self._file(url.path)
        if self.headers.get("Authorization") != _expected_auth():
            return self._json(401, {"error": "Couldn't authenticate you"})
        injected = self._injected_failure(url.path)
        if injected:
            status, retry_after = injected
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            return self._json(status, {"error": "injected"}, headers)
        query = parse_qs(url.query)
        parts = url.path.strip("/").split("/")
        if url.path.startswith("/attachments/token/"):
            token = parts[2]
            if token not in state.files:
                return self._json(404, {"error": "RecordNotFound"})
            return self._redirect(f"{self.fake.files_url}/files/{token}")
        if url.path == "/api/v2/incremental/tickets/cursor.json":
            return self._export(query)
        if (
            len(parts) == 5
            and parts[:3] == ["api", "v2", "tickets"]
            and parts[4] == "comments.json"
        ):
            return self._comments(int(parts[3]), query)
        if len(parts) == 4 and parts[:3] == ["api", "v2", "tickets"] and method == "PUT":
            return self._update(int(parts[3].removesuffix(".json")), body or {})
        return self._json(404, {"error": "InvalidEndpoint"})

    def _injected_failure(self, path: str):
        state = self.fake.state
        with state.lock:
            for failure in state.failures:
                prefix, status, retry_after, times = failure
                if path.startswith(prefix) and times > 0:
                    failure[3] -= 1
                    return status, retry_after
        return None

    def _comments(self, ticket_id: int, query: dict) -> None:
        state = self.fake.state
        with state.lock:
            ticket = state.tickets.get(ticket_id)
            if ticket is None:
                return self._json(404, {"error": "RecordNotFound"})
            page = int(query.get("page", ["1"])[0])
            size = 2  # small pages so pagination is exercised
            comments = ticket["comments"][(page - 1) * size : page * size]
            more = len(ticket["comments"]) > page * size
            authors = {c["author_id"] for c in comments}
            users = [u for uid, u in state.users.items() if uid in authors]
        base = f"{self.fake.base_url}/api/v2/tickets/{ticket_id}/comments.json"
        self._json(
            200,
            {
                "comments": comments,
                "users": users if "users" in query.get("include", [""])[0] else [],
                "next_page": f"{base}?include=users&page={page + 1}" if more else None,
                "previous_page": None,
                "count": len(ticket["comments"]),
            },
        )

    def _export(self, query: dict) -> None:
        state = self.fake.state
        with state.lock:
            changes = sorted(state.changes)
            if "cursor" in query:
                position = int(base64.urlsafe_b64decode(query["cursor"][0]).decode())
            elif "start_time" in query:
                start = int(query["start_time"][0])
                position = next((i for i, (t, _) in enumerate(changes) if t >= start), len(changes))
            else:
                return self._json(400, {"error": "InvalidPaginationParameter"})
            page = changes[position : position + EXPORT_PAGE_SIZE]
            end = position + len(page)
            tickets = []
            for changed_at, ticket_id in page:
                ticket = state.tickets[ticket_id]
                updated = datetime.fromtimestamp(changed_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
                tickets.append(
                    {
                        "id": ticket_id,
                        "subject": ticket["subject"],
                        "status": "open",
                        "updated_at": updated,
                    }
                )
        cursor = base64.urlsafe_b64encode(str(end).encode()).decode()
        self._json(
            200,
            {
                "tickets": tickets,
                "after_cursor": cursor,
                "after_url": f"{self.fake.base_url}/api/v2/incremental/tickets/cursor.json?cursor={cursor}",
                "before_cursor": None,
                "end_of_stream": end >= len(changes),
            },
        )

    def _update(self, ticket_id: int, body: dict) -> None:
        state = self.fake.state
        ticket_update = body.get("ticket") or {}
        with state.lock:
            ticket = state.tickets.get(ticket_id)
            if ticket is None:
                return self._json(404, {"error": "RecordNotFound"})
            comment = ticket_update.get("comment")
            if comment:
                state.next_id += 1
                ticket["comments"].append(
                    {
                        "id": state.next_id,
                        "author_id": 1,
                        "body": comment["body"],
                        "html_body": comment["body"],
                        "plain_body": comment["body"],
                        "public": bool(comment.get("public", True)),
                        "attachments": [],
                        "via": {"channel": "api"},
                        "metadata": {"system": {}},
                        "created_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                    }
                )
            ticket.setdefault("tags", []).extend(ticket_update.get("additional_tags") or [])
        self._json(200, {"ticket": {"id": ticket_id}})

    def _file(self, path: str) -> None:
        token = path.rsplit("/", 1)[-1]
        entry = self.fake.state.files.get(token)
        if entry is None:
            return self._json(404, {"error": "not found"})
        content, content_type = entry
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(content)))
        self.end_headers()
        self.wfile.write(content)

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _json(self, status: int, data: dict, headers: dict | None = None) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(raw)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(raw)


def _expected_auth() -> str:
    return "Basic " + base64.b64encode(f"{EMAIL}/token:{TOKEN}".encode()).decode()
