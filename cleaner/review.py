"""`newsbody review`: the HTML report served on 127.0.0.1, where a click flips a paragraph between kept
and dropped and is written to the labels file (corpus format) before the click is answered."""
from __future__ import annotations

import json
import secrets
import sys
import threading
import webbrowser
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable, Optional

from .labels import (find_record, flipped, model_label, next_id, page_record, read_labels, saved_labels,
                     write_labels)
from .batch import clean_record
from .errors import ConfigError, NewsbodyError
from .page_input import read_page
from .report import Review, document_head, document_tail, page_section
from .result import Result
from .sources import Record, as_content

if TYPE_CHECKING:
    from .api import Cleaner

MAX_POST_BYTES = 10_000


@dataclass(frozen=True)
class ReviewPage:
    """One page under review: its text as decoded (what the labels file stores) and the model's Result."""

    text: str
    kind: str
    result: Result


def load_pages(cleaner: "Cleaner", records: Iterable[Record], timeout: Optional[float] = None) -> list[ReviewPage]:
    """Decode and clean every record; a page that cannot be cleaned is shown with its error."""
    pages = []
    for rec in records:
        text, kind = "", rec.kind
        if rec.error is None:
            try:
                text, kind = read_page(rec.page, rec.kind, cleaner.settings.max_bytes, rec.charset)
            except NewsbodyError as e:
                rec = Record(id=rec.id, url=rec.url, error=f"{type(e).__name__}: {e}")
        if rec.error is None:  # cleaned from the decoded text, exactly as training will read it back
            rec = Record(id=rec.id, url=rec.url, kind=kind, **as_content(text))
        pages.append(ReviewPage(text, kind, clean_record(cleaner, rec, timeout)))
    return pages


def check_labels_path(path: Path) -> None:
    """Refuse a labels file that cannot be written or is not in the corpus format, before any work."""
    if not Path(path).parent.is_dir():
        raise ConfigError(f"the folder of the labels file does not exist: {Path(path).parent}; create it first")
    read_labels(Path(path))


class ReviewSession:
    """The pages under review and their labels file; every change is written before it is answered."""

    def __init__(self, pages: list[ReviewPage], labels_path: Path):
        self.pages = pages
        self.path = Path(labels_path)
        self.token = secrets.token_urlsafe(16)
        self._lock = threading.Lock()
        check_labels_path(self.path)  # refused now, not at the first click

    def _review(self, page: ReviewPage, records: list[dict]) -> Review:
        at = find_record(records, page.text)
        saved = saved_labels(page.result.paragraphs, records[at] if at is not None else None)
        return Review([None if s is None else s.keep for s in saved], saved=at is not None)

    def section(self, index: int, records: list[dict]) -> str:
        """One page of the view, with its saved labels."""
        page = self.pages[index]
        return page_section(page.result, index, self._review(page, records) if page.result.ok else None)

    def document(self) -> str:
        """The whole view, read afresh from the labels file."""
        records = read_labels(self.path)
        return (document_head(f"newsbody review: {self.path.name}", token=self.token)
                + "".join(self.section(i, records) for i in range(len(self.pages)))
                + document_tail(review=True))

    def set_label(self, index: int, paragraph: Optional[int] = None, keep: Optional[bool] = None) -> dict[str, Any]:
        """Set one paragraph to keep or drop (or, with no paragraph, save the page as shown); write the file."""
        if not 0 <= index < len(self.pages):
            raise ConfigError(f"no page {index}: pages are numbered 0 to {len(self.pages) - 1}")
        page = self.pages[index]
        if not page.result.ok:
            raise ConfigError(f"page {index} could not be cleaned ({page.result.error}); it has nothing to label")
        paragraphs = page.result.paragraphs
        if paragraph is not None and not 0 <= paragraph < len(paragraphs):
            raise ConfigError(f"page {index} has no paragraph {paragraph}")
        if paragraph is not None and not isinstance(keep, bool):
            raise ConfigError(f"say whether paragraph {paragraph} is kept: keep=True or keep=False, not {keep!r}")
        with self._lock:  # read afresh, change, write: a click keeps what another server on this file saved before
            records = read_labels(self.path)
            at = find_record(records, page.text)
            saved = saved_labels(paragraphs, records[at] if at is not None else None)
            labels = [s or model_label(p) for s, p in zip(saved, paragraphs)]
            if paragraph is not None:
                labels[paragraph] = flipped(paragraphs[paragraph], keep)
            result = page.result
            record_id = records[at]["id"] if at is not None else next_id(records, result.language, page.kind)
            notes = f"labelled with newsbody review: {result.url or result.id}"
            record = page_record(page.text, page.kind, result.language, paragraphs, labels, record_id, notes)
            if at is None:
                records.append(record)
            else:
                records[at] = record
            write_labels(self.path, records)
            n = len(records)
            return {"html": self.section(index, records), "file": str(self.path),
                    "saved": f"{n} page{'' if n == 1 else 's'} in the file"}


