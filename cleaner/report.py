"""Results → one self-contained HTML report: every paragraph in page order, dropped ones struck
through and coloured by reason, language / P(body) / reason on hover. No network resources."""
from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass
from typing import Iterable, Optional, Sequence

from .paragraph import Paragraph
from .result import Result

# Colours of the reasons' kinds (the part of a reason before any parenthesis); others are grey.
REASON_COLOURS = {
    "title": "#6a3d9a", "meta": "#1f78b4", "consent": "#e31a1c", "close": "#e31a1c",
    "navigation": "#ff7f00", "links": "#ff7f00", "share": "#b15928", "newsletter": "#33a02c",
    "paywall": "#33a02c", "related": "#a6761d", "advert": "#d01c8b", "comments": "#8c510a",
    "caption": "#01665e", "legal": "#525252", "footer": "#525252", "sidebar": "#7570b3",
    "form": "#7570b3", "other-language": "#c51b7d", "no-letters": "#969696", "your-label": "#000000",
}
_OTHER_COLOUR = "#737373"
_SLUG = re.compile(r"[^a-z0-9]+")

_CSS = """
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1a1a1a;background:#fafafa}
header.top{padding:1rem 2rem;background:#fff;border-bottom:1px solid #ddd}
header.top label{font-size:.9rem}
header.top h1{margin:0 0 .25rem;font-size:1.4rem}
main{padding:0 2rem 4rem;max-width:60rem}
section.page{background:#fff;border:1px solid #ddd;border-radius:6px;margin:1.5rem 0;padding:1rem 1.5rem}
section.page h2{margin:.2rem 0 .5rem;font-size:1.2rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:0 1rem;margin:0 0 .5rem;font-size:.9rem;color:#444}
dl.facts dt{font-weight:600}dl.facts dd{margin:0;overflow-wrap:anywhere}
p.counts{font-size:.9rem;margin:.5rem 0 1rem}
.chip{display:inline-block;border-radius:3px;padding:0 .4em;margin:.1em .2em;color:#fff;font-size:.85rem}
.chip.kept{background:#2b8a3e}
.para{margin:.35rem 0;padding:.1rem .5rem;border-left:4px solid #2b8a3e;white-space:pre-wrap;overflow-wrap:anywhere}
.para.drop{text-decoration:line-through;text-decoration-thickness:1px;border-left-style:solid;opacity:.85}
.para.flipped{outline:2px dashed #000;outline-offset:1px}
.para .info{display:none;font-size:.75rem;color:#555;margin-left:.5rem;text-decoration:none}
body:has(#details:checked) .para .info{display:inline-block}
p.error{color:#b00020;font-weight:600}
.review .para{cursor:pointer}
.review .para:hover{background:#f0f4ff}
#status{position:fixed;bottom:0;left:0;right:0;padding:.4rem 2rem;background:#222;color:#fff;font-size:.9rem}
#status.failed{background:#b00020}
"""

_REVIEW_JS = """
(function(){
  var token=document.querySelector('meta[name="newsbody-token"]').content;
  var status=document.getElementById('status');
  function say(text,failed){status.textContent=text;status.className=failed?'failed':'';}
  function send(section,body,done){
    var req=new XMLHttpRequest();
    req.open('POST','/label');
    req.setRequestHeader('Content-Type','application/json');
    req.setRequestHeader('X-Newsbody-Token',token);
    req.onload=function(){
      if(req.status!==200){say('NOT saved: '+req.responseText,true);return;}
      var answer=JSON.parse(req.responseText);
      section.outerHTML=answer.html;
      say('saved to '+answer.file+' ('+answer.saved+')',false);
    };
    req.onerror=function(){say('NOT saved: the review server does not answer (was it stopped?)',true);};
    req.send(JSON.stringify(body));
  }
  function act(target){
    var section=target.closest('section.page');
    if(!section||section.dataset.page===undefined)return;
    var para=target.closest('.para');
    if(para){send(section,{page:+section.dataset.page,paragraph:+para.dataset.i,keep:para.classList.contains('drop')});return;}
    if(target.closest('button.save')){send(section,{page:+section.dataset.page});}
  }
  document.addEventListener('click',function(e){act(e.target);});
  document.addEventListener('keydown',function(e){
    if((e.key==='Enter'||e.key===' ')&&e.target.classList&&e.target.classList.contains('para')){e.preventDefault();act(e.target);}
  });
})();
"""


@dataclass(frozen=True)
class Review:
    """What the user decided on one page: keep/drop per paragraph (None: the model's call), and
    whether the page's labels are saved."""

    keeps: Sequence[Optional[bool]]
    saved: bool = False


def reason_group(reason: Optional[str]) -> str:
    """A reason without its particulars: 'boilerplate: other language (tr, article en)' → 'boilerplate: other language'."""
    return (reason or "unknown").split("(")[0].strip()


