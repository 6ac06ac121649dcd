"""bench/speed_budget.py: each cut of the pipeline does the work of the stages it names, and no more."""
from __future__ import annotations

import importlib.util

import numpy as np

from conftest import EXAMPLE, ROOT

_spec = importlib.util.spec_from_file_location("bench_speed_budget", ROOT / "bench" / "speed_budget.py")
speed_budget = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(speed_budget)


def test_the_cuts_are_the_pipelines_own_stages_in_order():
    from cleaner import Cleaner

    html = EXAMPLE.read_text(encoding="utf-8")
    cuts = speed_budget.cuts("py3langid")
    assert list(cuts) == ["lxml parse only", "segment", "segment + language", "segment + language + features",
                          "segment + language + features + model", "newsbody, all of `clean`"]
    cleaner = Cleaner()
    seg = cleaner.segment(html)
    paragraphs = cuts["segment + language"](html)
    assert [(p.text, p.lang) for p in paragraphs] == [(p.text, p.lang) for p in seg.paragraphs]
    assert cuts["segment + language + features"](html).shape[0] == len(seg.paragraphs)
    proba = cuts["segment + language + features + model"](html)
    expected = [[row[c] for c in cleaner.classes] for row in cleaner.probabilities(seg.paragraphs)]
    assert np.array_equal(np.asarray(proba), np.asarray(expected))
    kept = cuts["newsbody, all of `clean`"](html).text
    assert kept and kept == cleaner.clean(html).text
