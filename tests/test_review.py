"""`newsbody review` without a browser: the server's view and label API, the labels file (corpus format,
written at every click, read back on reload and by a second server), and what training reads from it."""
from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from html.parser import HTMLParser

import pytest

from cleaner.cli import main
from cleaner.corpus_format import block_problems, record_problems
from cleaner.datasets import labelled_page, read_records
from cleaner.errors import ConfigError
from cleaner.evaluate import evaluate_file
from cleaner.labels import model_label, read_labels
from cleaner.review import ReviewSession, load_pages, make_server
from cleaner.sources import Record

from conftest import EXAMPLE, ROOT

TEXT_PAGE = ("Town hall to reopen after two years of repairs\n\nBy Jane Field\n\n"
             "The town hall will reopen to the public on Monday after two years of repairs to its roof and "
             "clock tower, the council said on Friday.\n\n"
             "The work cost 2.4 million and was paid for by the council and a heritage fund, which gave half.\n\n"
             "Share this story: Facebook X WhatsApp Email\n\n© 2024 The Town Crier. All rights reserved.")


@pytest.fixture(scope="module")
def pages(cleaner_default):
    return load_pages(cleaner_default, [Record(id=str(EXAMPLE), page=EXAMPLE),
                                        Record(id="text-page", page=TEXT_PAGE.encode(), kind="text")])


class Served:
    """A review server on a free port in a thread, and a client for it."""

    def __init__(self, session: ReviewSession):
        self.session = session
        self.server = make_server(session)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def get(self) -> str:
        with urllib.request.urlopen(self.url, timeout=30) as r:
            return r.read().decode("utf-8")

    def post(self, body, token=None, headers=None) -> tuple[int, str]:
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        req = urllib.request.Request(self.url + "label", data=data, method="POST", headers={
            "Content-Type": "application/json", "X-Newsbody-Token": token or self.session.token, **(headers or {})})
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode("utf-8")

    def flip(self, page: int, paragraph: int, keep: bool) -> dict:
        status, text = self.post({"page": page, "paragraph": paragraph, "keep": keep})
        assert status == 200, text
        return json.loads(text)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture()
def served(pages, tmp_path):
    s = Served(ReviewSession(pages, tmp_path / "labels.jsonl"))
    yield s
    s.close()


class _Paragraphs(HTMLParser):
    """(page, paragraph) → class list of every paragraph in a review view."""

    def __init__(self):
        super().__init__()
        self.page = None
        self.found: dict[tuple[int, int], list[str]] = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-page" in a:
            self.page = int(a["data-page"])
        if "para" in (a.get("class") or "").split():
            self.found[(self.page, int(a["data-i"]))] = a["class"].split()


def shown(html: str) -> dict[tuple[int, int], list[str]]:
    parser = _Paragraphs()
    parser.feed(html)
    return parser.found


def first(pages, page: int, keep: bool) -> int:
    """Index of the first paragraph the model kept (or dropped) on a page."""
    return next(i for i, p in enumerate(pages[page].result.paragraphs) if bool(p.keep) == keep and len(p.text) > 20)


def test_the_view_shows_every_paragraph_and_carries_the_token(served, pages):
    html = served.get()
    classes = shown(html)
    assert len(classes) == sum(len(p.result.paragraphs) for p in pages)
    assert not any("flipped" in c for c in classes.values())
    assert f'<meta name="newsbody-token" content="{served.session.token}">' in html
    assert "<script>" in html and not re.search(r"""(src|href)=["']?(https?:)?//""", html)


def test_each_click_is_saved_in_the_corpus_format_at_once(served, pages):
    keep_i, drop_i = first(pages, 0, True), first(pages, 0, False)
    served.flip(0, keep_i, keep=False)
    records = read_labels(served.session.path)
    assert len(records) == 1 and records[0]["paragraphs"][keep_i]["label"] == "boilerplate"
    served.flip(0, drop_i, keep=True)
    text_i = first(pages, 1, True)
    served.flip(1, text_i, keep=False)
    records = [json.loads(line) for line in served.session.path.read_text(encoding="utf-8").splitlines()]
    assert [r["kind"] for r in records] == ["html", "text"] and len({r["id"] for r in records}) == 2
    for record, page in zip(records, pages):
        assert record_problems(record) == [] and block_problems(record, exact_spacing=False) == []
        assert record["page"] == page.text
    html_page, text_page = records
    assert html_page["paragraphs"][keep_i]["label"] == "boilerplate" and html_page["paragraphs"][keep_i]["subtype"] == "other"
    assert html_page["paragraphs"][drop_i] == {**html_page["paragraphs"][drop_i], "label": "body", "subtype": None}
    assert text_page["paragraphs"][text_i]["label"] == "boilerplate"
    # Every other paragraph keeps the model's decision as its label.
    for record, page, flipped in ((html_page, pages[0], {keep_i, drop_i}), (text_page, pages[1], {text_i})):
        for i, (item, p) in enumerate(zip(record["paragraphs"], page.result.paragraphs)):
            if i not in flipped:
                lab = model_label(p)
                assert (item["label"], item["subtype"]) == (lab.label, lab.subtype), (i, p.reason)
    assert block_problems(text_page) == []  # a text page's paragraphs are exactly its blocks


