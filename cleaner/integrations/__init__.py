"""Optional integrations: cleaner.integrations.scrapy (newsbody[scrapy]) and cleaner.integrations.ray
(newsbody[ray]). Import the submodule you need; nothing here imports Scrapy or Ray, and the core never
imports this package.
"""
from __future__ import annotations

from typing import Any, Optional

from ..sources import Record


def missing_extra(package: str, extra: str) -> ImportError:
    """An ImportError naming the newsbody extra that installs the missing package."""
    return ImportError(f"newsbody's {extra} integration needs {package}, which is not installed: "
                       f"pip install 'newsbody[{extra}]'")


def page_record(page: Any, *, id: str, url: Optional[str] = None, charset: Optional[str] = None,
                field: str = "html") -> Record:
    """A Record for a page that came from the web or a dataset: str or bytes, never a file path."""
    url = url if isinstance(url, str) else None
    if page is None:
        return Record(id=id, url=url, error=f"InputFormatError: the record has no {field!r} value")
    if isinstance(page, (bytearray, memoryview)):
        page = bytes(page)
    if isinstance(page, str) and _could_be_read_as_path(page):
        # Cleaner.clean reads a one-token str ending in .html/.txt/... as a file path; a scraped value
        # must never make newsbody read a local file, so it goes in as the bytes of that text.
        page, charset = page.encode("utf-8"), "utf-8"
    if not isinstance(page, (str, bytes)):
        return Record(id=id, url=url, error=f"InputFormatError: the {field!r} value is a {type(page).__name__}; "
                      "it must be the page's HTML or text as str or bytes")
    charset = charset if isinstance(page, bytes) and isinstance(charset, str) and charset.strip() else None
    return Record(id=id, page=page, url=url, charset=charset)


def _could_be_read_as_path(page: str) -> bool:
    stripped = page.strip()
    return len(page) < 4096 and not any(ch.isspace() or ch in "<>" for ch in stripped)
