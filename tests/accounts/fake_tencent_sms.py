"""A fake of Tencent Cloud SMS (sms 2021-01-11) `SendSms`, for driving the real
`tencentcloud-sdk-python-sms` SDK over HTTP in tests.

The SDK posts JSON to `/` with `X-TC-Action`, `X-TC-Version`, `X-TC-Region` and a
`TC3-HMAC-SHA256` authorization naming the SecretId. The fake checks what Tencent Cloud would:
the SecretId (else `AuthFailure.SecretIdNotFound`), the SdkAppId
(`FailedOperation.SmsSdkAppIdVerifyFail`), the sign name
(`FailedOperation.SignatureIncorrectOrUnapproved`), the template
(`FailedOperation.TemplateIncorrectOrUnapproved`) and its one parameter, the code
(`FailedOperation.TemplateParamSetNotMatchApprovedTemplate`): these answer `Response.Error`.
Each number must be E.164 (`+86…`, else `InvalidParameterValue.IncorrectPhoneNumber` in its
`SendStatusSet` entry). A `fail_with` code starting `LimitExceeded.` (the per-number limits)
is answered in the number's entry, others as `Response.Error`.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from tests.accounts.fake_sms import FakeSms, Received

SECRET_ID = "AKIDFakeSecretId"
SECRET_KEY = "fake-secret-key"
SDK_APP_ID = "1400000001"
SIGN_NAME = "点点碳中和"
TEMPLATE_ID = "2100001"
REGION = "ap-guangzhou"


class FakeTencentSms(FakeSms):
    def answer(self, req: Received) -> tuple[int, dict[str, Any]]:
        rid = secrets.token_hex(16)
        h = req.headers
        if (h.get("x-tc-action"), h.get("x-tc-version")) != ("SendSms", "2021-01-11"):
            return 200, _error("InvalidAction", "bad action or version", rid)
        if h.get("x-tc-region") != REGION:
            return 200, _error("UnsupportedRegion", "bad region", rid)
        if not h.get("authorization", "").startswith(f"TC3-HMAC-SHA256 Credential={SECRET_ID}/"):
            return 200, _error("AuthFailure.SecretIdNotFound", "The SecretId is not found", rid)
        body = json.loads(req.body)
        failure = self.take_failure()
        if failure and not failure[0].startswith("LimitExceeded."):
            return 200, _error(*failure, rid)
        refused = _check(body)
        if refused:
            return 200, _error(*refused, rid)
        statuses = []
        for phone in body["PhoneNumberSet"]:
            code, message = failure or ("Ok", "send success")
            if not re.fullmatch(r"\+861\d{10}", phone):
                code, message = "InvalidParameterValue.IncorrectPhoneNumber", "incorrect number"
            if code == "Ok":
                self.accept(phone, body["TemplateParamSet"][0])
            statuses.append(
                {
                    "SerialNo": secrets.token_hex(10),
                    "PhoneNumber": phone,
                    "Fee": 1 if code == "Ok" else 0,
                    "SessionContext": "",
                    "Code": code,
                    "Message": message,
                    "IsoCode": "CN",
                }
            )
        return 200, {"Response": {"SendStatusSet": statuses, "RequestId": rid}}


def _check(body: dict[str, Any]) -> tuple[str, str] | None:
    if body.get("SmsSdkAppId") != SDK_APP_ID:
        return "FailedOperation.SmsSdkAppIdVerifyFail", "SmsSdkAppId verify fail"
    if body.get("SignName") != SIGN_NAME:
        return "FailedOperation.SignatureIncorrectOrUnapproved", "signature not approved"
    if body.get("TemplateId") != TEMPLATE_ID:
        return "FailedOperation.TemplateIncorrectOrUnapproved", "template not approved"
    params = body.get("TemplateParamSet")
    if not (isinstance(params, list) and len(params) == 1 and re.fullmatch(r"\d{6}", params[0])):
        return "FailedOperation.TemplateParamSetNotMatchApprovedTemplate", "params do not match"
    return None


def _error(code: str, message: str, rid: str) -> dict[str, Any]:
    return {"Response": {"Error": {"Code": code, "Message": message}, "RequestId": rid}}


def tencent_settings(api_base: str = "https://sms.tencentcloudapi.com") -> dict[str, Any]:
    """The configuration of an app texting through Tencent Cloud (this fake, given its URL)."""
    return {
        "SMS_PROVIDER": "tencent",
        "TENCENT_SMS_SECRET_ID": SECRET_ID,
        "TENCENT_SMS_SECRET_KEY": SECRET_KEY,
        "TENCENT_SMS_SDK_APP_ID": SDK_APP_ID,
        "TENCENT_SMS_SIGN_NAME": SIGN_NAME,
        "TENCENT_SMS_TEMPLATE_ID": TEMPLATE_ID,
        "TENCENT_SMS_REGION": REGION,
        "TENCENT_SMS_API_BASE": api_base,
    }
