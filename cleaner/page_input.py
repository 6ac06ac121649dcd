"""Whatever a caller hands us (str, bytes, soup, path) → page text and its kind (html | text)."""
from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any, Optional, Tuple

from .decode import decode
from .errors import InvalidInputError, PageNotFoundError, PageTooLargeError, ConfigError

KINDS = ("auto", "html", "text")
# Enough to tell markup from prose: a known tag, a doctype or an HTML comment.
_HTML_HINT = re.compile(
    r"<(?:!doctype\s+html|html|head|body|div|p|br|span|a\s|table|tr|td|ul|ol|li|h[1-6]|article|section|"
    r"main|nav|header|footer|meta|title|script|style|img|form|blockquote|pre|strong|em|b|i)\b[^<>]*>|<!--",
    re.I)
# A str that reads as a file path rather than a page: one token, no markup, a file extension.
# (No whitespace: a one-line sentence such as "See notes.txt" is text, not a path.)
_PATHLIKE = re.compile(r"^(?:[~./\\]|[a-zA-Z]:\\)?[^\s<>]*\.(?:html?|xhtml|txt|text|md|warc|gz|jsonl)$", re.I)
# Common Crawl truncates pages at 1 MiB and a news article's HTML rarely passes 1 MB; past 10 MB a
# page costs hundreds of MB to parse, so it is refused unless the caller raises the limit.
DEFAULT_MAX_BYTES = 10_000_000


def looks_like_path(page: str) -> bool:
    """True when clean() would read this str as a file path rather than as a page."""
    return len(page) < 4096 and _PATHLIKE.match(page.strip()) is not None


def looks_like_html(text: str) -> bool:
    """True when the text carries HTML markup."""
    return _HTML_HINT.search(text[:200_000]) is not None


def read_page(page: Any, kind: str = "auto", max_bytes: int = DEFAULT_MAX_BYTES,
              charset: Optional[str] = None) -> Tuple[str, str]:
    """Return (page text, "html" | "text") for a str, bytes, BeautifulSoup, or path."""
    if kind not in KINDS:
        raise ConfigError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if page is None:
        raise InvalidInputError("page is None; pass the page's HTML or text as str or bytes")
    if isinstance(page, os.PathLike):
        page = _read_file(Path(page), max_bytes)
    elif isinstance(page, str) and looks_like_path(page):
        page = _read_file(Path(page.strip()).expanduser(), max_bytes)
    if isinstance(page, (bytes, bytearray, memoryview)):
        data = bytes(page)
        if len(data) > max_bytes:
            raise PageTooLargeError(f"the page is {len(data):,} bytes, over the limit of {max_bytes:,}; "
                                    "raise the limit with Cleaner(max_bytes=...) or --max-bytes "
                                    "if you really want to clean it")
        text = decode(data, charset)
    elif isinstance(page, str) or _is_soup(page):
        if not isinstance(page, str):
            page, kind = str(page), "html"  # a soup is held to the same limit as its HTML
        text = page
        if len(text) > max_bytes:
            raise PageTooLargeError(f"the page is {len(text):,} characters, over the limit of {max_bytes:,}; "
                                    "raise the limit with Cleaner(max_bytes=...) or --max-bytes "
                                    "if you really want to clean it")
    else:
        raise InvalidInputError(
            f"cannot clean a {type(page).__name__}; pass the page as str (HTML or text), bytes, "
            "a bs4.BeautifulSoup, or a pathlib.Path")
    if kind == "auto":
        kind = "html" if looks_like_html(text) else "text"
    return text, kind


def _read_file(path: Path, max_bytes: int) -> bytes:
    if not path.is_file():
        raise PageNotFoundError(
            f"no such file: {str(path)!r}. clean() reads a path only if the file exists; "
            "to clean a page's content, pass the content itself (str or bytes)")
    size = path.stat().st_size
    if size > max_bytes:
        raise PageTooLargeError(f"{path} is {size:,} bytes, over the limit of {max_bytes:,}; "
                                "raise the limit with Cleaner(max_bytes=...) or --max-bytes "
                                "if you really want to clean it")
    return path.read_bytes()


def _is_soup(obj: Any) -> bool:
    try:
        from bs4 import BeautifulSoup
        from bs4.element import Tag
    except ImportError:  # bs4 is a dependency, but a soup can only exist if it imports
        return False
    return isinstance(obj, (BeautifulSoup, Tag))
