"""A receiver that trickles: it answers one byte or header line at a time, slowly, for as long
as it is let (plain TCP, or TLS with a certificate for a test host name)."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from pathlib import Path

HEADERS = "headers"  # a status line, then a header line every `every_s`, never the blank line
BODY = "body"  # the whole head at once, then a byte of the body every `every_s`
NOT_HTTP = "not-http"  # a line that is not HTTP, then silence (a Redis, a metadata service)


class Trickler:
    """Serves on 127.0.0.1 until closed; `connected` is set when the first request came."""

    def __init__(
        self,
        mode: str,
        every_s: float = 0.2,
        tls: tuple[Path, Path] | None = None,
        line: bytes = b"",
    ) -> None:
        self.mode, self.every_s, self.line = mode, every_s, line
        self.connected = threading.Event()
        self.stopping = threading.Event()
        self.context: ssl.SSLContext | None = None
        if tls is not None:
            self.context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            self.context.load_cert_chain(*tls)
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, host: str = "127.0.0.1", scheme: str = "http") -> str:
        return f"{scheme}://{host}:{self.port}/hooks"

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            if self.context is not None:
                conn = self.context.wrap_socket(conn, server_side=True)
            conn.recv(65536)
            self.connected.set()
            if self.mode == NOT_HTTP:
                conn.sendall(self.line)
                self.stopping.wait()
                return
            head = b"HTTP/1.1 200 OK\r\n"
            if self.mode == BODY:
                head += b"Content-Length: 100000\r\n\r\n"
            conn.sendall(head)
            n = 0
            while not self.stopping.wait(self.every_s):
                n += 1
                conn.sendall(b"x" if self.mode == BODY else b"X-Slow-%d: 1\r\n" % n)
        except OSError:
            pass  # the client gave up: what the tests want
        finally:
            conn.close()

    def close(self) -> None:
        self.stopping.set()
        self.sock.close()

    def __enter__(self) -> Trickler:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()


def elapsed(since: float) -> float:
    return time.monotonic() - since
