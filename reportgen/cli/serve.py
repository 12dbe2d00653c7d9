"""``reportgen serve``: the local web page (reportgen.web), started from the command line."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from reportgen.cli import options
from reportgen.cli.app import command
from reportgen.cli.terminal import echo
from reportgen.errors import UsageError


@command(
    "serve",
    "在本机打开网页：填写、检查、保存数据，生成和下载草稿，导入报告。",
    (
        "\n"
        "在浏览器中处理一个文件夹（与 data/ 一样的结构）中的全部报告：按打印的样子显示三张法定表格，每格可"
        "以填写，每次改动都像 check 一样检查，问题显示在格子旁边；保存时只改动改过的数字和文字，注释和其他"
        "行原样保留；文件在打开页面后被别人改过时不保存。任务分解表、工作总结等其他文档也按各自的定义在页"
        "上填写。文件夹中有名单（名单.csv 或 名单.toml，或用 --roster 指定）时，列出还没有报送的单位。可以"
        "下载 Word、Markdown、网页、PDF 和 JSON，上传改过的 Word 草稿更新数字，上传已发布的报告或交回的填"
        "报表导入。\n"
        "\n"
        "只在本机（127.0.0.1）监听；每次启动生成一个令牌，只有终端中显示的地址能打开页面。按 Ctrl-C 结束。"
        "\n"
    ),
)
def serve(
    folder: Annotated[
        Path,
        typer.Argument(
            metavar="文件夹", show_default=False, help="放数据文件的文件夹（每个机关一个子文件夹），默认 data。"
        ),
    ] = Path("data"),
    port: Annotated[
        Optional[int],
        typer.Option("--port", metavar="端口", show_default=False, help="使用这个端口（默认：找一个空闲的端口）。"),
    ] = None,
    no_browser: Annotated[bool, typer.Option("--no-browser", help="不自动打开浏览器。")] = False,
    roster: options.Roster = None,
) -> int:
    import socket
    import warnings
    import webbrowser

    import uvicorn  # imported only here: the other commands start as fast as before

    from reportgen.web.app import create_app
    from reportgen.web.security import new_token, server_settings

    class _Server(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets)
            _release_ctrl_c()  # uvicorn's own handler is in place: a Ctrl-C held meanwhile ends the page now

    if not folder.is_dir():
        raise UsageError(f"{folder} 不是文件夹。")
    options.roster(roster)  # a bad roster said now, not on the page
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"--port 的值“{port}”无效，应为 1–65535 之间的数字。")
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # Each answer is written in two parts (headers, body); without this the second waits for
    # the browser's delayed acknowledgement of the first, 40 ms on every request.
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # the same port again right after Ctrl-C
    try:
        listener.bind(("127.0.0.1", port or 0))
    except OSError:
        raise UsageError(f"端口 {port} 已被占用，请换一个端口，或不写 --port。") from None
    listener.listen(128)  # before the address is said: a browser opened at once is not refused
    chosen = listener.getsockname()[1]
    token = new_token()
    address = f"http://127.0.0.1:{chosen}/?token={token}"
    config = uvicorn.Config(
        create_app(folder, token, chosen, roster), log_level="warning", access_log=False, **server_settings()
    )
    # Ctrl-C before the server has started leaves its coroutine unawaited: nothing to say.
    warnings.filterwarnings("ignore", message="coroutine 'Server.serve' was never awaited")
    # Ctrl-C is held from the moment the address is said until uvicorn can take it: one
    # arriving while the server is still importing its parts can interrupt an import inside
    # Python's module lock and leave the process hanging (seen once in a CI run).
    _hold_ctrl_c()
    try:  # Ctrl-C is how the page is meant to end (uvicorn raises it again once closed)
        echo(
            f"reportgen 网页已在本机启动（只有这台电脑能打开）：\n  {address}\n文件夹：{folder.resolve()}\n按 Ctrl-C 结束。"
        )
        if not no_browser:
            webbrowser.open(address)
        _Server(config).run(sockets=[listener])
    except KeyboardInterrupt:
        pass
    echo("reportgen 网页已停止。")
    _end_even_if_work_is_stuck()
    return 0


def _hold_ctrl_c() -> None:
    """Block SIGINT in this thread (where the platform can: POSIX); it stays pending."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _release_ctrl_c() -> None:
    """Unblock SIGINT: one that came while it was held is delivered now."""
    import signal

    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _end_even_if_work_is_stuck() -> None:
    """Ctrl-C always ends the page: a request's work still running in a thread (a network
    drive that stopped answering) would otherwise hold the process at exit."""
    import os
    import sys
    import threading

    if any(t.is_alive() and not t.daemon for t in threading.enumerate() if t is not threading.main_thread()):
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
