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
from .segment_text import has_non_text, strip_non_text, too_many_paragraphs

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
_TOKEN = re.compile(r"[a-z0-9]{2,}")
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


# A paragraph's in_nav ... in_article, as bits of an int (cheaper to combine than sets).
_FLAG_NAMES = ("nav", "header", "footer", "aside", "form", "article")
_FLAG_BIT = {name: 1 << i for i, name in enumerate(_FLAG_NAMES)}
_TAG_BITS = {tag: _FLAG_BIT[name] for tag, name in _TAG_FLAGS.items()}
_ROLE_BITS = {role: _FLAG_BIT[name] for role, name in _ROLE_FLAGS.items()}
# (in_nav, in_header, in_footer, in_aside, in_form, in_article) for every combination of flag bits.
_FLAG_VALUES = [tuple(bool(bits & _FLAG_BIT[name]) for name in _FLAG_NAMES)
                for bits in range(1 << len(_FLAG_NAMES))]
# Every element gets a frame, what it passes on to its content; a tuple is the cheapest to make:
# (tokens, flags, tag_path, group, child_group, in_link, inline_tokens, is_block).
# group is what an inline child inherits, child_group what a block child gets (the element's number
# if it is a container); inline_tokens are the class/id tokens an inline element adds to the
# paragraph its text is in.
_ROOT_FRAME = ((), 0, (), 0, 0, False, (), True)
_BR_FRAME = ((), 0, (), -1, -1, False, (), False)  # marks a <br> on the stack
# The root's block; the walk keeps each open block as (kind, tag_path, tokens, flags, depth, group,
# ancestors), what its paragraphs' DomContext is made of.
_ROOT_BLOCK = ("div", (), (), 0, 0, 0, ())
# Class and id attributes seen lately → their tokens (pages of a site share most of them).
_TOKENS_BY_CLASS_ID: dict[str, tuple[str, ...]] = {}
_TOKENS_CACHE_SIZE = 4096


def _tag_info(tag: str) -> tuple[str, bool, bool, int, bool]:
    """(name, is a block, is a container, flag bit, is a link) of an lxml tag."""
    name = tag.rsplit("}", 1)[-1].lower()
    return name, name in BLOCK_TAGS, name in CONTAINER_TAGS, _TAG_BITS.get(name, 0), name == "a"


def _learn_class_id_tokens(class_and_id: str) -> tuple[str, ...]:
    """The distinct lower-cased tokens (two or more letters or digits) of a class and id, now cached."""
    if len(_TOKENS_BY_CLASS_ID) >= _TOKENS_CACHE_SIZE:
        _TOKENS_BY_CLASS_ID.clear()
    tokens = _TOKENS_BY_CLASS_ID[class_and_id] = tuple(dict.fromkeys(_TOKEN.findall(class_and_id.lower())))
    return tokens


def _paragraph(text: str, index: int, block: tuple, extra_tokens: list[str], link_share: float) -> Paragraph:
    """The Paragraph of a block's text."""
    kind, tag_path, tokens, flags, depth, group, ancestors = block
    if extra_tokens:
        tokens = tuple(dict.fromkeys(extra_tokens + list(tokens)))[:MAX_TOKENS]
    in_nav, in_header, in_footer, in_aside, in_form, in_article = _FLAG_VALUES[flags]
    # Made without the frozen dataclasses' __init__, which sets each field through object.__setattr__
    # and cost more than the rest of the walk (see _check_direct_construction).
    dom = object.__new__(DomContext)
    dom.__dict__.update({
        "tag_path": tag_path, "tokens": tokens, "in_nav": in_nav, "in_header": in_header, "in_footer": in_footer,
        "in_aside": in_aside, "in_form": in_form, "in_article": in_article, "link_share": link_share,
        "depth": depth, "group": group, "ancestors": ancestors})
    paragraph = object.__new__(Paragraph)
    paragraph.__dict__.update({
        "text": text, "index": index, "kind": kind, "dom": dom,
        "lang": None, "lang_conf": 0.0, "p_body": None, "keep": None, "label": None, "reason": None})
    return paragraph


def _check_direct_construction() -> None:
    """Fail on import, not on a page, if Paragraph or DomContext changed in a way _paragraph must follow."""
    probe = _paragraph("x", 0, _ROOT_BLOCK, [], 0.0)
    if (vars(probe) != vars(Paragraph(text="x", index=0, kind="div", dom=probe.dom))
            or vars(probe.dom) != vars(DomContext(group=0))
            or hasattr(Paragraph, "__post_init__") or hasattr(DomContext, "__post_init__")):
        raise ImportError("Paragraph or DomContext changed: update cleaner.segment_html._paragraph")


