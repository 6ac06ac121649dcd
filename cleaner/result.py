"""What clean() returns: the kept text plus every paragraph with its decision."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Optional

from .metadata import Meta
from .paragraph import Paragraph


@dataclass(frozen=True)
class Result:
    """The article body of one page and the explanation of every decision."""

    text: str
    title: Optional[str]
    language: Optional[str]
    paragraphs: tuple[Paragraph, ...]
    kind: str = "text"
    url: Optional[str] = None
    meta: Meta = Meta()            # author and publication date, when the page says them
    id: Optional[str] = None       # the record's id in a batch (clean_many, the command)
    error: Optional[str] = None    # why this record could not be cleaned (batch only; then text is "")

    @classmethod
    def failed(cls, error: BaseException | str, *, id: Optional[str] = None, url: Optional[str] = None) -> "Result":
        """The result of a record that could not be cleaned, saying why."""
        message = error if isinstance(error, str) else f"{type(error).__name__}: {error}"
        return cls(text="", title=None, language=None, paragraphs=(), kind="none", url=url, id=id, error=message)

    @property
    def ok(self) -> bool:
        """True unless the page could not be cleaned."""
        return self.error is None

    @property
    def kept(self) -> tuple[Paragraph, ...]:
        """The paragraphs that make up `text`."""
        return tuple(p for p in self.paragraphs if p.keep)

    @property
    def dropped(self) -> tuple[Paragraph, ...]:
        """The paragraphs left out, each with its reason."""
        return tuple(p for p in self.paragraphs if not p.keep)

    def to_dict(self, paragraphs: bool = True) -> dict[str, Any]:
        """A JSON-ready dict (with every paragraph unless paragraphs=False)."""
        out: dict[str, Any] = {"url": self.url, "kind": self.kind, "language": self.language,
                               "title": self.title, **self.meta.to_dict(), "text": self.text}
        if self.id is not None:
            out = {"id": self.id, **out}
        if self.error is not None:
            out["error"] = self.error
        if paragraphs:
            out["paragraphs"] = [paragraph_dict(p) for p in self.paragraphs]
        return out


def paragraph_dict(p: Paragraph) -> dict[str, Any]:
    """One paragraph as a flat JSON-ready dict."""
    d = asdict(p)
    dom = d.pop("dom")
    d["p_body"] = None if p.p_body is None else round(p.p_body, 4)
    d["lang_conf"] = round(p.lang_conf, 4)
    d["dom"] = {"tag_path": list(dom["tag_path"]), "tokens": list(dom["tokens"]),
                **{k: dom[k] for k in ("in_nav", "in_header", "in_footer", "in_aside", "in_form",
                                        "in_article", "depth", "group")},
                "link_share": round(dom["link_share"], 3)}
    return d
