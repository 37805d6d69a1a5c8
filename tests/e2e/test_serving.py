"""Flask serving the built web app: hashed assets cached for good, the shell revalidated, app
routes falling back to it (uses the test app with a stand-in build, not the browser)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def dist(app) -> Path:
    root = Path(app.config["PWA_DIST"])
    (root / "assets").mkdir(exist_ok=True)
    (root / "assets" / "index-Ab12Cd34.js").write_text("export {};")
    (root / "sw.js").write_text("// service worker")
    return root


def test_hashed_assets_are_immutable_and_the_rest_revalidates(client, dist):
    asset = client.get("/assets/index-Ab12Cd34.js")
    assert asset.status_code == 200
    assert asset.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in ("/sw.js", "/", "/neutralise/meeting"):
        assert client.get(path).headers["Cache-Control"] == "no-cache", path


@pytest.mark.parametrize(
    "path", ["/neutralise/meeting?attendees=50&days=1&via=wechat", "/court-purchase/abc123"]
)
def test_client_routes_get_the_app_shell(client, dist, path):
    resp = client.get(path)
    assert resp.status_code == 200
    assert b"<title>" in resp.data


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/assets/missing-0000.js"])
def test_api_paths_and_missing_files_are_not_swallowed(client, dist, path):
    assert client.get(path).status_code == 404
