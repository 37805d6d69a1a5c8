"""A fake of Aliyun SMS (dysmsapi 2017-05-25) `SendSms`, for driving the real
`alibabacloud-dysmsapi20170525` SDK over HTTP in tests.

The SDK posts to `/` with the action in `x-acs-action`, the version in `x-acs-version`, the
parameters in the query string and an `ACS3-HMAC-SHA256` authorization naming the AccessKey id.
The fake checks what Aliyun would: the AccessKey id (else HTTP 404 `InvalidAccessKeyId.NotFound`),
an 11-digit mainland number without `+86` (else `isv.MOBILE_NUMBER_ILLEGAL`), the sign name
(`isv.SMS_SIGNATURE_ILLEGAL`), the template (`isv.SMS_TEMPLATE_ILLEGAL`) and its one variable,
`code` (`isv.TEMPLATE_MISSING_PARAMETERS`); refusals are HTTP 200 with `Code`, as Aliyun answers.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from tests.accounts.fake_sms import FakeSms, Received

ACCESS_KEY_ID = "LTAI5tFakeAccessKeyId"
ACCESS_KEY_SECRET = "fake-access-key-secret"
SIGN_NAME = "点点碳中和"
TEMPLATE_CODE = "SMS_465400001"


class FakeAliyunSms(FakeSms):
    def answer(self, req: Received) -> tuple[int, dict[str, Any]]:
        rid = secrets.token_hex(8).upper()
        if req.path != "/" or req.headers.get("x-acs-action") != "SendSms":
            return 400, {
                "Code": "InvalidAction.NotFound",
                "Message": "bad action",
                "RequestId": rid,
            }
        if req.headers.get("x-acs-version") != "2017-05-25":
            return 400, {"Code": "InvalidVersion", "Message": "bad version", "RequestId": rid}
        if f"Credential={ACCESS_KEY_ID}," not in req.headers.get("authorization", ""):
            return 404, {
                "Code": "InvalidAccessKeyId.NotFound",
                "Message": "Specified access key is not found.",
                "RequestId": rid,
            }
        failure = self.take_failure() or self._check(req.query)
        if failure:
            return 200, {"Code": failure[0], "Message": failure[1], "RequestId": rid}
        self.accept(req.query["PhoneNumbers"], json.loads(req.query["TemplateParam"])["code"])
        return 200, {"Code": "OK", "Message": "OK", "BizId": rid[:12] + "^0", "RequestId": rid}

    @staticmethod
    def _check(q: dict[str, str]) -> tuple[str, str] | None:
        if not re.fullmatch(r"1\d{10}", q.get("PhoneNumbers", "")):
            return "isv.MOBILE_NUMBER_ILLEGAL", "非法手机号"
        if q.get("SignName") != SIGN_NAME:
            return "isv.SMS_SIGNATURE_ILLEGAL", "该账号下找不到对应签名"
        if q.get("TemplateCode") != TEMPLATE_CODE:
            return "isv.SMS_TEMPLATE_ILLEGAL", "该账号下找不到对应模板"
        try:
            param = json.loads(q.get("TemplateParam", ""))
        except ValueError:
            return "isv.INVALID_JSON_PARAM", "JSON参数不合法，只接受字符串值"
        if not isinstance(param, dict) or set(param) != {"code"}:
            return "isv.TEMPLATE_MISSING_PARAMETERS", "模板变量缺少对应参数值"
        return None


def aliyun_settings(api_base: str = "https://dysmsapi.aliyuncs.com") -> dict[str, Any]:
    """The configuration of an app texting through Aliyun (this fake, given its URL)."""
    return {
        "SMS_PROVIDER": "aliyun",
        "ALIYUN_SMS_ACCESS_KEY_ID": ACCESS_KEY_ID,
        "ALIYUN_SMS_ACCESS_KEY_SECRET": ACCESS_KEY_SECRET,
        "ALIYUN_SMS_SIGN_NAME": SIGN_NAME,
        "ALIYUN_SMS_TEMPLATE_CODE": TEMPLATE_CODE,
        "ALIYUN_SMS_API_BASE": api_base,
    }
