"""Links point where the app is served (issue 17, finding 4): in sandbox, with PUBLIC_BASE_URL
unset, a certificate's QR, fetched from a real server on a random port, decodes to a URL on
that port; outside a request (the worker) links use PORT; the banner says so; live mode
refuses to start without PUBLIC_BASE_URL."""

from __future__ import annotations

import io
import json
import socket
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import zxingcpp
from flask import Flask
from PIL import Image
from werkzeug.serving import make_server

from backend.app import create_app
from backend.certificates import issuers
from backend.core import db, public_url, uow
from backend.core.config import ConfigError
from backend.core.migrate import upgrade
from tests import factories as f


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Flask, int]]:
    """An app on its own SQLite database, served on a random port, PUBLIC_BASE_URL unset."""
    database = f"sqlite:///{tmp_path / 'links.sqlite3'}"
    upgrade(database)
    port = free_port()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database,
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "SECRET_KEY": "links-secret",
            "PUBLIC_BASE_URL": "",
            "PORT": port,
            "LOG_LEVEL": "WARNING",
        }
    )
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, port
    finally:
        server.shutdown()


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - our own server
            return resp.status, resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def test_the_qr_points_at_the_port_the_app_is_served_on(served):
    app, port = served
    with app.app_context(), uow.transaction(db.session()) as s:
        project = f.project(s, standard="CCER", ptype="forestry", province="CN-SC")
        f.lot(s, project, 10, price=5000)
        prefs = {"project_ids": [project.id]}
        # outside a request (the worker, a command): http://127.0.0.1:$PORT
        assert issuers.current().base_url == f"http://127.0.0.1:{port}"
    client = app.test_client()
    buyer = f.sign_in(client, f.new_phone())
    order = f.neutralise(client, buyer, mass_g=1_000_000, beneficiary="链接测试", preferences=prefs)
    cert = client.get(
        f"/api/v1/certificates/{order['certificate_number']}", headers=f.bearer(buyer)
    ).get_json()

    status, png = fetch(f"http://127.0.0.1:{port}{cert['png_url']}")
    assert status == 200
    with Image.open(io.BytesIO(png)) as im:
        # QR codes only, by their text: in one CI run zxing reported two codes in this image
        found = zxingcpp.read_barcodes(
            im.convert("L"), formats=zxingcpp.BarcodeFormats(zxingcpp.BarcodeFormat.QRCode)
        )
    (link,) = {code.text for code in found}
    target = urlsplit(link)
    assert (target.scheme, target.hostname, target.port) == ("http", "127.0.0.1", port)
    status, page = fetch(link)
    assert status == 200
    assert "有效证书" in page.decode()
    # a phone on the LAN reaches the app by another name: its links use that one
    other = f"http://localhost:{port}"
    status, body = fetch(f"{other}/api/v1/certificates/{cert['number']}?k={cert['check_code']}")
    assert status == 200
    assert json.loads(body)["verify_url"].startswith(f"{other}/verify/")


def test_the_banner_says_where_links_point(served):
    app, port = served
    out = app.test_cli_runner().invoke(args=["banner"]).output
    assert f"serving at http://127.0.0.1:{port}/" in out
    assert "Links and QR codes point at the address each request comes to" in out
    app.config["PUBLIC_BASE_URL"] = "https://diandian.example"
    out = app.test_cli_runner().invoke(args=["banner"]).output
    assert "Links and QR codes point at https://diandian.example (PUBLIC_BASE_URL)" in out
    assert public_url.base_url(app.config) == "https://diandian.example"


live = f.live_config


def test_live_mode_refuses_to_start_without_a_public_base_url(tmp_path):
    with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be set"):
        live(tmp_path).finalise()
    for bad in ("diandian.example", "ftp://diandian.example", "https://x.example/app?a=1"):
        with pytest.raises(ConfigError, match="PUBLIC_BASE_URL must be an http"):
            live(tmp_path, PUBLIC_BASE_URL=bad).finalise()
    assert live(tmp_path, PUBLIC_BASE_URL="https://diandian.example").finalise()
