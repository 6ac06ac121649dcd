"""HTML → paragraphs: one Paragraph per block of text, with its DOM context.

We walk lxml's tree directly (one pass of start/end events, no recursion, so a page
of 100,000 nested <div>s cannot overflow the stack). Building a BeautifulSoup tree
costs about ten times more than lxml's parse (see bench/parse.py); bs4 stays where it
serves users: decoding bytes (UnicodeDammit) and accepting a soup a scraper already holds.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

from lxml import etree

from . import segment_text as _limits
from .paragraph import DomContext, Paragraph
from .rawtext import drop_elements
from .segment_text import strip_non_text, too_many_paragraphs

# Elements whose content is never page text.
REMOVED_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
                "canvas", "head", "math", "select", "datalist", "map")
# Elements that start and end a block of text.
BLOCK_TAGS = frozenset("""
    address article aside blockquote body button caption center dd details dialog dir div dl dt
    fieldset figcaption figure footer form frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend
    li main menu nav ol option p pre section summary table tbody td tfoot th thead tr ul
""".split())
# Blocks that hold other blocks: a paragraph's group is its innermost container.
CONTAINER_TAGS = frozenset("""
    article aside blockquote body center details dialog dir div dl fieldset figure footer form
    header hgroup html main menu nav ol section table tbody tfoot thead ul
