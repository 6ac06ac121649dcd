"""Plain text (a page already reduced to text) → paragraphs."""
from __future__ import annotations

import re

from .paragraph import DomContext, Paragraph

_BLANK_LINES = re.compile(r"\n[ \t\f\v\u00a0\u3000]*\n")
# A line this short directly above a paragraph is a separate block (a close button, a label).
LONE_LINE_MAX_CHARS = 20


def _norm(text: str) -> str:
    return " ".join(text.split())


def segment_text(text: str) -> list[Paragraph]:
    """Split plain text into paragraphs on blank lines; a lone short first line stands alone."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out: list[Paragraph] = []
    for group, block in enumerate(_BLANK_LINES.split(text)):
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
                out.append(Paragraph(text=piece, index=len(out), kind="text", dom=DomContext(group=group)))
    return out
