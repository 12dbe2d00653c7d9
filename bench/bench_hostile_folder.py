"""Benchmark: ``reportgen serve`` and the commands over a hostile or broken folder (issue 33), not a test.

    python bench/bench_hostile_folder.py [--rounds 5]

Builds the odd folder of tests/hostile_folder.py (agency folders linked out of it, a dangling
link, a pipe, next year's file linked out) plus data files of absurd shape (a key of 20,000
parts, a figure of 5,000 digits, arrays nested 5,000 deep, a table name of 5,000 parts), starts
``reportgen serve`` on it and sends every hostile request ``--rounds`` times, while a probe asks
for an ordinary report page every 50 ms. Says: requests sent, answers by status, 500s, tracebacks
the server printed, the slowest probe answer while they ran, half-sent requests dropped, files
written outside the folder, and the server's peak memory (VmHWM). Then runs ``check`` and
``next-year`` on each absurd file in a process of its own and says each one's peak memory.
"""

from __future__ import annotations

import argparse
import collections
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))
from hostile_folder import HOSTILE_SHAPES, IMPORTED_AGENCY, LONG_SEGMENT, odd_folder  # noqa: E402

PUBLISHED = REPO / "tests" / "fixtures" / "published" / "portal-gbk-2025.html"
MEASURE = """
import atexit, os, resource, sys
atexit.register(lambda: print("PEAK", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr))
sys.argv = ["reportgen", *sys.argv[1:]]
from reportgen.cli.main import run
run()
"""


def hostile_requests() -> list[tuple[str, str, dict]]:
    """(method, path, keyword arguments for httpx) for every case of issue 33."""
    asked = [
        ("POST", "/new", {"data": {"agency": "linked", "year": "2026"}}),
        ("POST", "/new", {"data": {"from": "qingchuan-finance/2025.toml"}}),
        ("POST", "/new", {"data": {"from": "pipe/2025.toml"}}),
        ("POST", "/new", {"data": {"from": f"x/{LONG_SEGMENT}"}}),
        ("POST", "/import", {"files": {"report": ("年报.html", PUBLISHED.read_bytes())}}),
        ("GET", "/", {}),
        ("GET", "/report/pipe/2025.toml", {}),
        ("GET", "/report/dangling/2025.toml", {}),
        ("GET", "/report/qingchuan-finance%2F2025.toml", {}),
        ("GET", f"/report/{LONG_SEGMENT}", {}),
        ("GET", f"/draft/md/{LONG_SEGMENT}", {}),
        ("POST", f"/check/{LONG_SEGMENT}", {"data": {}}),
        ("POST", f"/save/{LONG_SEGMENT}", {"data": {}}),
        ("POST", "/check/qingchuan-finance/2025.toml", {"data": {"requests.new.natural": "9" * 5000}}),
        ("POST", "/save/qingchuan-finance/2025.toml", {"data": {"requests.new.natural": "9" * 5000, "_version": "x"}}),
        (
            "POST",
            "/check/qingchuan-finance/2025.toml",
            {"data": {}, "headers": {"referer": "http://evil.example/"}, "token": False},
        ),
    ]
    for shape in HOSTILE_SHAPES:
        asked += [
            ("GET", f"/report/{shape}/2025.toml", {}),
            ("POST", f"/check/{shape}/2025.toml", {"data": {}}),
            ("POST", f"/save/{shape}/2025.toml", {"data": {"_version": "x"}}),
            ("GET", f"/draft/md/{shape}/2025.toml", {}),
            ("POST", "/new", {"data": {"from": f"{shape}/2025.toml"}}),
        ]
    return asked


