"""Fixtures shared with neighbours: courts and their stock (a court purchase paid through WeChat
Pay), and WeChat Pay's fake with the app paying through it."""

from tests.courts.conftest import courts, forestry, staff  # noqa: F401
from tests.payments.test_wechatpay_flow import fake, provider, shop  # noqa: F401
