"""Where batches of pages come from: Python iterables, files and directories, JSON Lines, WARC.

Every reader yields Records lazily (a batch never holds its whole input) and never raises for
one bad record: a record that cannot even be read (bad JSON, no page field) carries its error,
so the batch writes an error line for it and goes on.
"""
from __future__ import annotations

import fnmatch
import gzip
import io
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterable, Iterator, Optional, Sequence

from .errors import ConfigError
from .page_input import looks_like_path

INPUT_FORMATS = ("auto", "file", "jsonl", "warc")
PAGE_FIELDS = ("html", "text")  # looked up in this order when no --field is given
_JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
_WARC_SUFFIXES = (".warc", ".warc.gz")
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class Record:
    """One page to clean, with its id and URL, or the reason it could not be read."""

    id: str
    page: Any = None
    url: Optional[str] = None
    charset: Optional[str] = None
    kind: str = "auto"
    error: Optional[str] = None


def as_records(items: Iterable[Any], field: Optional[str] = None) -> Iterator[Record]:
    """Records from what a caller hands clean_many: pages, dicts, or Records."""
    for n, item in enumerate(items):
        if isinstance(item, Record):
            yield item
        elif isinstance(item, dict):
            yield record_from_dict(item, str(n), field)
        elif isinstance(item, os.PathLike):
            yield Record(id=str(item), page=item)
        else:
            yield Record(id=str(n), page=item)


def record_from_dict(obj: Any, default_id: str, field: Optional[str] = None) -> Record:
    """A Record from one JSON object: {"id", "html" | "text" | field, "url"}."""
    if not isinstance(obj, dict):
        return Record(id=default_id, error=f"InputFormatError: expected a JSON object, got {type(obj).__name__}")
    rid = obj.get("id")
    rid = default_id if rid is None else str(rid)
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    names = (field,) if field else PAGE_FIELDS
    for name in names:
        if obj.get(name) is not None:
            return Record(id=rid, url=url, **as_content(obj[name]))
    wanted = " or ".join(repr(n) for n in names)
    return Record(id=rid, url=url, error=f"InputFormatError: the record has no {wanted} field"
                  + ("" if field else "; name the field holding the page with --field / field="))


def as_content(page: Any) -> dict[str, Any]:
    """Record fields for a value that came from data, never to be opened as a local file.

    clean() reads a one-token str ending in .html/.txt/… from disk; a scraped value must never make
    newsbody read a local file, so such a str goes in as its UTF-8 bytes.
    """
    if isinstance(page, str) and looks_like_path(page):
        return {"page": page.encode("utf-8"), "charset": "utf-8"}
    return {"page": page}


def iter_jsonl(stream: IO[bytes], name: str, field: Optional[str] = None) -> Iterator[Record]:
    """Records of a JSON Lines stream; a line that is not JSON becomes an error record."""
    for lineno, raw in enumerate(stream, 1):
        if not raw.strip():
            continue
        default_id = f"{name}:{lineno}"
        try:
            obj = json.loads(raw)
        except UnicodeDecodeError as e:
            yield Record(id=_id_despite_bad_bytes(raw, default_id),
                         error=f"InputFormatError: line {lineno} is not valid UTF-8 ({e.reason} at byte {e.start}); "
                         "JSON Lines must be UTF-8: re-encode the file")
            continue
        except ValueError as e:
            yield Record(id=default_id, error=f"InputFormatError: line {lineno} is not valid JSON ({e})")
            continue
        yield record_from_dict(obj, default_id, field)


def _id_despite_bad_bytes(raw: bytes, default_id: str) -> str:
    """The record's own id when the line is JSON apart from some bytes, so its error line can be matched."""
    try:
        obj = json.loads(raw.decode("utf-8", "replace"))
        return str(obj["id"]) if isinstance(obj, dict) and obj.get("id") is not None else default_id
    except ValueError:
        return default_id


