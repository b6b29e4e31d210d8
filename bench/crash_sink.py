"""A mail server for bench/crash.py that only counts: every message it is given, by To and Subject.

Just enough SMTP (RFC 5321) for Django's smtp backend without TLS: greeting, EHLO/HELO, MAIL,
RCPT, DATA, RSET, NOOP, QUIT. The messages are kept in memory, in the order they arrived.
"""

from __future__ import annotations

import email
import email.policy
import socketserver
import threading
from collections import Counter


class MailSink:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[tuple[str, ...], str]] = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                sink._converse(self)

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port: int = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> MailSink:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def counts(self) -> Counter[tuple[tuple[str, ...], str]]:
        with self.lock:
            return Counter(self.received)

    def _converse(self, handler: socketserver.StreamRequestHandler) -> None:
        def reply(line: str) -> None:
            handler.wfile.write(line.encode() + b"\r\n")
            handler.wfile.flush()

        reply("220 crash-sink ESMTP")
        while line := handler.rfile.readline():
            verb = line.decode("ascii", "replace").strip().split(" ", 1)[0].upper()
            if verb in {"EHLO", "HELO"}:
                reply("250 crash-sink")
            elif verb in {"MAIL", "RCPT", "RSET", "NOOP"}:
                reply("250 OK")
            elif verb == "DATA":
                reply("354 End data with <CR><LF>.<CR><LF>")
                lines: list[bytes] = []
                while (part := handler.rfile.readline()) not in (b".\r\n", b".\n"):
                    if not part:  # the sender died mid-message: nothing was delivered
                        return
                    lines.append(part[1:] if part.startswith(b"..") else part)
                self._keep(b"".join(lines))
                reply("250 OK: queued")
            elif verb == "QUIT":
                reply("221 Bye")
                return
            else:
                reply("502 Command not implemented")

    def _keep(self, data: bytes) -> None:
        message = email.message_from_bytes(data, policy=email.policy.default)
        to = tuple(sorted(a.strip() for a in str(message.get("To", "")).split(",") if a.strip()))
        with self.lock:
            self.received.append((to, str(message.get("Subject", ""))))
