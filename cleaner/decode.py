"""Bytes → str: byte-order mark, declared charset, <meta charset>, then detection."""
from __future__ import annotations

import codecs
import re
from typing import Optional

from .errors import DecodeError

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_:.\-]+)""", re.I)
# Formats scrapers hand us by mistake: say what they are instead of returning noise.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"\x1f\x8b", "a gzip stream (decompress it first)"),
    (b"PK\x03\x04", "a ZIP archive"),
    (b"BZh", "a bzip2 stream (decompress it first)"),
    (b"\x28\xb5\x2f\xfd", "a zstd stream (decompress it first)"),
    (b"RIFF", "a RIFF media file"),
    (b"\x7fELF", "an executable"),
)


def _codec(name: str) -> Optional[str]:
    try:
        return codecs.lookup(name.decode("ascii", "ignore") if isinstance(name, bytes) else name).name
    except LookupError:
        return None


def sniff_binary(data: bytes) -> Optional[str]:
    """Name the binary format of `data` when it is a known non-text format, else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def decode(data: bytes, declared: Optional[str] = None) -> str:
    """Decode a page's bytes: BOM, declared charset, strict UTF-8, <meta charset>, detection."""
    what = sniff_binary(data)
    if what:
        raise DecodeError(f"the page is {what}, not HTML or text; pass the page's HTML or text instead")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    candidates = []
    if declared:
        enc = _codec(declared)
        if enc is None:
            raise DecodeError(f"unknown charset {declared!r}; pass a Python codec name such as 'utf-8' or 'cp1251'")
        candidates.append(enc)
    candidates.append("utf-8")
    m = _META_CHARSET.search(data[:8192])
    if m:
        enc = _codec(m.group(1).decode("ascii", "ignore"))
        # A page that declares UTF-16 in ASCII bytes cannot really be UTF-16.
        if enc and not enc.startswith("utf-16") and not enc.startswith("utf-32"):
            candidates.append(enc)
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    from bs4 import UnicodeDammit  # detection is the slow path; import only when needed

    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return data.decode("cp1252", errors="replace")
