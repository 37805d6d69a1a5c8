"""The PWA's precompressed copies: Brotli or gzip to browsers that accept them, the plain file to
the rest, with the original type and `Vary: Accept-Encoding` either way."""

from __future__ import annotations

import gzip

import pytest

SOURCE = b"export const hello = '\xe4\xbd\xa0\xe5\xa5\xbd';\n" * 200
BROTLI = b"\x1b(the build's Brotli copy)"  # served as it is, so any bytes prove which file went


@pytest.fixture
def dist(app, monkeypatch, tmp_path):
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>点点</title>", encoding="utf-8")
    js = tmp_path / "assets" / "app-abc.js"
    js.write_bytes(SOURCE)
    (tmp_path / "assets" / "app-abc.js.br").write_bytes(BROTLI)
    (tmp_path / "assets" / "app-abc.js.gz").write_bytes(gzip.compress(SOURCE))
    monkeypatch.setitem(app.config, "PWA_DIST", str(tmp_path))
    return tmp_path


@pytest.mark.parametrize(
    ("accept", "encoding", "decode"),
    [
        ("gzip, deflate, br", "br", {BROTLI: SOURCE}.get),
        ("gzip", "gzip", gzip.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
        ("identity", None, bytes),
    ],
)
def test_the_best_accepted_encoding_is_sent(client, dist, accept, encoding, decode):
    resp = client.get("/assets/app-abc.js", headers={"Accept-Encoding": accept})
    assert resp.status_code == 200
    assert resp.headers.get("Content-Encoding") == encoding
    assert resp.mimetype == "text/javascript"
    assert "Accept-Encoding" in resp.headers["Vary"]
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert decode(resp.get_data()) == SOURCE


def test_a_file_without_copies_is_sent_as_it_is(client, dist):
    resp = client.get("/some/app/route", headers={"Accept-Encoding": "br, gzip"})
    assert resp.status_code == 200
    assert "Content-Encoding" not in resp.headers
    assert "点点" in resp.get_data(as_text=True)
    assert resp.headers["Cache-Control"] == "no-cache"
