"""The review page in headless Chromium (Debian's chromium): two clicks flip two paragraphs, a reload shows
both flips, labels.jsonl holds them; a screenshot is saved under tests/artifacts/ (git-ignored)."""
from __future__ import annotations

import gzip
import json
import shutil
import threading

import pytest

from cleaner.labels import read_labels
from cleaner.review import ReviewSession, load_pages, make_server
from cleaner.sources import Record, as_content

from conftest import DATASETS, EXAMPLE, ROOT
from headless import Chromium, find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="needs Chromium for the browser test: apt-get install chromium (Debian's package; "
    ".ci/run installs it when it runs as root)")
ARTIFACTS = ROOT / "tests" / "artifacts"
DEV_FILE = DATASETS / "cleanportaleval" / "dev.jsonl.gz"


def _dev_page() -> Record:
    if not DEV_FILE.is_file():
        pytest.skip(f"../shared not available ({DEV_FILE} is missing): the sample article's run covers the browser")
    with gzip.open(DEV_FILE, "rt", encoding="utf-8") as f:
        rec = json.loads(f.readline())
    return Record(id=rec["id"], url=rec.get("url"), kind="html", **as_content(rec["html"]))


PAGES = {"dev-page": _dev_page, "sample-article": lambda: Record(id=str(EXAMPLE), page=EXAMPLE)}


def _para(i: int) -> str:
    return f'section[data-page="0"] .para[data-i="{i}"]'


def _classes(browser: Chromium, i: int) -> set[str]:
    return set(browser.evaluate(f"Array.from(document.querySelector('{_para(i)}').classList)"))


@pytest.mark.parametrize("name", PAGES)
def test_two_clicks_are_saved_and_shown_after_a_reload(name, tmp_path, cleaner_default):
    (page,) = load_pages(cleaner_default, [PAGES[name]()])
    paragraphs = page.result.paragraphs
    keep_i = next(i for i, p in enumerate(paragraphs) if p.keep and len(p.text) > 40)
    # The dropped paragraph nearest above it, so that one screenshot shows both flips.
    drop_i = max(i for i, p in enumerate(paragraphs[:keep_i]) if not p.keep and len(p.text) > 20)
    session = ReviewSession([page], tmp_path / "labels.jsonl")
    server = make_server(session)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    browser = Chromium(CHROMIUM)
    try:
        browser.open(f"http://127.0.0.1:{server.server_address[1]}/")
        assert browser.evaluate("document.querySelectorAll('.para').length") == len(paragraphs)
        for i in (keep_i, drop_i):
            browser.click(_para(i))
            browser.wait_for(f"document.querySelector('{_para(i)}').classList.contains('flipped')")
        assert browser.evaluate("document.getElementById('status').textContent").startswith("saved to")
        browser.reload()
        assert {"drop", "flipped"} <= _classes(browser, keep_i)
        assert {"keep", "flipped"} <= _classes(browser, drop_i)
        assert browser.evaluate("document.querySelectorAll('.para.flipped').length") == 2
        browser.evaluate(f"(() => {{ const top = document.querySelector('{_para(drop_i)}').getBoundingClientRect().top;"
                         " if (top > innerHeight * 0.6) window.scrollTo(0, top + scrollY - 300); })()")
        shot = browser.screenshot(tmp_path / f"review-{name}.png")
    finally:
        browser.close()
        server.shutdown()
        server.server_close()
    (record,) = read_labels(session.path)
    assert record["paragraphs"][keep_i]["label"] == "boilerplate" and record["paragraphs"][drop_i]["label"] == "body"
    assert shot.stat().st_size > 10_000
    ARTIFACTS.mkdir(exist_ok=True)
    print(f"screenshot: {shutil.copy(shot, ARTIFACTS / shot.name)}")
