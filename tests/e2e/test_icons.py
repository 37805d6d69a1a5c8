"""Icons: PNG and maskable icons in the manifest, a PNG apple-touch-icon, a favicon on the
server-rendered verify page, and SVG (not emoji) icons in the tab bar."""

from __future__ import annotations

import io
import re

from PIL import Image
from playwright.sync_api import Page, expect
from sqlalchemy import select

from backend.certificates.issuing import check_code
from backend.certificates.models import Certificate
from backend.core import db
from tests.e2e.conftest import Live, shot

# Emoji, pictographs, dingbats, arrows and the other symbol blocks that fall back to tofu.
SYMBOLS = re.compile("[\u2190-\u2bff\u2600-\u27bf\U0001f000-\U0001faff\ufe0f]")


def png(page: Page, href: str) -> tuple[int, int]:
    resp = page.request.get(href)
    assert resp.status == 200, href
    assert resp.headers["content-type"] == "image/png", href
    return Image.open(io.BytesIO(resp.body())).size


def test_the_manifest_icons_are_pngs_of_their_stated_size(page: Page):
    page.goto("/")
    manifest = page.request.get(page.locator("link[rel=manifest]").get_attribute("href") or "")
    icons = manifest.json()["icons"]
    pngs = [i for i in icons if i["type"] == "image/png"]
    assert {i["sizes"] for i in pngs} >= {"192x192", "512x512"}
    assert any(i["purpose"] == "maskable" for i in pngs)
    for icon in pngs:
        width, height = (int(n) for n in icon["sizes"].split("x"))
        assert png(page, icon["src"]) == (width, height)
    apple = page.locator("link[rel=apple-touch-icon]").get_attribute("href") or ""
    assert png(page, apple) == (180, 180)


def test_the_verify_page_links_a_favicon_the_server_serves(page: Page, live: Live):
    with live.app.app_context():
        cert = db.session().scalars(select(Certificate).limit(1)).one()
        number, code = cert.number, check_code(cert)
    page.goto(f"/verify/{number}?k={code}")
    expect(page.get_by_text("有效证书")).to_be_visible()
    href = page.locator("link[rel=icon]").get_attribute("href") or ""
    assert png(page, href) == (192, 192)


def test_the_tab_bar_and_tiles_draw_svg_icons_not_emoji(page: Page):
    page.goto("/")
    tabbar = page.locator("nav.tabbar")
    expect(tabbar.locator("a")).to_have_count(4)
    expect(tabbar.locator("a svg")).to_have_count(4)
    assert not SYMBOLS.search(tabbar.inner_text())
    tiles = page.locator(".tiles")
    expect(tiles.locator(".tile svg")).to_have_count(tiles.locator(".tile").count())
    assert not SYMBOLS.search(tiles.inner_text())
    shot(page, "icons-home")
