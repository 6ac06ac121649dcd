"""Cut whole elements (scripts, styles, comments) out of markup without parsing it, in linear time.

Used where a parser cannot be: on bytes before they are decoded (the charset detector's sample) and
on a page too deep for libxml2 (the last-resort flattening).
"""
from __future__ import annotations

import re
from typing import AnyStr, Mapping, Optional


def drop_elements(markup: AnyStr, start: "re.Pattern[AnyStr]", ends: Mapping[Optional[AnyStr], "re.Pattern[AnyStr]"],
                  space: AnyStr) -> AnyStr:
    """markup with each element `start` finds replaced by `space`, up to its end pattern.

    `ends` maps start's first group, lower-cased (None when that group did not match, e.g. for "<!--"),
    to the pattern of the element's end; an element left open runs to the end of the markup.
    """
    out, pos = [], 0
    while True:
        m = start.search(markup, pos)
        if m is None:
            out.append(markup[pos:])
            break
        out.append(markup[pos:m.start()])
        name = m.group(1)
        end = ends[name.lower() if name else None].search(markup, m.end())
        if end is None:
            break
        out.append(space)
        pos = end.end()
    return markup[:0].join(out)
