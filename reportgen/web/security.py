"""What keeps the local page to the clerk who started it.

- Every request carries the token printed when ``reportgen serve`` started (as Jupyter
  does): the first visit brings it in the address, and gets it back as a cookie that only
  this page sends (HttpOnly, SameSite=Strict); the address is then shown without it.
- The Host header must name this machine and port (no DNS rebinding: a page of another
  site cannot make a browser talk to us under its own name), and a request sent from a
  page must come from this page's own origin.
- Paths come from the folder only (``Folder.path``): no ``..``, no absolute path, no link
  leading out of it, no encoded separators.
"""

from __future__ import annotations

import hmac
import os
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode

COOKIE = "reportgen_token"
MAX_BODY = 32 * 1024 * 1024  # an upload (30 MB) and its form; a larger request is refused as it arrives
TOO_LARGE = "上传的内容太大（超过 30 MB），已拒绝。"
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Guard:
    """ASGI middleware: token, Host and Origin, before any route sees the request."""

    def __init__(self, app, token: str, port: int, names: tuple[str, ...] = LOCAL_NAMES):
        self.app, self.token, self.port, self.names = app, token, port, names

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = {key.decode("latin-1").lower(): value.decode("latin-1") for key, value in scope["headers"]}
        hosts = {f"{name}:{self.port}" for name in self.names}
        if headers.get("host", "") not in hosts:
            return await _refuse(send, 421, "这个地址不是本机的 reportgen 页面（Host 不对），已拒绝。")
        origin = headers.get("origin")
        if origin is not None and origin not in {f"http://{host}" for host in hosts}:
            return await _refuse(send, 403, "请求来自别的网页（Origin 不对），已拒绝。")
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        cookie = SimpleCookie(headers.get("cookie", ""))
        held = cookie[COOKIE].value if COOKIE in cookie else headers.get("x-reportgen-token", "")
        if given and hmac.compare_digest(given, self.token):
            rest = urlencode({k: v for k, v in query.items() if k != "token"}, doseq=True)
            path = scope.get("raw_path") or quote(scope["path"]).encode("latin-1")
            location = path.decode("latin-1") + (f"?{rest}" if rest else "")
            return await _redirect(send, location, f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict")
        if not held or not hmac.compare_digest(held, self.token):
            return await _refuse(send, 403, "缺少启动 reportgen serve 时给出的令牌。请用终端中显示的完整地址打开这一页。")
        length = headers.get("content-length", "")
        if length.isdigit() and int(length) > MAX_BODY:
            return await _refuse(send, 413, TOO_LARGE)
        return await _Limited(self.app, MAX_BODY)(scope, receive, send)


class _Limited:
    """The request's body counted as it arrives (a client need not say its length): past
    the limit the request is refused and the application sees the client gone."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        received, refused = 0, False

        async def counted():
            nonlocal received, refused
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit and not refused:
                    refused = True
                    await _refuse(send, 413, TOO_LARGE)
            return {"type": "http.disconnect"} if refused else message

        async def answered(message):
            if not refused:  # once refused, the application's own answer is not sent
                await send(message)

        try:
            await self.app(scope, counted, answered)
        except Exception:
            if not refused:
                raise


async def _refuse(send, status: int, message: str) -> None:
    body = (f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>已拒绝</title>'
            f"<p>{message}</p></html>").encode("utf-8")
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str, cookie: str) -> None:
    await send({"type": "http.response.start", "status": 303,
                "headers": [(b"location", location.encode("latin-1")), (b"set-cookie", cookie.encode("latin-1")),
                            (b"content-length", b"0")]})
    await send({"type": "http.response.body", "body": b""})


def new_token() -> str:
    return os.urandom(24).hex()


class OutsideFolder(Exception):
    """A path that leads out of the served folder."""


class Folder:
    """The folder ``reportgen serve`` was started on: the only files it reads or writes."""

    def __init__(self, root: Path):
        self.root = Path(root).resolve()

    def path(self, relative: str) -> Path:
        """The file ``relative`` names inside the folder. Raises OutsideFolder."""
        if not relative or "\\" in relative or "\x00" in relative or "%" in relative or relative.startswith("/"):
            raise OutsideFolder(relative)
        parts = relative.split("/")
        if any(part in ("", ".", "..") for part in parts):
            raise OutsideFolder(relative)
        found = (self.root / Path(*parts)).resolve()
        if found != self.root and self.root not in found.parents:
            raise OutsideFolder(relative)  # a link leading out
        return found

    def relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root).as_posix()
