"""The unit every stage passes around: one block of text with its context and decision."""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Optional, Sequence

# Block kinds produced by the segmenters.
HEADING_KINDS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
# Class/id tokens that name a readers' comment section (WordPress's "commentlist", Disqus, "replies" …).
COMMENT_SECTION_TOKENS: frozenset[str] = frozenset({"comment", "comments", "commentlist", "disqus", "reply", "replies", "discussion"})


@dataclass(frozen=True)
class DomContext:
    """Where a paragraph sat in the page's DOM (all empty for plain text)."""

    tag_path: tuple[str, ...] = ()          # ancestor tags, outermost first, ending with the block tag
    tokens: tuple[str, ...] = ()            # lower-cased class/id tokens of the block and its ancestors
    in_nav: bool = False
    in_header: bool = False
    in_footer: bool = False
    in_aside: bool = False
    in_form: bool = False
    in_article: bool = False                # inside <article>, <main> or an element with role=main/article
    link_share: float = 0.0                 # share of the text that is link text
    depth: int = 0
    group: int = -1  # id of the enclosing container / plain-text block; same value = same group
    ancestors: tuple[int, ...] = ()         # ids of the enclosing elements, outermost first (HTML only)


@dataclass(frozen=True)
class Paragraph:
    """One block of page text; decision fields are filled in by later stages."""

    text: str
    index: int
    kind: str = "p"                         # p, h1..h6, li, td, pre, blockquote, caption, div, text-line, ...
    dom: DomContext = field(default_factory=DomContext)
    lang: Optional[str] = None
    lang_conf: float = 0.0
    p_body: Optional[float] = None
    keep: Optional[bool] = None
    label: Optional[str] = None             # body | title | meta | boilerplate
    reason: Optional[str] = None

    def with_(self, **changes: object) -> "Paragraph":
        """Return a copy with some fields changed."""
        # dataclasses.replace() re-runs __init__ field by field; every paragraph is copied twice per
        # page, so the copy is made directly (fields checked, the instance stays frozen to callers).
        if not _PARAGRAPH_FIELDS.issuperset(changes):
            raise TypeError(f"Paragraph has no field {', '.join(sorted(changes.keys() - _PARAGRAPH_FIELDS))}")
        copy = object.__new__(type(self))
        copy.__dict__.update(self.__dict__, **changes)
        return copy


_PARAGRAPH_FIELDS = frozenset(f.name for f in fields(Paragraph))


def in_comment_sections(paragraphs: Sequence[Paragraph], article: Sequence[bool]) -> list[bool]:
    """Which paragraphs sit in a readers' comment section, given which ones make up the article.

    A class or id that names comments on an element holding the whole article (WordPress themes put
    `comments-open` on <body> or on the post's wrapper) is not a comment section: comment tokens that every
    article paragraph carries are not counted."""
    tokens = [COMMENT_SECTION_TOKENS.intersection(p.dom.tokens) for p in paragraphs]
    shared = frozenset.intersection(*(t for t, a in zip(tokens, article) if a)) if any(article) else frozenset()
    return [bool(t - shared) for t in tokens]