def test_reload_and_a_second_server_show_the_saved_flips(served, pages):
    keep_i, drop_i = first(pages, 0, True), first(pages, 0, False)
    answer = served.flip(0, keep_i, keep=False)
    assert "flipped" in shown(answer["html"])[(0, keep_i)]  # the answer is the page's new view
    served.flip(0, drop_i, keep=True)
    for html in (served.get(), Served(ReviewSession(pages, served.session.path)).get()):
        classes = shown(html)
        assert {"drop", "flipped"} <= set(classes[(0, keep_i)]) and {"keep", "flipped"} <= set(classes[(0, drop_i)])
        assert [k for k, c in classes.items() if "flipped" in c] == [(0, min(keep_i, drop_i)), (0, max(keep_i, drop_i))]
        assert "labels saved" in html


def test_flipping_back_restores_the_models_label(served, pages):
    i = first(pages, 0, False)
    served.flip(0, i, keep=True)
    served.flip(0, i, keep=False)
    item = read_labels(served.session.path)[0]["paragraphs"][i]
    lab = model_label(pages[0].result.paragraphs[i])
    assert (item["label"], item["subtype"]) == (lab.label, lab.subtype)
    assert not any("flipped" in c for c in shown(served.get()).values())


def test_a_page_can_be_saved_as_the_model_labelled_it(served, pages):
    status, _ = served.post({"page": 1})
    assert status == 200
    (record,) = read_labels(served.session.path)
    assert [p["label"] for p in record["paragraphs"]] == [model_label(p).label for p in pages[1].result.paragraphs]


def test_requests_not_from_the_review_page_are_refused(served):
    assert served.post({"page": 0, "paragraph": 0, "keep": True}, token="guess")[0] == 403
    assert served.post({"page": 0, "paragraph": 0, "keep": True}, headers={"Host": "evil.example:80"})[0] == 403
    assert served.post(b"{not json")[0] == 400
    assert served.post({"page": 0, "paragraph": 0, "keep": "yes"})[0] == 400
    status, text = served.post({"page": 9, "paragraph": 0, "keep": True})
    assert status == 400 and "pages are numbered 0 to 1" in text
    assert served.post({"page": 0, "paragraph": 10_000, "keep": True})[0] == 400
    assert not served.session.path.exists()


def test_labels_from_review_are_what_training_and_evaluation_read(served, pages, cleaner_default):
    keep_i, drop_i = first(pages, 0, True), first(pages, 0, False)
    served.flip(0, keep_i, keep=False)
    served.flip(0, drop_i, keep=True)
    saved = read_labels(served.session.path)[0]
    (rec,) = read_records(served.session.path)
    page = labelled_page(rec)
    assert list(page.labels) == [p["label"] for p in saved["paragraphs"]]
    ev = evaluate_file(cleaner_default, served.session.path)
    assert ev.pages == 1 and ev.errors == 0 and 0 < ev.page_scores.f1 < 1  # the flips are mistakes now


def test_a_labels_file_in_another_format_is_refused(pages, tmp_path):
    bad = tmp_path / "labels.jsonl"
    bad.write_text(json.dumps({"id": "x", "html": "<p>a</p>", "body": "a"}) + "\n")
    with pytest.raises(ConfigError, match="line 1, is not a corpus-format page"):
        ReviewSession(pages, bad)
    with pytest.raises(ConfigError, match="does not exist"):
        ReviewSession(pages, tmp_path / "missing" / "labels.jsonl")


def test_review_command_refuses_a_missing_page(tmp_path, capsys):
    assert main(["review", str(tmp_path / "nope.html"), "--labels", str(tmp_path / "l.jsonl"), "--no-browser"]) == 2
    assert "no such file" in capsys.readouterr().err


def test_a_killed_server_has_lost_no_click(tmp_path):
    labels = tmp_path / "labels.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", "review", str(EXAMPLE), "--labels", str(labels),
                             "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), proc.stderr.read()
        with urllib.request.urlopen(url, timeout=30) as r:
            token = re.search(r'name="newsbody-token" content="([^"]+)"', r.read().decode()).group(1)
        req = urllib.request.Request(url + "label", data=json.dumps({"page": 0, "paragraph": 0, "keep": True}).encode(),
                                     headers={"Content-Type": "application/json", "X-Newsbody-Token": token})
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()
    (record,) = read_labels(labels)
    assert record["paragraphs"][0]["label"] == "body"
    assert not [p for p in tmp_path.iterdir() if p.name != "labels.jsonl"], "no temporary file is left behind"
