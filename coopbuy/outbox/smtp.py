"""Django's SMTP mailer, with the sockets it opens kept where a watchdog can cut them.

The socket timeout (`OPTIONS["timeout"]`, from `$EMAIL_TIMEOUT`) bounds each wait on the server,
not the conversation: a server that answers a byte at a time keeps it going for ever. The outbox's
sender (`coopbuy.outbox.sending.send_within`) bounds the whole send by shutting these sockets down
from another thread, which makes the blocked read or write fail at once; that is what lets a claim
be handed back after a timeout without a live sender still sending.
"""

from __future__ import annotations

import contextlib
import smtplib
import socket
from typing import Any

from django.core.mail.backends.smtp import EmailBackend as DjangoEmailBackend


class EmailBackend(DjangoEmailBackend):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sockets: list[socket.socket] = []  # a duplicate of each connection's socket

    @property
    def connection_class(self) -> type[smtplib.SMTP]:
        base: type[smtplib.SMTP] = smtplib.SMTP_SSL if self.use_ssl else smtplib.SMTP
        sockets = self.sockets

        class Watched(base):  # type: ignore[valid-type,misc]
            def _get_socket(self, host: str, port: int, timeout: float | None) -> socket.socket:
                sock: socket.socket = super()._get_socket(host, port, timeout)
                # A duplicate of the descriptor (before the greeting is read): shutting it down
                # ends the connection for the original too, TLS or not, and STARTTLS (which
                # wraps the original) leaves it alone.
                sockets.append(socket.fromfd(sock.fileno(), sock.family, sock.type))
                return sock

        return Watched

    def cut(self) -> None:
        """Shut this mailer's connections down (from any thread): a blocked send fails at once."""
        for sock in list(self.sockets):
            with contextlib.suppress(OSError):  # closed already
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        try:
            super().close()
        finally:
            while self.sockets:
                self.sockets.pop().close()