def iter_warc(stream: IO[bytes], name: str) -> Iterator[Record]:
    """One Record per HTML response record of a WARC stream (gzip or not)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError:
        raise ConfigError("reading WARC files needs warcio: pip install 'newsbody[warc]'") from None
    try:
        for rec in ArchiveIterator(stream):
            if rec.rec_type != "response" or rec.http_headers is None:
                continue
            ctype = rec.http_headers.get_header("Content-Type") or ""
            if ctype.split(";")[0].strip().lower() not in _HTML_TYPES:
                continue
            rid = rec.rec_headers.get_header("WARC-Record-ID") or f"{name}:{rec.rec_headers.get_header('Offset')}"
            url = rec.rec_headers.get_header("WARC-Target-URI")
            try:
                body = rec.content_stream().read()
            except Exception as e:  # a broken chunked or compressed payload spoils this record only
                yield Record(id=rid, url=url, error=f"InputFormatError: unreadable WARC payload ({e})")
                continue
            yield Record(id=rid, page=body, url=url, charset=_charset(ctype))
    except ArchiveLoadFailed as e:  # the rest of this file is unreadable; other inputs go on
        yield Record(id=f"{name}:unreadable", error=f"InputFormatError: {name} is not a WARC file, "
                     f"or it is damaged from here on ({e})")


def _charset(content_type: str) -> Optional[str]:
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset" and value.strip():
            return value.strip().strip('"\'')
    return None


def input_format_of(path: str) -> str:
    """file | jsonl | warc, from a path's suffix."""
    low = path.lower()
    if low.endswith(_JSONL_SUFFIXES):
        return "jsonl"
    if low.endswith(_WARC_SUFFIXES):
        return "warc"
    return "file"


def iter_files(root: Path, patterns: Sequence[str]) -> Iterator[Path]:
    """Files under a directory (recursively, sorted, hidden ones skipped) whose names match a pattern."""
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for fname in sorted(filenames):
            if not fname.startswith(".") and any(fnmatch.fnmatch(fname, p) for p in patterns):
                yield Path(dirpath) / fname


def read_inputs(paths: Sequence[str], input_format: str = "auto", field: Optional[str] = None,
                glob: str = "*", stdin: Optional[IO[bytes]] = None) -> Iterator[Record]:
    """Records from the command's inputs: files, directories, JSON Lines, WARC, or stdin ("-")."""
    if input_format not in INPUT_FORMATS:
        raise ConfigError(f"input format must be one of {', '.join(INPUT_FORMATS)}, not {input_format!r}")
    check_inputs(paths)
    patterns = [p.strip() for p in glob.split(",") if p.strip()] or ["*"]
    for src in paths:
        fmt = input_format if input_format != "auto" else ("file" if src == "-" else input_format_of(src))
        if src == "-":
            stream = stdin if stdin is not None else io.BytesIO()
            if fmt == "file":
                yield Record(id="-", page=stream.read())
            else:
                yield from _read_stream(stream, "-", fmt, field)
        elif os.path.isdir(src):
            for path in iter_files(Path(src), patterns):
                sub = fmt if input_format != "auto" else input_format_of(str(path))
                yield from _read_path(path, sub, field)
        else:
            yield from _read_path(Path(src), fmt, field)


def check_inputs(paths: Sequence[str]) -> None:
    """Fail before any work when a named input does not exist."""
    for src in paths:
        if src != "-" and not os.path.exists(src):
            raise ConfigError(f"no such file or directory: {src!r}")


def _read_path(path: Path, fmt: str, field: Optional[str]) -> Iterator[Record]:
    if fmt == "file":
        yield Record(id=str(path), page=path)  # read by the worker that cleans it
        return
    with open(path, "rb") as raw:
        yield from _read_stream(raw, str(path), fmt, field)


def _read_stream(raw: IO[bytes], name: str, fmt: str, field: Optional[str]) -> Iterator[Record]:
    if fmt == "warc":  # warcio detects and undoes per-record gzip itself
        yield from iter_warc(raw, name)
        return
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    stream = gzip.GzipFile(fileobj=raw) if head == b"\x1f\x8b" else raw
    try:
        yield from iter_jsonl(stream, name, field)
    except (OSError, EOFError) as e:  # a truncated or corrupt gzip stream; other inputs go on
        yield Record(id=f"{name}:unreadable",
                     error=f"InputFormatError: {name}: cannot read past a damaged compressed stream ({e})")
