"""Sign-in codes texted by Tencent Cloud SMS (腾讯云短信, sms 2021-01-11 `SendSms`) through the
official SDK, `tencentcloud-sdk-python-sms`.

The template (模板) has one parameter, `{1}`, sent as `TemplateParamSet` `["123456"]`. Tencent
takes numbers in E.164 (`+8613800138000`). A refusal comes as `Response.Error`, which the SDK
raises, or as a `SendStatusSet` entry whose `Code` is not `Ok` (the per-number limits).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from tencentcloud.common.credential import Credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models
from tencentcloud.sms.v20210111.sms_client import SmsClient

from backend.accounts.sms_vendor import TIMEOUT_SECONDS, refused, sent, unreachable

PROVIDER = "tencent"
# The SDK's codes for a request that got no answer, or an HTTP status other than 200.
NETWORK_ERRORS = frozenset({"ClientNetworkError", "ServerNetworkError"})


class TencentSms:
    """Texts a code through `SendSms`; one number per call, no retry (a retry may text twice)."""

    def __init__(self, config: Mapping[str, Any]) -> None:
        base = urlsplit(config["TENCENT_SMS_API_BASE"])
        self.app_id: str = config["TENCENT_SMS_SDK_APP_ID"]
        self.sign_name: str = config["TENCENT_SMS_SIGN_NAME"]
        self.template_id: str = config["TENCENT_SMS_TEMPLATE_ID"]
        http = HttpProfile(
            protocol=base.scheme, endpoint=base.netloc, reqMethod="POST", reqTimeout=TIMEOUT_SECONDS
        )
        self.client = SmsClient(
            Credential(config["TENCENT_SMS_SECRET_ID"], config["TENCENT_SMS_SECRET_KEY"]),
            config["TENCENT_SMS_REGION"],
            ClientProfile(httpProfile=http),
        )

    def send_code(self, phone: str, code: str) -> None:
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone]
        request.SmsSdkAppId = self.app_id
        request.SignName = self.sign_name
        request.TemplateId = self.template_id
        request.TemplateParamSet = [code]
        try:
            answer = self.client.SendSms(request)
        except TencentCloudSDKException as exc:
            if exc.get_code() in NETWORK_ERRORS:
                raise unreachable(PROVIDER, phone, exc) from exc
            raise refused(PROVIDER, phone, str(exc.get_code()), str(exc.get_message())) from exc
        statuses = answer.SendStatusSet or []
        for status in statuses:
            if status.Code != "Ok":
                raise refused(PROVIDER, phone, str(status.Code), str(status.Message))
        if not statuses:
            raise refused(PROVIDER, phone, "NoSendStatus", "no SendStatusSet in the answer")
        sent(PROVIDER, phone, f"SerialNo {statuses[0].SerialNo}")