def serve(root: Path) -> tuple[subprocess.Popen, int, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "reportgen", "serve", str(root), "--no-browser"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    address = "".join(process.stdout.readline() for _ in range(2)).split()[-1]
    base, token = address.split("/?token=")
    return process, int(base.rsplit(":", 1)[1]), token


def peak_of(process: subprocess.Popen) -> float:
    for line in Path(f"/proc/{process.pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measured(*args: str) -> tuple[int, float, str]:
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    done = subprocess.run(
        [sys.executable, "-c", MEASURE, *args],
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limits,
        check=False,
    )
    peak = next((int(line.split()[1]) / 1024 for line in done.stderr.splitlines() if line.startswith("PEAK")), 0.0)
    return done.returncode, peak, done.stderr


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    rounds = parser.parse_args().rounds
    work = Path(tempfile.mkdtemp(prefix="bench-hostile-"))
    try:
        odd = odd_folder(work)
        for shape, make in HOSTILE_SHAPES.items():
            (odd.root / shape).mkdir()
            (odd.root / shape / "2025.toml").write_text(make(), encoding="utf-8")
        before = odd.outside_state()
        process, port, token = serve(odd.root)
        base = f"http://127.0.0.1:{port}"
        probes: list[float] = []
        probe_failures = collections.Counter()
        stop = threading.Event()

        def probe():
            with httpx.Client(base_url=base, headers={"x-reportgen-token": token}, timeout=60) as client:
                while not stop.is_set():
                    started = time.perf_counter()
                    status = client.get("/report/qingchuan-finance/2025.toml").status_code
                    probes.append(time.perf_counter() - started)
                    if status != 200:
                        probe_failures[status] += 1
                    time.sleep(0.05)

        prober = threading.Thread(target=probe)
        prober.start()
        halves = []
        for _ in range(20):  # half-sent requests held open while everything else runs
            half = socket.create_connection(("127.0.0.1", port))
            half.sendall(b"POST /save/qingchuan-finance/2025.toml HTTP/1.1\r\nHost: 127.0.0.1\r\nx-reportgen")
            halves.append(half)
        statuses = collections.Counter()
        sent = 0
        started = time.perf_counter()
        with httpx.Client(base_url=base, timeout=120) as client:
            for _ in range(rounds):
                for method, path, options in hostile_requests():
                    options = dict(options)
                    headers = dict(options.pop("headers", {}))
                    if options.pop("token", True):
                        headers["x-reportgen-token"] = token
                    answer = client.request(method, path, headers=headers, **options)
                    statuses[answer.status_code] += 1
                    sent += 1
        elapsed = time.perf_counter() - started
        dropped = 0
        for half in halves:
            half.settimeout(30)
            try:
                dropped += half.recv(100) == b""
            except OSError:
                pass
            half.close()
        stop.set()
        prober.join()
        server_peak = peak_of(process)
        process.send_signal(2)
        _, err = process.communicate(timeout=30)
        print(
            f"hostile requests sent: {sent} in {elapsed:.1f} s; answers: "
            + ", ".join(f"{code}×{count}" for code, count in sorted(statuses.items()))
        )
        print(f"500 answers: {statuses.get(500, 0)}; tracebacks printed by the server: {err.count('Traceback')}")
        print(
            f"probe requests meanwhile: {len(probes)}, failed: {sum(probe_failures.values())}, "
            f"median {sorted(probes)[len(probes) // 2] * 1000:.0f} ms, slowest {max(probes) * 1000:.0f} ms"
        )
        print(f"half-sent requests dropped by the server: {dropped} of {len(halves)}")
        print(
            f"files outside the folder changed: {0 if odd.outside_state() == before else 'SOME'}; "
            f"server peak memory {server_peak:.0f} MB; Ctrl-C: exit {process.returncode}"
        )
        for shape in HOSTILE_SHAPES:
            path = odd.root / shape / "2025.toml"
            for command in (["check", str(path)], ["next-year", str(path), "-o", str(work / f"{shape}-next.toml")]):
                code, peak, _ = measured(*command)
                print(f"reportgen {command[0]:9} {shape:17} exit {code}, peak {peak:.0f} MB")
        code, peak, _ = measured("import", str(PUBLISHED), "-o", str(odd.root))
        print(f"reportgen import into a folder whose {IMPORTED_AGENCY} is linked out: exit {code}, peak {peak:.0f} MB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
