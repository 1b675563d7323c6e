"""A real HTTP server on 127.0.0.1 in a thread, standing in for Slack or another webhook: it
records each POST (path, headers, JSON body) and answers with the status it is told to."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    content_type: str
    body: Any


@dataclass
class HookServer:
    url: str
    received: list[Received] = field(default_factory=list)
    status: int = 200


@contextmanager
def hook_server(path: str = "/services/T0/B0/secret") -> Iterator[HookServer]:
    """A server whose URL is `http://127.0.0.1:<port><path>`; stopped on exit."""
    state: list[HookServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            raw = self.rfile.read(length)
            hook = state[0]
            hook.received.append(
                Received(self.path, self.headers.get("Content-Type", ""), json.loads(raw))
            )
            self.send_response(hook.status)
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: Any) -> None:
            return  # quiet: the tests read `received`

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.append(HookServer(f"http://127.0.0.1:{server.server_address[1]}{path}"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