def reason_kind(reason: Optional[str]) -> str:
    """The CSS-safe kind a reason is coloured by: consent, navigation, meta, title, other-language…"""
    group = reason_group(reason)
    kind = group.partition(":")[2] if group.startswith("boilerplate") else group.partition(":")[0]
    return _SLUG.sub("-", kind.strip().lower()).strip("-") or "unknown"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _css() -> str:
    colours = "".join(f".para.r-{k}{{border-left-color:{c};color:{c}}}.chip.r-{k}{{background:{c};color:#fff}}"
                      for k, c in REASON_COLOURS.items())
    return _CSS + f".para.drop{{border-left-color:{_OTHER_COLOUR};color:{_OTHER_COLOUR}}}" + colours


def document_head(title: str = "newsbody report", *, token: Optional[str] = None) -> str:
    """The start of the report: styles, heading and the details switch (review pages carry a token)."""
    review = token is not None
    meta = f'<meta name="newsbody-token" content="{_e(token)}">' if review else ""
    how = ("Click a paragraph to flip it between kept and dropped; every click is saved at once. "
           "A dashed outline marks your labels." if review else
           "Kept paragraphs are plain; dropped ones are struck through and coloured by their reason.")
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{meta}'
            f"<title>{_e(title)}</title>\n<style>{_css()}</style>\n</head>\n"
            f'<body class="{"review" if review else "report"}">\n'
            f'<header class="top"><h1>{_e(title)}</h1><p>{_e(how)} Hover over a paragraph for its language, '
            f"P(body) and reason.</p>\n"
            '<label><input type="checkbox" id="details"> show language, P(body) and reason beside every '
            "paragraph</label></header>\n<main>\n")


def document_tail(*, review: bool = False) -> str:
    """The end of the report (with the review script on review pages)."""
    script = f'<div id="status">no change yet</div>\n<script>{_REVIEW_JS}</script>\n' if review else ""
    return f"</main>\n{script}</body>\n</html>\n"


def _counts(result: Result, shown: Sequence[tuple[Paragraph, bool, bool]]) -> str:
    kept = sum(keep for _, keep, _ in shown)
    dropped = Counter(("your label: drop" if user else reason_group(p.reason)) for p, keep, user in shown if not keep)
    chips = "".join(f'<span class="chip r-{reason_kind(g)}">{_e(g)}: {n}</span>'
                    for g, n in sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0])))
    return (f'<p class="counts"><span class="chip kept">kept: {kept}</span> dropped: {len(shown) - kept} '
            f"{chips}</p>")


def _paragraph(i: int, p: Paragraph, keep: bool, user: bool, interactive: bool) -> str:
    p_body = "—" if p.p_body is None else f"{p.p_body:.3f}"
    lang = f"{p.lang} ({p.lang_conf:.2f})" if p.lang else "none"
    reason = p.reason or "unknown"
    if user:
        reason = f"your label: {'keep' if keep else 'drop'} (model: {reason})"
    tip = f"language: {lang}\nP(body): {p_body}\nreason: {reason}\nblock: {p.kind}"
    classes = ["para", "keep" if keep else "drop"]
    if not keep:
        classes.append(f"r-{'your-label' if user else reason_kind(p.reason)}")
    if user:
        classes.append("flipped")
    extra = ' tabindex="0" role="button"' if interactive else ""
    return (f'<p class="{" ".join(classes)}" data-i="{i}" data-reason="{_e(reason)}" title="{_e(tip)}"{extra}>'
            f'{_e(p.text)}<span class="info">{_e(lang)} · P(body) {p_body} · {_e(reason)}</span></p>\n')


def page_section(result: Result, index: int, review: Optional[Review] = None) -> str:
    """One page: its facts, kept/dropped counts by reason, then every paragraph in order."""
    name = result.title or result.id or result.url or f"page {index + 1}"
    facts = [("source", result.id), ("URL", result.url), ("language", result.language or "unknown"),
             ("kind", result.kind), ("title", result.title)]
    facts += [("author", result.meta.author), ("date", result.meta.date)]
    dl = "".join(f"<dt>{_e(k)}</dt><dd>{_e(v)}</dd>" for k, v in facts if v)
    data = f' data-page="{index}"' if review is not None else ""
    head = f'<section class="page" id="page-{index + 1}"{data}>\n<h2>{index + 1}. {_e(name)}</h2>\n<dl class="facts">{dl}</dl>\n'
    if result.error is not None:
        return head + f'<p class="error">not cleaned: {_e(result.error)}</p>\n</section>\n'
    keeps = list(review.keeps) if review is not None else [None] * len(result.paragraphs)
    shown = [(p, bool(p.keep) if k is None else k, k is not None and k != bool(p.keep))
             for p, k in zip(result.paragraphs, keeps)]
    body = "".join(_paragraph(i, p, keep, user, review is not None) for i, (p, keep, user) in enumerate(shown))
    save = ""
    if review is not None:
        state = "labels saved" if review.saved else "not saved yet: click a paragraph, or"
        save = f'<p class="saved">{state} <button class="save" type="button">save this page\'s labels as shown</button></p>\n'
    return head + _counts(result, shown) + save + body + "</section>\n"


def render(results: Iterable[Result], title: str = "newsbody report") -> str:
    """A whole report for these results."""
    return (document_head(title) + "".join(page_section(r, i) for i, r in enumerate(results))
            + document_tail())
