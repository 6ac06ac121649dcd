"""Clean a stream of records in order, in this process or in a pool of worker processes.

Nothing is lost: every record yields exactly one Result, in input order; a record that fails
(undecodable, too large, too slow, or its worker process died) yields a Result with .error.
Records are cleaned in chunks of a few pages: each page is segmented and decided alone, and the model
runs once over the chunk. Memory is bounded: one chunk in this process, or at most
`IN_FLIGHT_PER_WORKER` chunks per worker read ahead.
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
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Optional, Sequence

from .api import Segmented, readable
from .errors import NewsbodyError, PageTimeoutError
from .result import Result
from .sources import Record

if TYPE_CHECKING:
    from .api import Cleaner

# Pages cleaned together: the features and the model run once over a chunk's paragraphs
# (Cleaner.probabilities_of_pages), which saves most of their fixed cost per call on small pages
# (bench/RESULTS.md, twelfth session). Eight pages get nearly all of that. The byte bound keeps a chunk
# of large pages from holding much memory (a page over it goes alone), and the paragraph bound keeps
# the model's arrays (about 5.5 KB a paragraph) within what one page may take: pages are sent to the
# model together up to this many paragraphs, and a page with more goes alone.
CHUNK_PAGES = 8
CHUNK_BYTES = 2_000_000
BATCH_PARAGRAPHS = 4096
IN_FLIGHT_PER_WORKER = 2  # chunks read ahead per worker process


def clean_records(cleaner: "Cleaner", records: Iterable[Record], *, workers: int = 1,
                  timeout: Optional[float] = None, explain: bool = True,
                  pool: Optional[ProcessPoolExecutor] = None) -> Iterator[Result]:
    """One Result per record, in input order."""
    if workers == 1:
        for chunk in chunks(records):
            for result in cleaned_in_order(cleaner, chunk, timeout):
                yield result if explain else dataclasses.replace(result, paragraphs=result.kept)
    else:
        yield from _pooled(cleaner.spec, records, workers, timeout, explain, pool)


def chunks(records: Iterable[Record]) -> Iterator[list[Record]]:
    """Consecutive records in lists of at most CHUNK_PAGES pages and about CHUNK_BYTES."""
    chunk: list[Record] = []
    size = 0
    for rec in records:
        rec_size = _size(rec.page)
        if chunk and (len(chunk) == CHUNK_PAGES or size + rec_size > CHUNK_BYTES):
            yield chunk
            chunk, size = [], 0
        chunk.append(rec)
        size += rec_size
    if chunk:
        yield chunk


def _size(page: Any) -> int:
    if isinstance(page, (str, bytes)):
        return len(page)
    if isinstance(page, os.PathLike):
        try:
            return os.stat(page).st_size
        except OSError:
            return 0
    return 0


def clean_record(cleaner: "Cleaner", rec: Record, timeout: Optional[float] = None) -> Result:
    """Clean one record; any failure becomes an error Result (a batch never stops for one page)."""
    return clean_chunk(cleaner, [rec], timeout)[0]


def clean_chunk(cleaner: "Cleaner", records: Sequence[Record], timeout: Optional[float] = None) -> list[Result]:
    """One Result per record, in order, each as `cleaner.clean` gives it (see cleaned_in_order)."""
    return list(cleaned_in_order(cleaner, records, timeout))


def cleaned_in_order(cleaner: "Cleaner", records: Sequence[Record], timeout: Optional[float] = None) -> Iterator[Result]:
    """One Result per record, in order, each as `cleaner.clean` gives it, each yielded as soon as it and
    those before it are done; the model runs once over consecutive pages of up to BATCH_PARAGRAPHS
    paragraphs in all.

    Each page is segmented and decided alone, under its own CPU limit (timeout seconds for the two
    together), so one bad page fails alone. Should a shared model call fail or overrun the pages'
    limits together, each of its pages goes through the model alone, where its own limit applies.
    """
    results: list[Optional[Result]] = [None] * len(records)
    waiting: list[tuple[int, Segmented, float]] = []   # readable pages segmented, not yet through the model
    size = done = 0
    for i, rec in enumerate(records):
        if rec.error is not None:
            results[i] = Result.failed(rec.error, id=rec.id, url=rec.url)
        else:
            start = time.process_time()
            seg = _attempt(rec, timeout, lambda rec=rec: cleaner.segment(rec.page, kind=rec.kind, charset=rec.charset))
            used = time.process_time() - start
            if isinstance(seg, Result):
                results[i] = seg
            elif not readable(seg):
                results[i] = _finished(cleaner, rec, seg, None, timeout, used)
            else:
                if waiting and size + len(seg.paragraphs) > BATCH_PARAGRAPHS:
                    _through_model(cleaner, records, waiting, timeout, results)
                    waiting, size = [], 0
                waiting.append((i, seg, used))
                size += len(seg.paragraphs)
                if size >= BATCH_PARAGRAPHS:   # a large page goes through the model at once, alone
                    _through_model(cleaner, records, waiting, timeout, results)
                    waiting, size = [], 0
            seg = None  # not kept alive by this frame while the next page is cleaned
        # Hand on what is done, so a caller can drop a large page's Result before the next is cleaned.
        while done < len(records) and results[done] is not None:
            yield results[done]  # type: ignore[misc]
            results[done] = None
            done += 1
    if waiting:
        _through_model(cleaner, records, waiting, timeout, results)
    for k in range(done, len(records)):
        yield results[k]  # type: ignore[misc]


def _through_model(cleaner: "Cleaner", records: Sequence[Record], waiting: list[tuple[int, Segmented, float]],
                   timeout: Optional[float], results: list[Optional[Result]]) -> None:
    """Set the Results of the waiting pages: their P(label) from one model call, then each decided alone."""
    shared: Optional[list] = None
    if len(waiting) > 1:
        try:
            with cpu_time_limit(timeout and timeout * len(waiting)):
                shared = cleaner.probabilities_of_pages([seg.paragraphs for _, seg, _ in waiting])
        except Exception:  # noqa: BLE001 - found again, and pinned on its page, when each page goes alone
            shared = None
    for k, (i, seg, used) in enumerate(waiting):
        results[i] = _finished(cleaner, records[i], seg, shared[k] if shared is not None else _ALONE, timeout, used)


_ALONE = object()  # as probabilities for _finished: the page goes through the model by itself


def _finished(cleaner: "Cleaner", rec: Record, seg: Segmented, probs: Any, timeout: Optional[float],
              used: float) -> Result:
    """The page's Result from its P(label) (None: it has no letters), within what is left of its CPU limit."""
    left = None if not timeout else max(timeout - used, 0.001)
    result = _attempt(rec, left, lambda: cleaner.finish(
        seg, cleaner.probabilities(seg.paragraphs) if probs is _ALONE else probs, url=rec.url))
    return _checked(result, rec)


