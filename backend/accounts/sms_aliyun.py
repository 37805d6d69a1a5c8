"""Sign-in codes texted by Aliyun SMS (阿里云短信服务, dysmsapi 2017-05-25 `SendSms`) through the
official SDK, `alibabacloud-dysmsapi20170525`.

The template (模板) has one variable, `${code}`, sent as `TemplateParam` `{"code": "123456"}`.
Aliyun takes a mainland number as its 11 digits, without `+86`; any other as country code and
number, without `+`. A refusal comes as HTTP 200 with a `Code` other than `OK`, or as an HTTP
4xx the SDK raises.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from alibabacloud_dysmsapi20170525 import models
from alibabacloud_dysmsapi20170525.client import Client
from alibabacloud_tea_openapi.utils_models import Config
from darabonba.exceptions import ResponseException, UnretryableException
from darabonba.runtime import RuntimeOptions

from backend.accounts.sms_vendor import TIMEOUT_SECONDS, refused, sent, unreachable

PROVIDER = "aliyun"


def aliyun_number(phone: str) -> str:
    """An E.164 phone as Aliyun's `PhoneNumbers` wants it."""
    return phone.removeprefix("+86") if phone.startswith("+86") else phone.removeprefix("+")


class AliyunSms:
    """Texts a code through `SendSms`; one number per call, no retry (a retry may text twice)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        base = urlsplit(config["ALIYUN_SMS_API_BASE"])
        self.sign_name: str = config["ALIYUN_SMS_SIGN_NAME"]
        self.template_code: str = config["ALIYUN_SMS_TEMPLATE_CODE"]
        self.client = Client(
            Config(
                access_key_id=config["ALIYUN_SMS_ACCESS_KEY_ID"],
                access_key_secret=config["ALIYUN_SMS_ACCESS_KEY_SECRET"],
                endpoint=base.netloc,
                protocol=base.scheme,
                connect_timeout=TIMEOUT_SECONDS * 1000,
                read_timeout=TIMEOUT_SECONDS * 1000,
            )
        )

    def send_code(self, phone: str, code: str) -> None:
        request = models.SendSmsRequest(
            phone_numbers=aliyun_number(phone),
            sign_name=self.sign_name,
            template_code=self.template_code,
            template_param=json.dumps({"code": code}),
        )
        try:
            answer = self.client.send_sms_with_options(request, RuntimeOptions()).body
        except ResponseException as exc:  # an HTTP error status
            if (exc.status_code or 0) >= 500:
                raise unreachable(PROVIDER, phone, exc) from exc
            raise refused(PROVIDER, phone, str(exc.code), str(exc.message)) from exc
        except UnretryableException as exc:  # the network: refused, reset, timed out
            raise unreachable(PROVIDER, phone, exc) from exc
        if answer.code != "OK":
            raise refused(PROVIDER, phone, str(answer.code), str(answer.message))
        sent(PROVIDER, phone, f"BizId {answer.biz_id}")