class _Handler(BaseHTTPRequestHandler):
    session: ReviewSession  # set on the subclass make_server builds

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the stdlib's name)
        """Quiet: the command prints its URL and nothing per request."""

    def _send(self, status: int, body: str, ctype: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{ctype}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    def _local_host(self) -> bool:
        port = self.server.server_address[1]
        return self.headers.get("Host", "") in (f"127.0.0.1:{port}", f"localhost:{port}")

    def do_GET(self) -> None:  # noqa: N802 (the stdlib's name)
        """The view, read afresh from the labels file."""
        if not self._local_host():
            self._send(403, "newsbody review answers only on 127.0.0.1", "text/plain")
        elif self.path in ("/", "/index.html"):
            try:
                self._send(200, self.session.document(), "text/html")
            except NewsbodyError as e:
                self._send(500, f"newsbody review: {e}", "text/plain")
        else:
            self._send(404, "not found: the review is at /", "text/plain")

    def do_POST(self) -> None:  # noqa: N802
        """A label change: {"page": n, "paragraph": i, "keep": true|false}, or {"page": n} to save a page as shown."""
        if self.path != "/label":
            return self._send(404, "not found: labels are posted to /label", "text/plain")
        # Only the page this server handed out may write: it carries the token; another site cannot read it.
        if not self._local_host() or self.headers.get("X-Newsbody-Token") != self.session.token:
            return self._send(403, "refused: not from this review page (reload it)", "text/plain")
        try:
            length = int(self.headers.get("Content-Length", "0"))
            if not 0 < length <= MAX_POST_BYTES:
                raise ValueError(f"a label change is a small JSON object, not {length} bytes")
            change = json.loads(self.rfile.read(length))
            index, paragraph, keep = change["page"], change.get("paragraph"), change.get("keep")
            if not isinstance(index, int) or not (paragraph is None or isinstance(paragraph, int)) \
                    or (paragraph is not None and not isinstance(keep, bool)):
                raise ValueError('expected {"page": n, "paragraph": i, "keep": true|false}')
        except (ValueError, KeyError, TypeError) as e:
            return self._send(400, f"bad label change: {e}", "text/plain")
        try:
            answer = self.session.set_label(index, paragraph, keep)
        except ConfigError as e:
            return self._send(400, str(e), "text/plain")
        except OSError as e:
            return self._send(500, f"could not write {self.session.path}: {e}", "text/plain")
        self._send(200, json.dumps(answer, ensure_ascii=False), "application/json")


def make_server(session: ReviewSession, port: int = 0) -> ThreadingHTTPServer:
    """An HTTP server for the session on 127.0.0.1 (port 0: a free one); call serve_forever on it."""
    handler = type("ReviewHandler", (_Handler,), {"session": session})
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    return server


def serve(session: ReviewSession, port: int = 0, open_browser: bool = True) -> None:
    """Serve until Ctrl-C, after printing the URL (and opening it in a browser when asked and possible)."""
    server = make_server(session, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    print(f"newsbody review: {len(session.pages)} pages, labels saved to {session.path} at every click "
          "(Ctrl-C stops)", file=sys.stderr)
    print(url, flush=True)
    if open_browser and not webbrowser.open(url):
        print("newsbody review: no browser found; open the URL above", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
