"""A local stand-in for an integration provider's API, for the example worker and its test.

It listens on 127.0.0.1 only, on a free port, and answers
``GET /v1/<provider>/records`` with a few made-up records when the request
carries ``Authorization: Bearer <the provider's credential>``, and with 401
otherwise. It keeps no token: each call is recorded with the provider, whether
it was authorized and a SHA-256 fingerprint of the token, so a test can check
which credential arrived without the plaintext being stored anywhere.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

log = logging.getLogger("fake_external_system")


def fingerprint(token: str) -> str:
    """The SHA-256 of a token, in hex: what the fake remembers instead of the token."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Call:
    provider: str
    authorized: bool
    token_sha256: str | None


class FakeExternalSystem:
    """``tokens`` maps a provider to the credential it accepts; ``None`` accepts any non-empty bearer token."""

    def __init__(self, tokens: Mapping[str, str] | None = None, records_per_call: int = 3) -> None:
        self._fingerprints = None if tokens is None else {p: fingerprint(t) for p, t in tokens.items()}
        self._records_per_call = records_per_call
        self._lock = threading.Lock()
        self.calls: list[Call] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-external-system", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> FakeExternalSystem:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeExternalSystem:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _authorize(self, provider: str, header: str | None) -> Call:
        token = header.removeprefix("Bearer ") if header and header.startswith("Bearer ") else ""
        seen = fingerprint(token) if token else None
        if self._fingerprints is None:
            authorized = seen is not None
        else:
            expected = self._fingerprints.get(provider)
            authorized = seen is not None and expected is not None and hmac.compare_digest(seen, expected)
        call = Call(provider, authorized, seen)
        with self._lock:
            self.calls.append(call)
        return call

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = self.path.strip("/").split("/")
                if len(parts) != 3 or parts[0] != "v1" or parts[2] != "records":
                    self._reply(HTTPStatus.NOT_FOUND, {"error": "not found"})
                    return
                call = fake._authorize(parts[1], self.headers.get("Authorization"))
                if not call.authorized:
                    self._reply(HTTPStatus.UNAUTHORIZED, {"error": "invalid credential"})
                    return
                records = [{"id": n, "provider": call.provider} for n in range(fake._records_per_call)]
                self._reply(HTTPStatus.OK, {"records": records})

            def _reply(self, status: HTTPStatus, body: dict[str, Any]) -> None:
                payload = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                # The request line and status only; headers (the credential) are never logged.
                log.debug("%s " + format, self.address_string(), *args)

        return Handler
