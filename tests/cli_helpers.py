"""Running the real ``reportgen`` entry point in-process, as the tests' CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from dataclasses import dataclass

from reportgen.cli.main import main


@dataclass
class Result:
    exit_code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        """What a person at the terminal reads: standard output, then standard error."""
        return self.stdout + self.stderr


def run(*args) -> Result:
    """``reportgen ARGS`` through ``reportgen.cli.main.main``, capturing both streams."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main([str(a) for a in args])
    return Result(code, out.getvalue(), err.getvalue())


def run_process(*args, cwd=None, env=None, timeout=120) -> Result:
    """``python -m reportgen ARGS`` as a separate process, as a clerk runs it."""
    completed = subprocess.run(
        [sys.executable, "-m", "reportgen", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )
    return Result(completed.returncode, completed.stdout, completed.stderr)
