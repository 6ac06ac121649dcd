"""The Ray integration on a local Ray with 2 CPUs: the same texts as Cleaner.clean_many, WARC to Parquet."""
from __future__ import annotations

import gzip
import io
import json

import pytest

ray = pytest.importorskip("ray", reason="the Ray integration needs Ray Data: pip install 'newsbody[ray]'")
pytest.importorskip("ray.data", reason="the Ray integration needs Ray Data: pip install 'newsbody[ray]'")

from cleaner import Cleaner, ConfigError  # noqa: E402
from cleaner.integrations.ray import clean_dataset, read_warc  # noqa: E402
from conftest import DATASETS, ROOT, shared_file  # noqa: E402

pytestmark = pytest.mark.ray

PAGES = 500
CORPUS = ROOT / "corpus" / "pages.jsonl"


@pytest.fixture(scope="module")
def local_ray():
    """A local Ray with 2 CPUs whose workers import this checkout."""
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()


def dev_records(n: int) -> list[dict]:
    """The first n pages of the dev splits (in folder order) as {"id", "url", "html"}."""
    shared_file("datasets/dragnet/dev.jsonl.gz")
    out: list[dict] = []
    for path in sorted(DATASETS.glob("*/dev.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as f:
            for line in f:
                rec = json.loads(line)
                if rec.get("html") is not None:
                    out.append({"id": f"{path.parent.name}/{rec['id']}", "url": rec.get("url"), "html": rec["html"]})
                if len(out) == n:
                    return out
    pytest.skip(f"../shared holds only {len(out)} dev pages; this test needs {n}")


def corpus_records() -> list[dict]:
    """The project's own pages (they ship in the repo)."""
    recs = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]
    return [{"id": r["id"], "url": f"https://example.org/{r['id']}", "html": r["page"]} for r in recs]


def test_500_dev_pages_give_the_same_results_as_clean_many(local_ray):
    records = dev_records(PAGES)
    rows = clean_dataset(ray.data.from_items(records), "html", actors=2, keep_page=False).take_all()
    expected = {r.id: r for r in Cleaner().clean_many(records)}
    assert sorted(row["id"] for row in rows) == sorted(expected)
    for row in rows:
        want = expected[row["id"]]
        assert (row["text"], row["language"], row["title"], row["error"]) == \
               (want.text, want.language, want.title, want.error), row["id"]
    assert sum(1 for row in rows if row["text"]) >= 0.95 * PAGES


def test_bad_pages_become_error_rows_and_the_job_goes_on(local_ray):
    good = corpus_records()[0]
    rows = [good, {"id": "none", "html": None}, {"id": "png", "html": b"\x89PNG\r\n\x1a\n" + bytes(range(256))},
            {"id": "nav", "html": "<html><body><nav><a href='/'>Home</a></nav></body></html>"}]
    out = {r["id"]: r for r in clean_dataset(ray.data.from_items(rows), actors=1).take_all()}
    assert out[good["id"]]["text"] and out[good["id"]]["error"] is None
    assert out["none"]["error"].startswith("InputFormatError") and out["none"]["text"] == ""
    assert out["png"]["error"].startswith("DecodeError")
    assert out["nav"]["error"] is None and out["nav"]["text"] == ""


def test_options_are_checked_before_any_work():
    ds = None  # never reached: the checks come first
    with pytest.raises(ConfigError, match="preset"):
        clean_dataset(ds, preset="strict")
    with pytest.raises(ConfigError, match="actors"):
        clean_dataset(ds, actors=0)
    with pytest.raises(ConfigError, match="no such file"):
        read_warc("/nonexistent/crawl.warc.gz")


def test_warc_to_parquet_recipe(local_ray, tmp_path):
    pytest.importorskip("warcio", reason="reading WARC needs warcio: pip install 'newsbody[warc]'")
    import pyarrow.parquet as pq
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter
    pages = corpus_records()[:4]
    (tmp_path / "warcs").mkdir()
    with open(tmp_path / "warcs" / "crawl.warc.gz", "wb") as f:
        writer = WARCWriter(f, gzip=True)
        for i, page in enumerate(pages):
            charset = "cp1251" if i == 0 else "utf-8"
            headers = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={charset}")],
                                       protocol="HTTP/1.1")
            body = io.BytesIO(page["html"].encode(charset, "replace"))
            writer.write_record(writer.create_warc_record(page["url"], "response", payload=body,
                                                          http_headers=headers))
    ds = clean_dataset(read_warc(str(tmp_path / "warcs")), "html", charset_column="charset",
                       prefix="newsbody_", keep_page=False)
    ds.write_parquet(str(tmp_path / "clean"))
    table = pq.read_table(tmp_path / "clean")
    assert "html" not in table.column_names
    assert {"id", "url", "charset", "read_error", "newsbody_text", "newsbody_language", "newsbody_title",
            "newsbody_error"} <= set(table.column_names)
    got = dict(zip(table.column("url").to_pylist(), table.column("newsbody_text").to_pylist()))
    c = Cleaner()
    for i, page in enumerate(pages):
        charset = "cp1251" if i == 0 else "utf-8"
        assert got[page["url"]] == c.clean(page["html"].encode(charset, "replace"), charset=charset).text
