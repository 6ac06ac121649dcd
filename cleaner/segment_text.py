"""Plain text (a page already reduced to text) → paragraphs."""
from __future__ import annotations

import re
from typing import Optional

from .errors import PageTooLargeError
from .paragraph import DomContext, Paragraph

# Not text: C0 controls but tab/LF/CR, DEL and lone surrogates are removed (libxml2 rejects C0
# and stops parsing at a lone surrogate, losing the rest of the page; nor can a lone surrogate be
# written as UTF-8); VT and FF, whitespace to browsers, become spaces. C1 controls stay: they are
# valid characters, most often a cp1252 quote or dash that was decoded as latin-1 (the corpora have
# them). Both segmenters apply this to the page and to each paragraph (the parser decodes &#1;).
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
_REPLACEMENT = {"\x0b": " ", "\x0c": " "}
# Time and memory grow with the number of paragraphs (language detection, features and model per
# paragraph: about 0.3 ms and 5 KB each), so a page with more is refused rather than cleaned for
# minutes in gigabytes. A long news page has a few hundred, rarely a few thousand.
MAX_PARAGRAPHS = 100_000
_BLANK_LINES = re.compile(r"\n[ \t\f\v\u00a0\u3000]*\n")
# A line this short directly above a paragraph is a separate block (a close button, a label).
LONE_LINE_MAX_CHARS = 20


def _norm(text: str) -> str:
    return " ".join(text.split())


def _replace(m: re.Match) -> str:
    return _REPLACEMENT.get(m.group(), "")


def strip_non_text(text: str) -> str:
    """Text without C0 control characters and lone surrogates; VT and FF as spaces (see _NOT_TEXT)."""
    return _NOT_TEXT.sub(_replace, text)


# The ASCII characters _NOT_TEXT matches, as bytes (UTF-8 encodes no other character with such a byte).
# has_non_text relies on _NOT_TEXT matching nothing else but lone surrogates: keep it so or update both.
_NOT_TEXT_BYTES = bytes(c for c in range(128) if _NOT_TEXT.match(chr(c)))


def has_non_text(text: str) -> bool:
    """Whether strip_non_text would change text (twice as fast as its scan on a whole page)."""
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:  # only a lone surrogate cannot be encoded
        return True
    return len(data.translate(None, _NOT_TEXT_BYTES)) != len(data)


def too_many_paragraphs(limit: int) -> PageTooLargeError:
    """The error for a page with more than `limit` paragraphs."""
    return PageTooLargeError(
        f"the page has more than {limit:,} paragraphs; newsbody stops there to bound time and memory "
        "(about 0.3 s and 5 MB per 1,000 paragraphs). Split the page, or set "
        "cleaner.segment_text.MAX_PARAGRAPHS higher if you really want to clean it")


def _blocks(text: str):
    start = 0  # lazily: a 10 MB text of one-letter paragraphs must not become a list of millions first
    for m in _BLANK_LINES.finditer(text):
        yield text[start:m.start()]
        start = m.end()
    yield text[start:]


def segment_text(text: str, max_paragraphs: Optional[int] = None) -> list[Paragraph]:
    """Split plain text into paragraphs on blank lines; a lone short first line stands alone."""
    limit = MAX_PARAGRAPHS if max_paragraphs is None else max_paragraphs
    text = strip_non_text(text).replace("\r\n", "\n").replace("\r", "\n")
    out: list[Paragraph] = []
    for group, block in enumerate(_blocks(text)):
        lines = [line for line in block.split("\n") if line.strip()]
        if not lines:
            continue
        first = _norm(lines[0])
        if len(lines) > 1 and len(first) <= LONE_LINE_MAX_CHARS:
            pieces = [first, _norm(" ".join(lines[1:]))]
        else:
            pieces = [_norm(" ".join(lines))]
        for piece in pieces:
            if piece:
                if len(out) >= limit:
                    raise too_many_paragraphs(limit)
                out.append(Paragraph(text=piece, index=len(out), kind="text", dom=DomContext(group=group)))
    return out
