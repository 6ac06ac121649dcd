"""What the clean command writes: results as text / JSON / JSON Lines / an HTML report, resumable output, progress."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import IO, Optional

from .errors import ConfigError
from .result import Result

OUTPUT_FORMATS = ("text", "json", "jsonl", "html")
EXPLAINED_FORMATS = ("json", "html")  # formats that show dropped paragraphs too


def document_start(fmt: str) -> str:
    """What the output starts with before the first result (the HTML report's head)."""
    if fmt == "html":
        from .report import document_head
        return document_head()
    return ""


def document_end(fmt: str) -> str:
    """What the output ends with after the last result."""
    if fmt == "html":
        from .report import document_tail
        return document_tail()
    return ""


def format_result(result: Result, fmt: str, *, header: bool = False, index: int = 0) -> str:
    """One result as the command prints it (text gets a ==> id <== header in a batch; index numbers
    the HTML report's pages)."""
    if fmt == "html":
        from .report import page_section
        return page_section(result, index)
    if fmt == "jsonl":
        return json.dumps(result.to_dict(paragraphs=False), ensure_ascii=False)
    if fmt == "json":
        return json.dumps(result.to_dict(), ensure_ascii=False, indent=2)
    return f"==> {result.id} <==\n{result.text}\n" if header else result.text


def done_ids(path: Path) -> set[str]:
    """Ids already written to a JSON Lines output, after cutting off a line a killed run left half-written."""
    if not path.exists():
        return set()
    with open(path, "rb+") as f:
        data = f.read()
        end = data.rfind(b"\n") + 1
        if end < len(data):
            f.truncate(end)
    ids = set()
    for n, line in enumerate(data[:end].splitlines(), 1):
        if not line.strip():
            continue
        try:
            ids.add(str(json.loads(line)["id"]))
        except (ValueError, KeyError, TypeError):
            raise ConfigError(f"cannot resume: line {n} of {path} is not a newsbody JSON Lines record with an id; "
                              "write to a new file or remove --resume") from None
    return ids


class Progress:
    """Pages done, pages/s and errors on stderr while a batch runs (only when stderr is a terminal)."""

    def __init__(self, stream: Optional[IO[str]] = None, enabled: Optional[bool] = None, every: float = 0.5):
        self.stream = stream if stream is not None else sys.stderr   # looked up now: callers may redirect it
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self.every = every
        self.start = self.last = time.monotonic()
        self.pages = self.errors = self.kept = self.skipped = self.nothing_kept = 0

    def add(self, result: Result) -> None:
        """Count one finished record."""
        self.pages += 1
        self.errors += result.error is not None
        kept = len(result.kept)
        self.kept += kept
        self.nothing_kept += result.error is None and not kept
        now = time.monotonic()
        if self.enabled and now - self.last >= self.every:
            self.last = now
            self.stream.write(f"\r{self._line(now)}")
            self.stream.flush()

    def _line(self, now: float) -> str:
        rate = self.pages / max(now - self.start, 1e-9)
        return f"newsbody: {_count(self.pages, 'page')}, {rate:,.1f} pages/s, {_count(self.errors, 'error')}"

    def summary(self) -> str:
        """The closing line: pages, kept paragraphs, pages with nothing kept, errors, seconds."""
        skipped = f", {self.skipped:,} skipped as already done" if self.skipped else ""
        # A page with no article (an index, a 404) keeps nothing, with every paragraph's reason in its record.
        nothing = f" ({_count(self.nothing_kept, 'page')} with nothing kept)" if self.nothing_kept else ""
        return (f"newsbody: {_count(self.pages, 'page')}, {_count(self.kept, 'kept paragraph')}{nothing}, "
                f"{_count(self.errors, 'error')}{skipped}, {time.monotonic() - self.start:.1f} s")

    def close(self) -> None:
        """Replace the progress line with the summary."""
        clear = "\r\x1b[K" if self.enabled else ""
        self.stream.write(f"{clear}{self.summary()}\n")
        self.stream.flush()


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def default_workers() -> int:
    """Every core this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1
