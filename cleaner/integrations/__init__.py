"""Optional integrations: cleaner.integrations.scrapy (newsbody[scrapy]) and cleaner.integrations.ray
(newsbody[ray]). Import the submodule you need; nothing here imports Scrapy or Ray, and the core never
imports this package.
"""
from __future__ import annotations

from typing import Any, Optional

from ..sources import Record, as_content


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
    if isinstance(page, str):
        fields = as_content(page)  # a scraped value is never opened as a local file
        page, charset = fields["page"], fields.get("charset", charset)
    if not isinstance(page, (str, bytes)):
        return Record(id=id, url=url, error=f"InputFormatError: the {field!r} value is a {type(page).__name__}; "
                      "it must be the page's HTML or text as str or bytes")
    charset = charset if isinstance(page, bytes) and isinstance(charset, str) and charset.strip() else None
    return Record(id=id, page=page, url=url, charset=charset)
