"""The organisation desk: a company admin creates an API key (shown once) and a webhook
endpoint (its secret shown once), and both work against the API."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import BrowserContext, Page, expect

from tests.e2e.conftest import Live, shot, signed_in

ADMIN = "+8613800138002"


def test_an_admin_creates_an_api_key_and_a_webhook_endpoint(
    context: BrowserContext, page: Page, live: Live
):
    signed_in(context, live, ADMIN, "王企业 Company admin")
    page.goto("/me")
    page.get_by_role("link", name=re.compile("成都蓉城科技有限公司")).click()
    expect(page.get_by_role("heading", name="成都蓉城科技有限公司 (示例)")).to_be_visible()

    page.get_by_role("link", name="API 密钥").click()
    page.get_by_label("名称").fill("ERP 对接")
    page.get_by_role("checkbox", name=re.compile("读取订单")).check()
    page.get_by_role("button", name="创建密钥").click()
    key = page.get_by_test_id("new-key")
    expect(key).to_have_text(re.compile(r"^ddk_"))
    expect(page.get_by_text("ERP 对接", exact=True)).to_be_visible()
    shot(page, "org-1-api-key")
    orders = requests.get(
        f"{live.url}/api/v1/orders",
        headers={"Authorization": f"Bearer {key.inner_text()}"},
        timeout=10,
    )
    assert orders.status_code == 200, orders.text

    page.get_by_role("link", name="Webhook").click()
    page.get_by_label("接收地址（HTTPS）").fill("http://127.0.0.1:9/hooks/diandian")
    page.get_by_role("checkbox", name=re.compile("证书已签发")).uncheck()
    page.get_by_role("button", name="添加端点").click()
    expect(page.get_by_test_id("new-secret")).to_have_text(re.compile(r"^whsec_"))
    expect(page.get_by_text("order.paid, order.retired, certificate.verified")).to_be_visible()
    page.get_by_role("button", name="停用").click()
    expect(page.get_by_text("已停用")).to_be_visible()
    shot(page, "org-2-webhook")
