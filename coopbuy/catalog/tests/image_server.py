"""A real HTTP server on the loopback interface, in a thread, for the image-fetching tests.

Each path answers what `routes` says: (status, headers, body); `slow` paths send their body a
byte at a time with a pause. The server counts the requests it gets per path.
"""

from __future__ import annotations

import contextlib
import ssl
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple[int, dict[str, str], bytes]


@dataclass
class ImageServer:
    port: int = 0
    routes: dict[str, Route] = field(default_factory=dict)
    slow: dict[str, float] = field(default_factory=dict)  # path -> pause between bytes
    hits: Counter[str] = field(default_factory=Counter)

    scheme: str = "http"

    def url(self, path: str) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"


@contextmanager
def image_server(tls: ssl.SSLContext | None = None) -> Iterator[ImageServer]:
    """The server; with `tls`, it speaks https with that context's certificate."""
    state = ImageServer()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            # The fetcher may hang up (over the byte cap, past its deadline): as intended.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                self._answer()

        def _answer(self) -> None:
            state.hits[self.path] += 1
            status, headers, body = state.routes.get(self.path, (404, {}, b"not here"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if self.path in state.slow:
                self.end_headers()
                for byte in body:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                    time.sleep(state.slow[self.path])
                return
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    if tls is not None:
        server.socket = tls.wrap_socket(server.socket, server_side=True)
    server.daemon_threads = True
    state.port = server.server_address[1]
    state.scheme = "https" if tls is not None else "http"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