def _attempt(rec: Record, seconds: Optional[float], work: Callable[[], Any]) -> Any:
    """work()'s value, or a failed Result saying why it raised (a bug of ours is reported as one)."""
    try:
        with cpu_time_limit(seconds):
            return work()
    except NewsbodyError as e:
        return Result.failed(e, id=rec.id, url=rec.url)
    except (MemoryError, RecursionError) as e:
        return Result.failed(f"{type(e).__name__}: the page exhausted {'memory' if isinstance(e, MemoryError) else 'the stack'}",
                             id=rec.id, url=rec.url)
    except Exception as e:  # a bug of ours: record it with its type so it can be reported, and go on
        return Result.failed(f"InternalError: {type(e).__name__}: {e} (please report this page)",
                             id=rec.id, url=rec.url)


def _checked(result: Result, rec: Record) -> Result:
    if result.error is not None:
        return result
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


def _clean_in_worker(chunk: list[Record], timeout: Optional[float], explain: bool = True) -> list[Result]:
    assert _worker_cleaner is not None
    results = clean_chunk(_worker_cleaner, chunk, timeout)
    # The dropped paragraphs are most of what a Result weighs; not sending them back when nobody
    # reads them spares the parent process the unpickling (it shares the cores with the workers).
    return results if explain else [dataclasses.replace(r, paragraphs=r.kept) for r in results]


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
    window: deque[tuple[list[Record], Future]] = deque()
    source = chunks(records)
    try:
        while True:
            while len(window) < workers * IN_FLIGHT_PER_WORKER:
                chunk = next(source, None)
                if chunk is None:
                    break
                window.append((chunk, pool.submit(_clean_in_worker, chunk, timeout, explain)))
            if not window:
                return
            chunk, future = window[0]
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died (killed, out of memory, a crash in native code) and took every
                # unfinished chunk with it. Clean their records again one at a time in fresh pools, so
                # the page that kills a worker is found and reported while the others are kept.
                pool.shutdown(wait=False, cancel_futures=True)
                window = deque((c, f if f.done() and f.exception() is None
                                else _done([_isolated(spec, r, timeout, explain) for r in c]))
                               for c, f in window)
                pool = _new_pool(spec, workers)
                continue
            window.popleft()
            yield from results
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _isolated(spec: tuple, rec: Record, timeout: Optional[float], explain: bool = True) -> Result:
    """Clean one record alone in a fresh worker, so a worker's death can be pinned on it."""
    with _new_pool(spec, 1) as pool:
        try:
            return pool.submit(_clean_in_worker, [rec], timeout, explain).result()[0]
        except BrokenProcessPool:
            return Result.failed("WorkerDied: the worker process died while cleaning this page (out of "
                                 "memory or a crash in native code)", id=rec.id, url=rec.url)


def _done(result: Any) -> Future:
    f: Future = Future()
    f.set_result(result)
    return f
