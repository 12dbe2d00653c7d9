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

import errno
import hmac
import os
import re
from contextlib import ExitStack
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from reportgen.errors import InputError, os_reason

COOKIE = "reportgen_token"
MAX_BODY = 32 * 1024 * 1024  # an upload (30 MB) and its form; a larger request is refused as it arrives
TOO_LARGE = "上传的内容太大（超过 30 MB），已拒绝。"
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# Refused in an address, as the README says: an encoded separator (%2F, %5C), an encoded dot
# (%2E: an encoded ".." ), an encoded NUL (%00), and a "%" encoded again (%25).
ENCODED = re.compile(r"%(2f|5c|2e|00|25)", re.IGNORECASE)
ENCODED_REFUSED = "地址中有编码的分隔符或点（%2F、%5C、%2E、%00、%25），已拒绝。"
MAX_SEGMENT = 255  # bytes in one file or folder name, as file systems allow


def _origin_of(referer: str) -> str:
    parts = urlsplit(referer)
    return f"{parts.scheme}://{parts.netloc}"


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
        own = {f"http://{host}" for host in hosts}
        if origin is not None and origin not in own:
            return await _refuse(send, 403, "请求来自别的网页（Origin 不对），已拒绝。")
        if (
            origin is None
            and scope.get("method", "GET") not in SAFE_METHODS
            and "referer" in headers
            and _origin_of(headers["referer"]) not in own
        ):  # a browser that sends no Origin says where it was
            return await _refuse(send, 403, "请求来自别的网页（Referer 不对），已拒绝。")
        if ENCODED.search(scope.get("raw_path", b"").decode("latin-1")):
            return await _refuse(send, 403, ENCODED_REFUSED)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        given = query.get("token", [""])[0]
        cookie = SimpleCookie(headers.get("cookie", ""))
        held = cookie[COOKIE].value if COOKIE in cookie else headers.get("x-reportgen-token", "")
        if given and hmac.compare_digest(given, self.token):
            rest = urlencode({k: v for k, v in query.items() if k != "token"}, doseq=True)
            path = scope.get("raw_path") or quote(scope["path"]).encode("latin-1")
            location = path.decode("latin-1") + (f"?{rest}" if rest else "")
            return await _redirect(send, location, f"{COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict")
        if not held and not given:
            return await _refuse(
                send, 403, "缺少启动 reportgen serve 时给出的令牌。请用终端中显示的完整地址打开这一页。"
            )
        if not held or not hmac.compare_digest(held, self.token):
            return await _refuse(
                send,
                403,
                "令牌不对（可能是上一次启动时的地址，每次启动令牌都不同）。请用终端中这一次显示的完整地址打开这一页。",
            )
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


class Confined:
    """ASGI middleware: whatever a request writes (a saved file, next year's file, an import,
    an uploaded draft, their records and backups) is created inside the served folder, links
    resolved at the moment of writing; and whatever it reads beside the file asked for (last
    year's file, the same year's other documents) is read only from inside the folder.
    ``confinements`` are the folder's (``DataFolder.writing``, over
    ``reportgen.output.writing.confined``; ``DataFolder.reading``, over
    ``reportgen.untrusted.reading_within``)."""

    def __init__(self, app, *confinements):
        self.app, self.confinements = app, confinements

    async def __call__(self, scope, receive, send):
        with ExitStack() as held:
            for confinement in self.confinements:
                held.enter_context(confinement())
            await self.app(scope, receive, send)


async def _refuse(send, status: int, message: str) -> None:
    body = (
        f'<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>已拒绝</title><p>{message}</p></html>'
    ).encode("utf-8")
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})


async def _redirect(send, location: str, cookie: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [
                (b"location", location.encode("latin-1")),
                (b"set-cookie", cookie.encode("latin-1")),
                (b"content-length", b"0"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b""})


HEADER_TIMEOUT = 10.0  # seconds a client has to send a request's headers (a browser needs milliseconds)
MAX_HEADERS = 64 * 1024  # the most a request's line and headers may hold (h11's own limit is 16 KB)


def server_settings() -> dict:
    """uvicorn's settings for the page: a header timeout (uvicorn has none of its own: a half-sent
    request would hold a connection for ever), a short keep-alive, a bound on the headers, and a
    bound on how long Ctrl-C waits for requests still running."""
    return dict(
        http=header_timeout_protocol(),
        h11_max_incomplete_event_size=MAX_HEADERS,
        timeout_keep_alive=5,
        timeout_graceful_shutdown=5,
    )


def header_timeout_protocol(seconds: float = HEADER_TIMEOUT):
    """uvicorn's h11 protocol, closing a connection whose request headers have not all arrived
    ``seconds`` after it opened, or after its last answer (imported when the page starts)."""
    import h11
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class HeaderTimeout(H11Protocol):
        _header_timer = None

        def connection_made(self, transport) -> None:
            super().connection_made(transport)
            self._arm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            self._arm()

        def connection_lost(self, exc) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._header_timer is not None:
                self._header_timer.cancel()
            self._header_timer = self.loop.call_later(seconds, self._too_slow)

        def _too_slow(self) -> None:
            self._header_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():  # headers still not all in
                self.transport.close()

    return HeaderTimeout


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
        if any(len(part.encode("utf-8", "surrogateescape")) > MAX_SEGMENT for part in parts):  # as check says it
            too_long = OSError(errno.ENAMETOOLONG, os.strerror(errno.ENAMETOOLONG))
            raise InputError(f"无法读取 {relative}：{os_reason(too_long)}")
        try:
            found = (self.root / Path(*parts)).resolve()
        except (OSError, RuntimeError) as problem:  # a loop of links, a name the system refuses
            reason = os_reason(problem) if isinstance(problem, OSError) else "链接绕成了圈"
            raise InputError(f"无法读取 {relative}：{reason}") from None
        if found != self.root and self.root not in found.parents:
            raise OutsideFolder(relative)  # a link leading out
        return found

    def relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.root).as_posix()
