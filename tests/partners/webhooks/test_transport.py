"""The pinned connection over TLS: it connects to the vetted address while SNI and the
certificate check use the URL's host name."""

from __future__ import annotations

import datetime as dt
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from backend.partners.webhooks.transport import PinnedAdapter

NAME = "hooks.example.test"


def self_signed(tmp: Path, name: str) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=1))
        .not_valid_after(now + dt.timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName(name)]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = tmp / f"{name}.pem", tmp / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


class TlsServer:
    def __init__(self, cert: Path, key: Path) -> None:
        self.sni: list[str | None] = []
        self.hosts: list[str | None] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                server.hosts.append(self.headers.get("Host"))
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *_args: object) -> None:
                pass

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        context.sni_callback = lambda _sock, name, _ctx: self.sni.append(name)
        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[TlsServer, Path]]:
    cert, key = self_signed(tmp_path, NAME)
    server = TlsServer(cert, key)
    yield server, cert
    server.httpd.shutdown()
    server.httpd.server_close()


def pinned_post(url: str, ca: Path) -> requests.Response:
    with requests.Session() as http:
        http.trust_env = False
        http.mount("https://", PinnedAdapter("127.0.0.1"))
        return http.post(
            url,
            data=b"{}",
            headers={"Host": url.split("/")[2]},
            verify=str(ca),
            timeout=5,
        )


def test_tls_to_the_pinned_address_checks_the_url_host_name(tls):
    server, ca = tls
    resp = pinned_post(f"https://{NAME}:{server.port}/in", ca)
    assert resp.status_code == 204
    assert server.sni == [NAME]
    assert server.hosts == [f"{NAME}:{server.port}"]


def test_a_certificate_for_another_name_is_refused(tls):
    server, ca = tls
    with pytest.raises(requests.exceptions.SSLError):
        pinned_post(f"https://other.example.test:{server.port}/in", ca)
    assert server.hosts == []
