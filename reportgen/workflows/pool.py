"""Worker processes side by side, one way for every command that uses them (``batch``,
``form --roster``, ``audit``).

- The platform's default start method (fork on Linux up to Python 3.13, spawn on Windows
  and macOS): a worker gets only what it is sent, so ``prepare``, ``work`` and their
  arguments are module-level functions and picklable values.
- Each worker prepares once (``prepare(*args)``), then does one item after another; at
  most two items are in a worker's hands, so results come back as they are done and
  memory stays flat however many items there are.
- Ctrl-C is the parent's: workers ignore it; the parent stops sending, lets every item in
  hand finish and be counted, then says it was interrupted (``Outcome.interrupted``, or
  ``KeyboardInterrupt`` from ``map``). A second Ctrl-C stops at once.
- A parent that is killed: each worker finishes the item in hand and exits quietly. A
  worker that dies: its items are reported as not done.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from multiprocessing import connection as connections
from typing import Any, cast

from reportgen.output.writing import confined, confinement

IN_HAND = 2  # items sent ahead to one worker


def context():
    """The platform's default start method's context."""
    return multiprocessing.get_context()


def jobs_for(jobs: int | None, items: int) -> int:
    """How many workers: as asked (else one per CPU), never more than the items."""
    return max(1, min(jobs or os.cpu_count() or 1, items or 1))


class StopRequest:
    """Ctrl-C while workers run: noted, not raised, so that no message to or from a worker
    is cut in half. The caller then stops sending items and collects those in hand."""

    def __init__(self):
        self.requested = False
        self.previous = None

    def __enter__(self):
        try:
            self.previous = signal.signal(signal.SIGINT, self._note)
        except ValueError:  # not the main thread: Ctrl-C cannot reach us here anyway
            self.previous = None
        return self

    def _note(self, signum, frame) -> None:
        if self.requested:  # a second Ctrl-C: stop at once
            raise KeyboardInterrupt
        self.requested = True

    def __exit__(self, *exc) -> None:
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)


@dataclass
class _Crash:
    """A worker's ``work`` raised (a bug: ``work`` functions turn problems into results)."""

    detail: str


class WorkerCrashed(RuntimeError):
    pass


@dataclass
class Outcome:
    results: dict[int, Any] = field(default_factory=dict)  # item index -> result
    interrupted: bool = False


def _noop() -> None:
    return None


def run(
    work: Callable[[Any], Any],
    items: Sequence[Any],
    jobs: int,
    prepare: Callable[..., None] = _noop,
    prepare_args: tuple = (),
    on_result: Callable[[Any], None] | None = None,
    stop: StopRequest | None = None,
) -> Outcome:
    """``work(item)`` for every item in ``jobs`` worker processes, each prepared once by
    ``prepare(*prepare_args)``; ``on_result(result)`` as each is done. Stops sending when
    ``stop`` is requested. Items never done (a stop, a worker that died) have no result."""
    outcome = Outcome()
    ctx = context()
    pending = list(reversed(list(enumerate(items))))
    workers = []
    in_hand: dict = {}
    for _ in range(jobs):
        parent_end, child_end = ctx.Pipe()
        # the folder writes are confined to goes with the work: a spawned worker does not
        # inherit the parent's context (a forked one would)
        process = ctx.Process(
            target=worker_main, args=(child_end, prepare, prepare_args, work, confinement()), daemon=True
        )
        _start(process)
        child_end.close()
        workers.append((parent_end, process))
        in_hand[parent_end] = []
    try:
        while True:
            for end in list(in_hand):
                while pending and len(in_hand[end]) < IN_HAND and not (stop and stop.requested):
                    index, item = pending.pop()
                    end.send(item)
                    in_hand[end].append(index)
            busy = [e for e in in_hand if in_hand[e]]
            if not busy:
                break
            for ready in connections.wait(busy, timeout=1):
                # wait returns some of the objects it is given: here the parents' ends of the pipes
                end = cast(connections.Connection, ready)
                try:
                    result = end.recv()
                except (EOFError, OSError):  # the worker died: its items stay not done
                    in_hand.pop(end)
                    continue
                index = in_hand[end].pop(0)
                if isinstance(result, _Crash):
                    raise WorkerCrashed(result.detail)
                outcome.results[index] = result
                if on_result:
                    on_result(result)
    finally:
        _end(workers)
    outcome.interrupted = bool(stop and stop.requested)
    return outcome


def _start(process) -> None:
    """Start a worker that ignores Ctrl-C from its first instant: a spawned worker still
    importing would otherwise take it as its own and print a traceback. An ignored signal
    stays ignored across the start (POSIX); the parent's own handler is back at once."""
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: Ctrl-C does not reach this thread anyway
        process.start()
        return
    try:
        process.start()
    finally:
        signal.signal(signal.SIGINT, previous)


def _end(workers) -> None:
    for end, _process in workers:
        try:
            end.send(None)
        except OSError:
            pass
    for end, process in workers:
        process.join(timeout=5)
        if process.is_alive():
            process.terminate()
        end.close()


def map(work: Callable[[Any], Any], items: Iterable[Any], jobs: int | None, lost: Callable[[Any], Any]) -> list[Any]:
    """``[work(item) for item in items]`` in worker processes (in this process for one job
    or one item); an item whose worker died gets ``lost(item)``. Ctrl-C: the items in hand
    are finished, then ``KeyboardInterrupt`` is raised."""
    items = list(items)
    jobs = jobs_for(jobs, len(items))
    if jobs == 1:
        return [work(item) for item in items]
    with StopRequest() as stop:
        outcome = run(work, items, jobs, stop=stop)
    if outcome.interrupted:
        raise KeyboardInterrupt
    return [outcome.results[i] if i in outcome.results else lost(item) for i, item in enumerate(items)]


# ------------------------------------------------------------------ in the worker


def worker_main(connection, prepare, prepare_args, work, root=None) -> None:
    """A worker process: prepare once, then do the items it is sent until told to stop.

    Ctrl-C is the parent's business: the worker ignores SIGINT, so that the parent can let
    every item already started finish and be counted. If the parent is gone (killed), the
    worker finishes the item in hand, whose files are written atomically, and exits quietly.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_when_orphaned, args=(os.getppid(),), daemon=True).start()
    try:
        held = confined(root) if root is not None else None  # kept: the worker's life long
        if held is not None:
            held.__enter__()  # never left: the worker ends with os._exit below
        prepare(*prepare_args)
        while True:
            item = connection.recv()
            if item is None:
                break
            try:
                result = work(item)
            except Exception as crash:  # noqa: BLE001 -- a bug: said to the parent, not printed here
                result = _Crash("".join(traceback.format_exception(crash)))
            connection.send(result)
    except (EOFError, OSError):  # the parent is gone: nothing to report to
        pass
    finally:
        os._exit(0)


def _exit_when_orphaned(parent: int) -> None:
    """Exit quietly once the parent is gone. (A worker waiting for its next item would not
    notice otherwise: a forked sibling still holds the parent's end of its pipe.) Files are
    written atomically, so leaving in the middle of one leaves no half-written file."""
    while True:
        time.sleep(0.2)
        if os.getppid() != parent:
            os._exit(0)