_check_direct_construction()


def _parse(html: str):
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, no_network=True,
                              huge_tree=True, recover=True, collect_ids=False)
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
    html = _XML_DECL.sub("", html, count=1)
    if has_non_text(html):
        html = strip_non_text(html)
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
    return HtmlPage(_paragraphs(root, limit), title, lang)


def _paragraphs(root, limit: int) -> list[Paragraph]:
    """The tree's paragraphs in page order, from one pass of start and end events."""
    # The per-element work is written out in one loop rather than split into functions: it runs for
    # every element of every page, where each call costs.
    paragraphs: list[Paragraph] = []
    parts: list[str] = []         # the text of the paragraph being built
    extra_tokens: list[str] = []  # class/id tokens of inline elements holding some of it
    link_chars = 0                # how much of it is link text
    last_was_br = False
    stack = [_ROOT_FRAME]
    numbers = [0]                 # the open elements' numbers, in step with stack
    blocks = [_ROOT_BLOCK]        # the open blocks, innermost last
    block = _ROOT_BLOCK
    counter = 0
    tag_infos: dict[str, tuple] = {}
    tokens_by_class_id = _TOKENS_BY_CLASS_ID

    def flush() -> None:
        nonlocal link_chars, last_was_br
        raw = "".join(parts)
        if not raw.isspace():
            text = " ".join(strip_non_text(raw).split())  # &#1; decodes to a control character
            if text:
                if len(paragraphs) >= limit:
                    raise too_many_paragraphs(limit)
                link_share = min(1.0, link_chars / (len(raw.strip()) or 1))
                paragraphs.append(_paragraph(text, len(paragraphs), block, extra_tokens, link_share))
        parts.clear()
        extra_tokens.clear()
        link_chars = 0
        last_was_br = False

    for event, el in etree.iterwalk(root, events=("start", "end"), tag=etree.Element):
        if event == "start":
            info = tag_infos.get(el.tag)
            if info is None:
                info = tag_infos[el.tag] = _tag_info(el.tag)
            name, is_block, is_container, tag_flag, is_link = info
            if name == "br":
                if last_was_br:
                    flush()  # two line breaks in a row separate paragraphs
                else:
                    parts.append("\n")
                    last_was_br = True
                stack.append(_BR_FRAME)
                numbers.append(-1)
                continue
            counter += 1
            tokens, flags, tag_path, group, child_group, in_link, _, _ = stack[-1]
            own_tokens = ()
            class_, id_ = el.get("class"), el.get("id")
            if class_ or id_:
                class_and_id = (class_ or "") + " " + (id_ or "")
                own_tokens = tokens_by_class_id.get(class_and_id)
                if own_tokens is None:
                    own_tokens = _learn_class_id_tokens(class_and_id)
                if own_tokens:
                    tokens = (own_tokens + tokens)[:MAX_TOKENS]
            flags |= tag_flag
            role = el.get("role")
            if role:
                flags |= _ROLE_BITS.get(role.lower(), 0)
            if is_block:
                if parts:
                    flush()
                tag_path = (tag_path + (name,))[-6:]
                group = child_group
                child_group = counter if is_container else group
                ancestors = tuple(numbers[-MAX_ANCESTORS:])
                block = (name, tag_path, tokens, flags, len(stack) - 1, child_group, ancestors)
                blocks.append(block)
                stack.append((tokens, flags, tag_path, group, child_group, False, (), True))
            else:
                stack.append((tokens, flags, tag_path, group, group, in_link or is_link, own_tokens, False))
            numbers.append(counter)
            text = el.text
        else:
            numbers.pop()
            if stack.pop()[7]:  # a block ends
                if parts:
                    flush()
                blocks.pop()
                block = blocks[-1]
            text = el.tail
        if not text:
            continue
        if text.isspace():
            # White space before a paragraph's first word changes nothing; skipping it spares a flush
            # at most block ends (the indentation between blocks).
            if parts:
                parts.append(text)
            continue
        _, _, _, _, _, in_link, inline_tokens, _ = stack[-1]
        if in_link:
            link_chars += len(text.strip())
        if inline_tokens:
            extra_tokens.extend(inline_tokens)
        parts.append(text)
        last_was_br = False
    if parts:
        flush()
    return paragraphs


def segment_html(html: str, max_paragraphs: Optional[int] = None) -> HtmlPage:
    """Split an HTML page into paragraphs with their DOM context (PageTooLargeError past max_paragraphs)."""
    root = parse_html(html)
    if root is None:
        return HtmlPage([], None, None)
    return segment_root(root, max_paragraphs)
