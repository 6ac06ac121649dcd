"""Bytes → str: byte-order mark, UTF-16 sniffing, declared charset, UTF-8, <meta charset>, then detection."""
from __future__ import annotations

import codecs
import re
from typing import Optional

from .errors import DecodeError
from .rawtext import drop_elements

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


# Labels browsers read as a superset (WHATWG Encoding Standard): a page labelled latin-1 is
# really cp1252 (its curly quotes would otherwise become C1 controls), gb2312 is GBK, and so on.
_SUPERSETS = {"iso8859-1": "cp1252", "latin-1": "cp1252", "iso8859-9": "cp1254",
              "tis-620": "cp874", "iso8859-11": "cp874", "gb2312": "gb18030", "gbk": "gb18030",
              "shift_jis": "cp932", "euc_kr": "cp949", "big5": "big5hkscs"}
# Detection looks at the page's text, not its markup: a page's first kilobytes are often all
# ASCII scripts and styles, which tell nothing about the charset.
_RAW_START = re.compile(rb"<(script|style)(?=[\s/>])", re.I)
_RAW_END = {b"script": re.compile(rb"</script\s*>", re.I), b"style": re.compile(rb"</style\s*>", re.I)}
_MARKUP = re.compile(rb"<[^<>]*>|&#?\w+;|\s+")
DETECT_BYTES = 64_000


def _text_bytes(data: bytes) -> bytes:
    """The bytes of a page's text: scripts, styles, tags and entities become spaces (linear time)."""
    return _MARKUP.sub(b" ", drop_elements(data, _RAW_START, _RAW_END, b" "))


def _codec(name: str) -> Optional[str]:
    try:
        enc = codecs.lookup(name.decode("ascii", "ignore") if isinstance(name, bytes) else name).name
    except LookupError:
        return None
    return _SUPERSETS.get(enc, enc)


def sniff_utf16(data: bytes) -> Optional[str]:
    """utf-16-le/-be for UTF-16 without a byte-order mark (markup is ASCII: every other byte NUL), else None."""
    head = data[:4096]
    half = len(head) // 2
    if half < 8:
        return None
    even, odd = head[0:2 * half:2].count(0) / half, head[1:2 * half:2].count(0) / half
    if odd >= 0.3 and even <= 0.02:
        return "utf-16-le"
    if even >= 0.3 and odd <= 0.02:
        return "utf-16-be"
    return None


def detect(data: bytes) -> Optional[str]:
    """The charset charset-normalizer finds for the page's text (markup left out), or None."""
    try:
        import charset_normalizer
    except ImportError:  # without it, UnicodeDammit can only try UTF-8 and windows-1252
        return None
    sample = _text_bytes(data[:4 * DETECT_BYTES])
    if len(sample) > DETECT_BYTES:
        sample = sample[:sample.rfind(b" ", 0, DETECT_BYTES) + 1 or DETECT_BYTES]  # never cut a character
    if sample.isascii():
        sample = data[:4 * DETECT_BYTES]  # all the text is ASCII: the markup is all there is to go on
    best = charset_normalizer.from_bytes(sample).best()
    return _codec(best.encoding) if best is not None else None


# Control bytes no text encoding uses (tab, LF, FF, CR and ESC, which ISO-2022 uses, are left out).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20)])
BINARY_CONTROL_SHARE = 0.05


def mostly_utf8(data: bytes) -> Optional[str]:
    """The page as UTF-8 when at least 80% of its non-ASCII characters are valid UTF-8, else None.

    A UTF-8 page with a stray byte, a cut character or a pasted cp1252 fragment is still UTF-8:
    the few bad bytes become U+FFFD instead of the whole page becoming mojibake. Pages in
    single-byte or East Asian charsets are almost never valid UTF-8 beyond a few characters.
    """
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", "ignore")) - bad
    return text if good >= 4 * bad else None


def looks_binary(data: bytes) -> Optional[str]:
    """A message when the bytes are too full of control bytes to be text in any charset, else None."""
    sample = data[:65536]
    share = (len(sample) - len(sample.translate(None, _CONTROL_BYTES))) / (len(sample) or 1)
    if share < BINARY_CONTROL_SHARE:
        return None
    return (f"the page looks like binary data, not HTML or text: {share:.0%} of its first bytes are control "
            "characters, and it is neither UTF-8 nor UTF-16. Pass the page's HTML or text, or name its charset "
            "(clean(page, charset=...)) if it really is text")


def sniff_binary(data: bytes) -> Optional[str]:
    """Name the binary format of `data` when it is a known non-text format, else None."""
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    return None


def decode(data: bytes, declared: Optional[str] = None) -> str:
    """Decode a page's bytes.

    In order: byte-order mark, BOM-less UTF-16, the declared charset, strict UTF-8, mostly UTF-8
    (bad bytes become U+FFFD), <meta charset>, then detection on the page's text; bytes full of
    control characters that none of these decode are refused as binary.
    """
    what = sniff_binary(data)
    if what:
        raise DecodeError(f"the page is {what}, not HTML or text; pass the page's HTML or text instead")
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return data[len(bom):].decode(enc, errors="replace")
    candidates = []
    # An HTML page whose every other byte is NUL is UTF-16, whatever its label says (and its ASCII
    # markup would pass for valid UTF-8 with a NUL between letters).
    utf16 = sniff_utf16(data)
    if utf16:
        candidates.append(utf16)
    if declared:
        enc = _codec(declared)
        if enc is None:
            raise DecodeError(f"unknown charset {declared!r}; pass a Python codec name such as 'utf-8' or 'cp1251'")
        if enc.startswith(("utf-16", "utf-32")) and not utf16:
            enc = "utf-8"  # declared UTF-16 but no BOM and no NULs: the bytes are ASCII-compatible
        candidates.append(enc)
    candidates.append("utf-8")
    for enc in candidates:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    text = mostly_utf8(data)
    if text is not None:
        return text
    m = _META_CHARSET.search(data[:8192])
    if m:
        enc = _codec(m.group(1).decode("ascii", "ignore"))
        # A page that declares UTF-16 in ASCII bytes cannot really be UTF-16.
        if enc and not enc.startswith("utf-16") and not enc.startswith("utf-32"):
            try:
                return data.decode(enc)
            except (UnicodeDecodeError, LookupError):
                pass
    binary = looks_binary(data)
    if binary:
        raise DecodeError(binary)
    enc = detect(data)
    if enc:
        return data.decode(enc, errors="replace")
    from bs4 import UnicodeDammit  # detection is the slow path; import only when needed

    dammit = UnicodeDammit(data, is_html=True)
    if dammit.unicode_markup is not None:
        return dammit.unicode_markup
    return data.decode("cp1252", errors="replace")
