"""``reportgen`` run in a pseudo-terminal of a given size, as a clerk's terminal window runs it:
standard output and error are a terminal, its width is the window's (no COLUMNS), and what
the window shows is read back line by line."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
from dataclasses import dataclass

from reportgen.cli.terminal import display_width

_ESCAPES = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


@dataclass
class Screen:
    exit_code: int
    text: str  # what the window shows, progress bars collapsed to their last state

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    @property
    def longest(self) -> int:
        return max((display_width(line) for line in self.lines), default=0)


def run_in_terminal(*args, columns: int = 80, cwd=None, timeout: float = 180) -> Screen:
    """``python -m reportgen ARGS`` with a pseudo-terminal of ``columns`` columns as its
    standard input, output and error."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    env["PYTHONIOENCODING"] = "utf-8"
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", *map(str, args)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        cwd=cwd,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    raw = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], timeout)
            if not ready:
                process.kill()
                raise TimeoutError(f"reportgen {' '.join(map(str, args))} gave no output for {timeout} s")
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the child closed the terminal (Linux: EIO)
                break
            if not chunk:
                break
            raw += chunk
    finally:
        os.close(master)
    code = process.wait(timeout=timeout)
    text = _ESCAPES.sub("", raw.decode("utf-8", "replace").replace("\r\n", "\n"))
    shown = "\n".join(line.split("\r")[-1] for line in text.split("\n"))  # a line overwritten: its last state
    return Screen(code, shown)
