"""bench/own_pages.py: recall per kind of block on the evaluation pages no model trains on."""
from __future__ import annotations

import importlib.util
import json

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("bench_own_pages", ROOT / "bench" / "own_pages.py")
own_pages = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(own_pages)


def test_notices_are_counted_apart_from_their_buttons():
    assert own_pages.kind_of({"text": "Accept all", "label": "boilerplate", "subtype": "consent"}) == "consent button"
    notice = "We and our partners store and read information on your device to measure how pages are read."
    assert own_pages.kind_of({"text": notice, "label": "boilerplate", "subtype": "consent"}) == "consent notice"
    assert own_pages.kind_of({"text": "By A. Writer", "label": "meta", "subtype": None}) == "meta"


def test_every_block_of_a_page_is_counted_once_in_its_row(tmp_path, capsys):
    page = json.loads(own_pages.EVAL_PAGES.read_text(encoding="utf-8").splitlines()[0])
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(page, ensure_ascii=False) + "\n", encoding="utf-8")
    assert own_pages.main(["--pages", str(path), "--misses"]) == 0
    out = capsys.readouterr().out
    bodies = sum(b["label"] == "body" for b in page["paragraphs"])
    assert f"1 pages from {path}" in out
    row = next(line for line in out.splitlines() if line.startswith("| body |"))
    assert f"/{bodies} (" in row
    counted = sum(int(cell.split("/")[1].split()[0]) for line in out.splitlines()
                  if line.startswith("| ") and not line.startswith(("| block", "|---"))
                  for cell in [line.split("|")[4]])
    assert counted == len(page["paragraphs"])
