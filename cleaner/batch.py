"""Clean a stream of records in order, in this process or in a pool of worker processes.

Nothing is lost: every record yields exactly one Result, in input order; a record that fails
(undecodable, too large, too slow, or its worker process died) yields a Result with .error.
Memory is bounded: at most `IN_FLIGHT_PER_WORKER` records per worker are read ahead.
"""
from __future__ import annotations

import dataclasses
import multiprocessing
import os
import signal
import threading
import time
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Iterable, Iterator, Optional

from .errors import NewsbodyError, PageTimeoutError
from .result import Result
from .sources import Record

if TYPE_CHECKING:
    from .api import Cleaner

IN_FLIGHT_PER_WORKER = 4


def clean_records(cleaner: "Cleaner", records: Iterable[Record], *, workers: int = 1,
                  timeout: Optional[float] = None, explain: bool = True,
                  pool: Optional[ProcessPoolExecutor] = None) -> Iterator[Result]:
    """One Result per record, in input order."""
    if workers == 1:
        for rec in records:
            result = clean_record(cleaner, rec, timeout)
            yield result if explain else dataclasses.replace(result, paragraphs=result.kept)
    else:
        yield from _pooled(cleaner.spec, records, workers, timeout, explain, pool)


def clean_record(cleaner: "Cleaner", rec: Record, timeout: Optional[float] = None) -> Result:
    """Clean one record; any failure becomes an error Result (a batch never stops for one page)."""
    if rec.error is not None:
        return Result.failed(rec.error, id=rec.id, url=rec.url)
    try:
        with cpu_time_limit(timeout):
            result = cleaner.clean(rec.page, url=rec.url, kind=rec.kind, charset=rec.charset)
    except NewsbodyError as e:
        return Result.failed(e, id=rec.id, url=rec.url)
    except (MemoryError, RecursionError) as e:
        return Result.failed(f"{type(e).__name__}: the page exhausted {'memory' if isinstance(e, MemoryError) else 'the stack'}",
                             id=rec.id, url=rec.url)
    except Exception as e:  # a bug of ours: record it with its type so it can be reported, and go on
        return Result.failed(f"InternalError: {type(e).__name__}: {e} (please report this page)",
                             id=rec.id, url=rec.url)
    if not any(ch.isalpha() for p in result.paragraphs for ch in p.text):
        # An empty page or binary noise: say so, rather than write an empty text that looks like a decision.
        return Result.failed("EmptyPage: the page has no text (no letters in it)", id=rec.id, url=rec.url)
    return dataclasses.replace(result, id=rec.id)


@contextmanager
def cpu_time_limit(seconds: Optional[float]) -> Iterator[None]:
    """Raise PageTimeoutError when the block uses more than `seconds` of CPU time.

    CPU time rather than wall time, so a busy machine does not turn slow pages into errors and the
    output stays the same from run to run. Signals only reach the main thread: elsewhere no limit.
    """
    if not seconds or threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum: int, frame: Any) -> None:
        raise PageTimeoutError(f"cleaning took more than {seconds:g} s of CPU time; the page is pathological "
                               "or huge (raise the limit with --timeout / timeout=)")

    previous = signal.signal(signal.SIGPROF, expire)
    signal.setitimer(signal.ITIMER_PROF, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_PROF, 0)
        signal.signal(signal.SIGPROF, previous)


# --- worker processes ---------------------------------------------------------------------------

_worker_cleaner: Optional["Cleaner"] = None


def _start_worker(spec: tuple, parent: int) -> None:
    global _worker_cleaner
    from .api import Cleaner
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    model, options = spec
    _worker_cleaner = Cleaner(model, **options)


def _exit_with_parent(parent: int) -> None:
    """End this worker once its parent is gone: a killed run must not leave workers holding memory."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _clean_in_worker(rec: Record, timeout: Optional[float], explain: bool = True) -> Result:
    assert _worker_cleaner is not None
    result = clean_record(_worker_cleaner, rec, timeout)
    # The dropped paragraphs are most of what a Result weighs; not sending them back when nobody
    # reads them spares the parent process the unpickling (it shares the cores with the workers).
    return result if explain else dataclasses.replace(result, paragraphs=result.kept)


def _new_pool(spec: tuple, workers: int) -> ProcessPoolExecutor:
    # spawn, not fork: a forked child of a process whose OpenMP runtime is running can deadlock.
    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_worker, initargs=(spec, os.getpid()))


def start_pool(spec: tuple, workers: int) -> ProcessPoolExecutor:
    """A pool whose workers start loading the model now, while the caller does something else."""
    pool = _new_pool(spec, workers)
    for _ in range(workers):  # a pool spawns a process per task waiting for one
        pool.submit(_ready)
    return pool


def _ready() -> None:
    return None


def _pooled(spec: tuple, records: Iterable[Record], workers: int, timeout: Optional[float],
            explain: bool = True, pool: Optional[ProcessPoolExecutor] = None) -> Iterator[Result]:
    pool = pool or _new_pool(spec, workers)
    window: deque[tuple[Record, Future]] = deque()
    source = iter(records)
    try:
        while True:
            while len(window) < workers * IN_FLIGHT_PER_WORKER:
                rec = next(source, None)
                if rec is None:
                    break
                window.append((rec, pool.submit(_clean_in_worker, rec, timeout, explain)))
            if not window:
                return
            rec, future = window[0]
            try:
                result = future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory, a crash in native code) and took every
                # unfinished record with it. Clean those again one at a time in fresh pools, so the
                # page that kills a worker is found and reported while the others are kept.
                pool.shutdown(wait=False, cancel_futures=True)
                window = deque((r, f if f.done() and f.exception() is None else _done(_isolated(spec, r, timeout)))
                               for r, f in window)
                pool = _new_pool(spec, workers)
                continue
            window.popleft()
            yield result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _isolated(spec: tuple, rec: Record, timeout: Optional[float]) -> Result:
    """Clean one record alone in a fresh worker, so a worker's death can be pinned on it."""
    with _new_pool(spec, 1) as pool:
        try:
            return pool.submit(_clean_in_worker, rec, timeout).result()
        except BrokenProcessPool:
            return Result.failed("WorkerDied: the worker process died while cleaning this page (out of "
                                 "memory or a crash in native code)", id=rec.id, url=rec.url)


def _done(result: Result) -> Future:
    f: Future = Future()
    f.set_result(result)
    return f
