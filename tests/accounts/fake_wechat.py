"""A small in-process fake of WeChat's sign-in endpoints, for driving `wechat_login` (and the
PWA in a browser) over real HTTP in tests.

    GET /connect/oauth2/authorize   the browser arrives here; the fake plays the WeChat user
                                    `signed_in_as` and redirects to `redirect_uri?code&state`
    GET /sns/oauth2/access_token    an official account's code for its openid (and unionid)
    GET /sns/jscode2session         a mini-program's code for its openid (and unionid)
    GET /cgi-bin/token              the official account's access_token (client_credential)
    GET /cgi-bin/ticket/getticket   the JS-SDK's jsapi_ticket for an access_token it gave

Codes work once and only for the app they were made for; wrong app ids or secrets, unknown and
used codes answer WeChat's errcodes (40013, 40125, 40029, 40163) with HTTP 200, as WeChat does,
and JSON labelled text/plain. `fail_next` makes the next API call answer `errcode: -1`.
`revoke_tokens()` makes every access token it gave invalid (errcode 40001, as when another
system fetched a new one). `GET /_fake/code?appid=…` hands out a code for `signed_in_as`, for
callers that hold only the fake's URL (the access matrix builds its requests from the app's
configuration).
"""

from __future__ import annotations

import json
import secrets
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

OA_APPID, OA_SECRET = "wxoa0000000000test", "oa-secret-for-tests"
MINI_APPID, MINI_SECRET = "wxmini00000000test", "mini-secret-for-tests"


@dataclass(frozen=True)
class WechatUser:
    """Someone using WeChat: their openid in each of our apps, and their unionid."""

    oa_openid: str
    mini_openid: str
    unionid: str | None = None

    @staticmethod
    def new(unionid: bool = True) -> WechatUser:
        tag = secrets.token_hex(6)
        return WechatUser(f"o_oa_{tag}", f"o_mini_{tag}", f"u_{tag}" if unionid else None)


@dataclass
class FakeWechat:
    signed_in_as: WechatUser | None = field(default_factory=WechatUser.new)  # WeChat's user here
    snapshot: bool = False  # answer is_snapshotuser=1 (WeChat's page preview)
    fail_next: bool = False
    calls: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _codes: dict[str, tuple[str, WechatUser]] = field(default_factory=dict)
    _used: set[str] = field(default_factory=set)
    _tokens: set[str] = field(default_factory=set)
    tickets: list[str] = field(default_factory=list)  # every jsapi_ticket handed out
    _server: BaseWSGIServer | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    # -- test controls -------------------------------------------------------------------------

    def code_for(self, user: WechatUser, app: str = OA_APPID) -> str:
        """A code WeChat would give `user` for `app` (once)."""
        code = "c" + secrets.token_hex(12)
        with self._lock:
            self._codes[code] = (app, user)
        return code

    def revoke_tokens(self) -> None:
        with self._lock:
            self._tokens.clear()

    def hits(self, path: str) -> int:
        """How many calls `path` got."""
        return sum(1 for p, _ in self.calls if p == path)

    @property
    def url(self) -> str:
        assert self._server is not None, "start the fake first"
        return f"http://127.0.0.1:{self._server.server_port}"

    def start(self) -> FakeWechat:
        self._server = make_server(
            "127.0.0.1", 0, self._wsgi, threaded=True, request_handler=_Quiet
        )
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- WeChat --------------------------------------------------------------------------------

    def _wsgi(self, environ: dict[str, Any], start_response: Any) -> Any:
        req = Request(environ)
        args = dict(req.args)
        self.calls.append((req.path, args))
        handlers = {
            "/connect/oauth2/authorize": self._authorize,
            "/sns/oauth2/access_token": lambda a: self._exchange(a, OA_APPID, OA_SECRET, "code"),
            "/sns/jscode2session": lambda a: self._exchange(a, MINI_APPID, MINI_SECRET, "js_code"),
            "/cgi-bin/token": self._token,
            "/cgi-bin/ticket/getticket": self._ticket,
            "/_fake/code": self._hand_out,
        }
        handler = handlers.get(req.path)
        resp = handler(args) if handler else Response("not found", status=404)
        return resp(environ, start_response)

    def _authorize(self, args: dict[str, str]) -> Response:
        if args.get("appid") != OA_APPID or args.get("scope") != "snsapi_base":
            return Response("bad appid or scope", status=400)
        if self.signed_in_as is None:
            return Response("nobody is signed in to WeChat here", status=403)
        code = self.code_for(self.signed_in_as, OA_APPID)
        query = urlencode({"code": code, "state": args.get("state", "")})
        return Response(status=302, headers={"Location": f"{args['redirect_uri']}?{query}"})

    def _hand_out(self, args: dict[str, str]) -> Response:
        assert self.signed_in_as is not None
        return Response(self.code_for(self.signed_in_as, args.get("appid", OA_APPID)))

    def _exchange(self, args: dict[str, str], appid: str, secret: str, param: str) -> Response:
        if self.fail_next:
            self.fail_next = False
            return _answer({"errcode": -1, "errmsg": "system error"})
        if args.get("appid") != appid:
            return _answer({"errcode": 40013, "errmsg": "invalid appid"})
        if args.get("secret") != secret:
            return _answer({"errcode": 40125, "errmsg": "invalid appsecret"})
        code = args.get(param, "")
        with self._lock:
            if code in self._used:
                return _answer({"errcode": 40163, "errmsg": "code been used"})
            found = self._codes.pop(code, None)
            if found is None or found[0] != appid:
                return _answer({"errcode": 40029, "errmsg": "invalid code"})
            self._used.add(code)
        user = found[1]
        body: dict[str, Any]
        if appid == OA_APPID:
            body = {
                "access_token": "ACCESS_" + secrets.token_hex(8),
                "expires_in": 7200,
                "refresh_token": "REFRESH_" + secrets.token_hex(8),
                "openid": user.oa_openid,
                "scope": "snsapi_base",
                "is_snapshotuser": 1 if self.snapshot else 0,
            }
        else:
            body = {"openid": user.mini_openid, "session_key": secrets.token_hex(12)}
        if user.unionid:
            body["unionid"] = user.unionid
        return _answer(body)

    def _token(self, args: dict[str, str]) -> Response:
        if self.fail_next:
            self.fail_next = False
            return _answer({"errcode": -1, "errmsg": "system error"})
        if args.get("grant_type") != "client_credential" or args.get("appid") != OA_APPID:
            return _answer({"errcode": 40013, "errmsg": "invalid appid"})
        if args.get("secret") != OA_SECRET:
            return _answer({"errcode": 40125, "errmsg": "invalid appsecret"})
        token = "ACCESS_" + secrets.token_hex(16)
        with self._lock:
            self._tokens.add(token)
        return _answer({"access_token": token, "expires_in": 7200})

    def _ticket(self, args: dict[str, str]) -> Response:
        if self.fail_next:
            self.fail_next = False
            return _answer({"errcode": -1, "errmsg": "system error"})
        with self._lock:
            known = args.get("access_token") in self._tokens
        if not known:
            return _answer({"errcode": 40001, "errmsg": "invalid credential"})
        if args.get("type") != "jsapi":
            return _answer({"errcode": 40097, "errmsg": "invalid args"})
        ticket = "TICKET_" + secrets.token_urlsafe(40)
        self.tickets.append(ticket)
        return _answer({"errcode": 0, "errmsg": "ok", "ticket": ticket, "expires_in": 7200})


def _answer(body: dict[str, Any]) -> Response:
    return Response(json.dumps(body), mimetype="text/plain")


class _Quiet(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass
