"""Batch cleaning as scrapers use it: JSON Lines, WARC, directories, workers, errors, resume."""
from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner import batch
from conftest import EXAMPLE, ROOT

CORPUS = ROOT / "corpus" / "pages.jsonl"


def corpus_pages() -> list[dict]:
    """The project's own pages (they ship in the repo): {"id", "html"} records."""
    out = []
    for line in CORPUS.read_text(encoding="utf-8").splitlines():
        rec = json.loads(line)
        out.append({"id": rec["id"], "url": f"https://example.org/{rec['id']}", "html": rec["page"]})
    return out


def broken_lines() -> list[bytes]:
    """Records a scraper really writes by mistake; each must come back as one error line."""
    return [
        os.urandom(300).replace(b"\n", b"") + b"\n",                               # binary garbage
        b'{"id": "bad-utf8", "html": "caf\xe9 \xff\xfe"}\n',                      # invalid UTF-8
        json.dumps({"id": "empty", "html": ""}).encode() + b"\n",                 # empty page
        json.dumps({"id": "deep", "html": "<div>" * 2_100_000}).encode() + b"\n",  # 10.5 MB of nested divs
        json.dumps({"id": "no-field", "url": "https://example.org/x"}).encode() + b"\n",
        b'{"id": "cut-off", "html": "<p>half a rec\n',                            # truncated JSON
        b'["not", "an", "object"]\n',
        json.dumps({"id": "nul-bytes", "html": "\x00\x01\x02" * 100}).encode() + b"\n",
    ]


def run(*args, stdin: bytes | None = None, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=timeout)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="module")
def mixed_jsonl(tmp_path_factory) -> tuple[Path, list[dict], int]:
    """Corpus pages with broken records mixed in; returns the file, the good pages and the broken count."""
    pages = corpus_pages()
    broken = broken_lines()
    path = tmp_path_factory.mktemp("batch") / "pages.jsonl"
    with open(path, "wb") as f:
        for i, page in enumerate(pages):
            f.write(json.dumps(page, ensure_ascii=False).encode() + b"\n")
            if i % 5 == 2 and broken:
                f.write(broken.pop())
        for line in broken:
            f.write(line)
    return path, pages, len(broken_lines())


def test_jsonl_batch_gives_one_line_per_record_with_errors_and_the_same_text_as_clean(mixed_jsonl, tmp_path,
                                                                                       cleaner_default):
    path, pages, n_broken = mixed_jsonl
    out = tmp_path / "out.jsonl"
    proc = run("clean", str(path), "--output-format", "jsonl", "-o", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr.decode()
    lines = read_jsonl(out)
    assert len(lines) == len(pages) + n_broken
    errors = [d for d in lines if d.get("error")]
    assert len(errors) == n_broken, [d["id"] for d in errors]
    by_id = {d["id"]: d for d in lines}
    assert "PageTooLargeError" in by_id["deep"]["error"] and "max-bytes" in by_id["deep"]["error"]
    assert "no 'html' or 'text' field" in by_id["no-field"]["error"]
    assert "EmptyPage" in by_id["empty"]["error"] and "EmptyPage" in by_id["nul-bytes"]["error"]
    # good records keep input order and match single-page cleaning exactly
    assert [d["id"] for d in lines if not d.get("error")] == [p["id"] for p in pages]
    for page in pages:
        expected = cleaner_default.clean(page["html"], url=page["url"])
        got = by_id[page["id"]]
        assert (got["text"], got["language"], got["title"], got["url"]) == \
               (expected.text, expected.language, expected.title, expected.url), page["id"]
    summary = proc.stderr.decode().strip().splitlines()[-1]
    assert f"{len(pages) + n_broken} pages" in summary and f"{n_broken} errors" in summary


def test_resume_after_sigkill_gives_every_id_exactly_once(mixed_jsonl, tmp_path):
    path, pages, n_broken = mixed_jsonl
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "cleaner.cli", "clean", str(path), "--output-format", "jsonl", "-o", str(out),
           "--workers", "1", "--quiet"]
    proc = subprocess.Popen(cmd, cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 12):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done_before = out.read_bytes().count(b"\n")
    assert 12 <= done_before < len(pages) + n_broken, "the run was not killed halfway"
    with open(out, "ab") as f:  # what a kill in the middle of a write leaves behind
        f.write(b'{"id": "half-writ')
    proc = run("clean", str(path), "--output-format", "jsonl", "-o", str(out), "--workers", "1", "--resume")
    assert proc.returncode == 0, proc.stderr.decode()
    ids = [d["id"] for d in read_jsonl(out)]
    assert len(ids) == len(set(ids)) == len(pages) + n_broken
    assert [i for i in ids if not i.startswith(str(path))] == \
           [i for i in _input_ids(path) if not i.startswith(str(path))]
    assert "skipped as already done" in proc.stderr.decode()


