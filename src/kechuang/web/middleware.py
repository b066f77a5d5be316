"""Per-request language choice: ``?lang=`` wins and is remembered in a cookie; zh-CN by default."""

from __future__ import annotations

from http.cookies import SimpleCookie

from starlette.datastructures import MutableHeaders, QueryParams
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kechuang.web import i18n

ONE_YEAR = 365 * 24 * 3600


class LanguageMiddleware:
    """Puts the chosen :class:`~kechuang.web.i18n.Language` in ``scope['state']['language']``."""

    def __init__(self, app: ASGIApp, *, secure_cookies: bool) -> None:
        self.app = app
        self.secure_cookies = secure_cookies

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Choose the language, then set the cookie when the query string changed it."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        query = QueryParams(scope.get("query_string", b"").decode("latin-1"))
        from_query = i18n.parse_language(query.get(i18n.LANG_QUERY))
        from_cookie = None
        for name, value in scope.get("headers", []):
            if name == b"cookie":
                cookie: SimpleCookie = SimpleCookie()
                try:
                    cookie.load(value.decode("latin-1"))
                except Exception:  # noqa: S112 - a malformed cookie header is ignored
                    continue
                if i18n.LANG_COOKIE in cookie:
                    from_cookie = i18n.parse_language(cookie[i18n.LANG_COOKIE].value)
        language = from_query or from_cookie or i18n.DEFAULT_LANGUAGE
        scope.setdefault("state", {})["language"] = language

        if from_query is None or from_query == from_cookie:
            await self.app(scope, receive, send)
            return

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                flags = f"Path=/; Max-Age={ONE_YEAR}; SameSite=Lax; HttpOnly"
                if self.secure_cookies:
                    flags += "; Secure"
                headers.append("set-cookie", f"{i18n.LANG_COOKIE}={from_query.value}; {flags}")
            await send(message)

        await self.app(scope, receive, send_with_cookie)