""".split())
_ROLE_FLAGS = {"navigation": "nav", "banner": "header", "contentinfo": "footer",
               "complementary": "aside", "main": "article", "article": "article", "form": "form"}
_TAG_FLAGS = {"nav": "nav", "header": "header", "footer": "footer", "aside": "aside",
              "form": "form", "article": "article", "main": "article"}
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
MAX_TOKENS = 40
# Enclosing elements kept per paragraph (innermost last): enough to reach the article's container
# from a paragraph nested in quotes, lists and tables.
MAX_ANCESTORS = 24
_CONTAINER_TAG = re.compile(r"</?(?:div|span|section|font|center|article|main|b|i|em|strong)\b[^>]*>", re.I)
# Last resort for a page still too deep without its containers (nested lists, tables, quotes,
# custom elements...): drop comments and the elements whose content is never text, then make every
# block tag a <p> and remove every other tag, so nothing nests and every word is kept.
_NOT_TEXT_START = re.compile(r"<!--|<(%s)(?=[\s/>])" % "|".join(t for t in REMOVED_TAGS if t != "head"), re.I)
_NOT_TEXT_END = {t: re.compile(r"</%s\s*>" % t, re.I) for t in REMOVED_TAGS}
_NOT_TEXT_END[None] = re.compile(r"-->")
_ANY_TAG = re.compile(r"</?([a-zA-Z][^\s/>]*)[^>]*>")
_FLAT_KEEP = frozenset(("html", "head", "body", "title", "meta", "br"))


@dataclass(frozen=True)
class HtmlPage:
    """What segmentation found on an HTML page besides its paragraphs."""

    paragraphs: list[Paragraph]
    title: Optional[str]        # <title> or og:title
    declared_lang: Optional[str]  # <html lang>


class _Frame:
    __slots__ = ("tag", "block", "number", "tokens", "own_tokens", "flags", "path", "group", "in_link", "depth",
                 "ancestors")

    def __init__(self, tag, block, number, tokens, own_tokens, flags, path, group, in_link, ancestors=()):
        self.tag = tag
        self.block = block
        self.number = number
        self.tokens = tokens
        self.own_tokens = own_tokens
        self.flags = flags
        self.path = path
        self.group = group
        self.in_link = in_link
        self.depth = 0
        self.ancestors = ancestors  # numbers of the enclosing elements, outermost first


_BR = _Frame("br", False, -1, (), (), frozenset(), (), -1, False)  # marks a <br> on the stack


def _own_tokens(el) -> tuple[str, ...]:
    raw = (el.get("class") or "") + " " + (el.get("id") or "")
    if not raw.strip():
        return ()
    return tuple(dict.fromkeys(t for t in _TOKEN_SPLIT.split(raw.lower()) if len(t) > 1))


def _parse(html: str):
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                              huge_tree=True, recover=True)
    try:
        root = etree.fromstring(html, parser)
    except (etree.ParserError, ValueError):
        return None, False
    too_deep = any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log)
    return root, too_deep


def _sub_tags(pattern: re.Pattern, repl, html: str) -> str:
    # Only up to the last ">": a "<div" with no ">" after it would make each such start scan to
    # the end of the page (quadratic on a page of many); past the last ">" no tag can match anyway.
    end = html.rfind(">") + 1
    return pattern.sub(repl, html[:end]) + html[end:]


def _drop_not_text(html: str) -> str:
    """Remove comments and script, style, svg... elements (an unclosed one runs to the end), in linear time."""
    return drop_elements(html, _NOT_TEXT_START, _NOT_TEXT_END, " ")


def _flat_tag(m: re.Match) -> str:
    name = m.group(1).lower()
    if name in _FLAT_KEEP:
        return m.group(0)
    return "<p>" if name in BLOCK_TAGS else ""


def parse_html(html: str):
    """Parse HTML text into an lxml root element (None when there is no markup at all)."""
    html = strip_non_text(_XML_DECL.sub("", html, count=1))
    root, too_deep = _parse(html)
    if too_deep:
        # libxml2 stops at 2048 levels and drops the rest; pure containers carry no text of
        # their own, so flattening them keeps every word of such a page.
        root, too_deep = _parse(_sub_tags(_CONTAINER_TAG, " ", html))
    if too_deep:
        root, _ = _parse(_sub_tags(_ANY_TAG, _flat_tag, _drop_not_text(html)))
    return root


def _head_info(root) -> tuple[Optional[str], Optional[str]]:
    title = None
    for el in root.iter("title"):
        title = " ".join(strip_non_text(el.text or "").split()) or None
        if title:
            break
    if not title:
        for el in root.iter("meta"):
            if (el.get("property") or el.get("name") or "").lower() in ("og:title", "twitter:title"):
                title = " ".join(strip_non_text(el.get("content") or "").split()) or None
                if title:
                    break
    lang = root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang")
    return title, (lang.strip() or None) if lang else None


def segment_root(root, max_paragraphs: Optional[int] = None) -> HtmlPage:
    """Walk a parsed lxml tree once and return its paragraphs in page order.

    More than max_paragraphs (default cleaner.segment_text.MAX_PARAGRAPHS) raise PageTooLargeError.
    """
    limit = _limits.MAX_PARAGRAPHS if max_paragraphs is None else max_paragraphs
    title, lang = _head_info(root)
    etree.strip_elements(root, *REMOVED_TAGS, with_tail=False)
    paragraphs: list[Paragraph] = []
    parts: list[str] = []
    link_chars = 0
    extra_tokens: list[str] = []
    counter = 0
    root_frame = _Frame("#root", True, 0, (), (), frozenset(), (), 0, False)
    stack = [root_frame]
    block = root_frame
    last_was_br = False

    def flush() -> None:
        nonlocal link_chars, last_was_br
        if parts:
            raw = "".join(parts)
            text = " ".join(strip_non_text(raw).split())  # &#1; decodes to a control character
            if text:
                if len(paragraphs) >= limit:
                    raise too_many_paragraphs(limit)
                total = len(raw.strip()) or 1
                tokens = block.tokens
                if extra_tokens:
                    tokens = tuple(dict.fromkeys(extra_tokens + list(tokens)))[:MAX_TOKENS]
                f = block.flags
                paragraphs.append(Paragraph(
                    text=text, index=len(paragraphs), kind=block.tag if block.tag != "#root" else "div",
                    dom=DomContext(
                        tag_path=block.path, tokens=tokens,
                        in_nav="nav" in f, in_header="header" in f, in_footer="footer" in f,
                        in_aside="aside" in f, in_form="form" in f, in_article="article" in f,
                        link_share=min(1.0, link_chars / total), depth=block.depth,
                        group=block.number if block.tag in CONTAINER_TAGS else block.group,
                        ancestors=block.ancestors,
                    )))
            parts.clear()
            extra_tokens.clear()
        link_chars = 0
        last_was_br = False

    def add(text: str, frame: _Frame) -> None:
        nonlocal link_chars, last_was_br
        if frame.in_link:
            link_chars += len(text.strip())
        if frame.own_tokens and not frame.block and text.strip():
            extra_tokens.extend(frame.own_tokens)
        parts.append(text)
        if text.strip():
            last_was_br = False

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag
        if not isinstance(tag, str):
            continue
        if event == "start":
            tag = tag.rsplit("}", 1)[-1].lower()
            parent = stack[-1]
            if tag == "br":
                if last_was_br:
                    flush()  # two line breaks in a row separate paragraphs
                else:
                    parts.append("\n")
                    last_was_br = True
                stack.append(_BR)
                continue
            counter += 1
            own = _own_tokens(el)
            flags = parent.flags
            extra = _TAG_FLAGS.get(tag)
            role = el.get("role")
            role_flag = _ROLE_FLAGS.get(role.lower()) if role else None
            if extra or role_flag:
                flags = flags | {f for f in (extra, role_flag) if f}
            is_block = tag in BLOCK_TAGS
            ancestors = (parent.ancestors + (parent.number,))[-MAX_ANCESTORS:]
            tokens = (own + parent.tokens)[:MAX_TOKENS] if own else parent.tokens
            if is_block:
                flush()
                frame = _Frame(tag, True, counter, tokens, own, flags, (parent.path + (tag,))[-6:],
                               parent.number if parent.tag in CONTAINER_TAGS else parent.group, False, ancestors)
                frame.depth = len(stack) - 1
                block = frame
            else:
                frame = _Frame(tag, False, counter, tokens, own, flags, parent.path,
                               parent.group, parent.in_link or tag == "a", ancestors)
            stack.append(frame)
            if el.text:
                add(el.text, frame)
        else:
            frame = stack.pop()
            if frame is _BR:
                if el.tail:
                    add(el.tail, stack[-1])
                continue
            if frame.block and frame is block and frame is not root_frame:
                flush()
                block = next(f for f in reversed(stack) if f.block)
            if el.tail:
                add(el.tail, stack[-1])
    flush()
    return HtmlPage(paragraphs, title, lang)


def segment_html(html: str, max_paragraphs: Optional[int] = None) -> HtmlPage:
    """Split an HTML page into paragraphs with their DOM context (PageTooLargeError past max_paragraphs)."""
    root = parse_html(html)
    if root is None:
        return HtmlPage([], None, None)
    return segment_root(root, max_paragraphs)