def _input_ids(path: Path) -> list[str]:
    from cleaner.sources import read_inputs
    return [r.id for r in read_inputs([str(path)])]


def test_warc_gives_one_record_per_html_response(tmp_path):
    warcio = pytest.importorskip("warcio", reason="WARC input needs warcio (pip install 'newsbody[warc]')")
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    pages = corpus_pages()[:6]
    path = tmp_path / "crawl.warc.gz"
    with open(path, "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i, page in enumerate(pages):
            ctype = "text/html; charset=cp1251" if i == 0 else "text/html"
            body = page["html"].encode("cp1251", "replace") if i == 0 else page["html"].encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(page["url"], "response", payload=io.BytesIO(body),
                                                          http_headers=headers))
            if i == 2:  # what a crawl also holds: requests, images, metadata
                req = StatusAndHeaders("GET / HTTP/1.1", [("Host", "example.org")], is_http_request=True)
                writer.write_record(writer.create_warc_record(page["url"], "request", http_headers=req))
                png = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
                writer.write_record(writer.create_warc_record("https://example.org/a.png", "response",
                                                              payload=io.BytesIO(b"\x89PNG\r\n\x1a\n"),
                                                              http_headers=png))
    out = run("clean", str(path), "--output-format", "jsonl", "--workers", "1")
    assert out.returncode == 0, out.stderr.decode()
    lines = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [d["url"] for d in lines] == [p["url"] for p in pages]
    assert all(d["id"].startswith("<urn:uuid:") and not d.get("error") and d["text"] for d in lines)


def test_directory_is_read_recursively_with_glob(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "story.html").write_bytes(EXAMPLE.read_bytes())
    (tmp_path / "a" / "notes.md").write_text("not a page")
    (tmp_path / ".hidden.html").write_bytes(EXAMPLE.read_bytes())
    out = run("clean", str(tmp_path), "--glob", "*.html", "--output-format", "jsonl", "--workers", "1")
    assert out.returncode == 0, out.stderr.decode()
    lines = [json.loads(x) for x in out.stdout.decode().splitlines()]
    assert [d["id"] for d in lines] == [str(tmp_path / "a" / "b" / "story.html")]
    assert "An overnight sleeper train" in lines[0]["text"]


def test_clean_many_streams_in_order_and_records_errors(cleaner_default):
    pages = corpus_pages()[:5]
    records = [pages[0], b"\x89PNG\r\n\x1a\n....", pages[1]["html"], {"id": "x"}, pages[2]]
    results = list(cleaner_default.clean_many(records))
    assert [r.id for r in results] == [pages[0]["id"], "1", "2", "x", pages[2]["id"]]
    assert [r.ok for r in results] == [True, False, True, False, True]
    assert "PNG image" in results[1].error
    assert results[2].text == cleaner_default.clean(pages[1]["html"]).text


def test_a_page_over_the_cpu_time_limit_becomes_an_error_and_the_batch_goes_on(cleaner_default):
    html = EXAMPLE.read_text(encoding="utf-8")
    slow = "".join(f"<p>Paragraph {i} says something about the town council and its budget.</p>" for i in range(20000))
    results = list(cleaner_default.clean_many([slow, html], timeout=0.3))
    assert not results[0].ok and "PageTimeoutError" in results[0].error and "CPU time" in results[0].error
    assert results[1].ok and "An overnight sleeper train" in results[1].text


def _own_pages() -> list:
    """The repository's own pages, HTML and the text of the same stories, and one that cannot be read."""
    pages = [p["html"] for p in corpus_pages()]
    texts = [json.loads(line)["page"] for line in (ROOT / "corpus" / "notice_pages.jsonl").read_text(
        encoding="utf-8").splitlines()]
    return pages[:20] + texts[:10] + ["", EXAMPLE.read_text(encoding="utf-8")] + pages[20:]


def test_pages_cleaned_in_chunks_come_out_exactly_as_each_cleaned_alone(cleaner_default):
    pages = _own_pages()
    alone = [cleaner_default.clean(p).to_dict() if p else None for p in pages]
    chunked = list(cleaner_default.clean_many(pages))
    assert len(chunked) == len(pages) > 2 * batch.CHUNK_PAGES
    for page, one, many in zip(pages, alone, chunked):
        if one is None:
            assert "EmptyPage" in many.error
        else:
            assert dict(many.to_dict(), id=None) == dict(one, id=None)   # every paragraph, P and reason


def test_the_model_run_over_several_pages_gives_each_page_its_own_numbers(cleaner_default):
    segmented = [cleaner_default.segment(p).paragraphs for p in _own_pages()[:12] if p]
    together = cleaner_default.probabilities_of_pages(segmented)
    assert together == [cleaner_default.probabilities(paras) for paras in segmented]
    # Paragraph lists that are not whole pages (a slice, starting at index 3) are not run together.
    parts = [segmented[0][3:], segmented[1]]
    assert cleaner_default.probabilities_of_pages(parts) == [cleaner_default.probabilities(p) for p in parts]


def test_the_model_sees_at_most_batch_paragraphs_at_once_unless_one_page_has_more(cleaner_default, monkeypatch):
    pages = [p["html"] for p in corpus_pages()[:16]]
    expected = [r.to_dict() for r in cleaner_default.clean_many(pages)]
    calls = []
    real = type(cleaner_default).probabilities_of_pages

    def counted(self, many):
        calls.append([len(paras) for paras in many])
        return real(self, many)

    monkeypatch.setattr(type(cleaner_default), "probabilities_of_pages", counted)
    monkeypatch.setattr(batch, "BATCH_PARAGRAPHS", 40)
    assert [r.to_dict() for r in cleaner_default.clean_many(pages)] == expected
    assert sum(map(len, calls)) == len(pages) and any(len(sizes) > 1 for sizes in calls)
    assert all(sum(sizes) <= 40 or len(sizes) == 1 for sizes in calls), calls


def test_a_page_the_model_fails_on_is_an_error_record_and_its_chunk_is_still_cleaned(cleaner_default, monkeypatch):
    pages = [p["html"] for p in corpus_pages()[:5]]
    expected = [r.text for r in cleaner_default.clean_many(pages)]
    poisoned = cleaner_default.segment(pages[2]).paragraphs[0].text
    real = type(cleaner_default).probabilities_of_pages

    def failing(self, many):
        if any(paras and paras[0].text == poisoned for paras in many):
            raise ValueError("the model broke on this page")
        return real(self, many)

    monkeypatch.setattr(type(cleaner_default), "probabilities_of_pages", failing)
    results = list(cleaner_default.clean_many(pages))
    assert [r.ok for r in results] == [True, True, False, True, True]
    assert "InternalError: ValueError: the model broke on this page" in results[2].error
    assert [r.text for r in results[:2] + results[3:]] == expected[:2] + expected[3:]


class _KillsItsWorker:
    """A page whose unpickling ends the worker process, as a crash in native code would."""

    def __reduce__(self):
        return (os._exit, (3,))


def test_workers_give_the_same_results_and_survive_a_dying_worker(cleaner_default):
    pages = corpus_pages()[:6]
    single = [r.to_dict(paragraphs=False) for r in cleaner_default.clean_many(pages)]
    records = pages[:3] + [_KillsItsWorker()] + pages[3:]
    pooled = list(cleaner_default.clean_many(records, workers=2))
    assert len(pooled) == len(records)
    assert "WorkerDied" in pooled[3].error
    assert [r.to_dict(paragraphs=False) for r in pooled[:3] + pooled[4:]] == single


def test_exit_status_is_zero_when_every_record_was_processed_even_with_errors(tmp_path):
    bad = tmp_path / "image.html"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + os.urandom(200))
    out = run("clean", str(EXAMPLE), str(bad), "--workers", "1")
    assert out.returncode == 0
    assert "An overnight sleeper train" in out.stdout.decode()
    assert f"{bad}: DecodeError" in out.stderr.decode() and "PNG image" in out.stderr.decode()


def test_resume_without_jsonl_output_is_a_usage_error():
    out = run("clean", str(EXAMPLE), "--resume")
    assert out.returncode == 2 and "--resume needs -o FILE" in out.stderr.decode()


def test_killing_a_run_does_not_leave_its_worker_processes_behind(mixed_jsonl, tmp_path):
    path, _, _ = mixed_jsonl
    out = tmp_path / "out.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "cleaner.cli", "clean", str(path), "--output-format", "jsonl",
                             "-o", str(out), "--workers", "2", "--quiet"], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size == 0):
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert workers, "the run started no worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(_alive(pid) for pid in workers):
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in workers)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except FileNotFoundError:
        return False


def test_a_record_whose_page_reads_like_a_file_path_never_opens_a_local_file(cleaner_default, tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch codes are in the blue folder on the second shelf of the archive room.")
    [result] = cleaner_default.clean_many([{"id": "x", "html": str(secret)}])
    assert "launch codes" not in result.text
