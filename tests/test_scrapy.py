"""The Scrapy integration: NewsbodyPipeline on its own, and a real crawl of a local HTTP server."""
from __future__ import annotations

import gzip
import html
import json
import os
import subprocess
import sys
import threading
import warnings
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

scrapy = pytest.importorskip("scrapy", reason="the Scrapy integration needs Scrapy: pip install 'newsbody[scrapy]'")

from scrapy.exceptions import DropItem, NotConfigured, ScrapyDeprecationWarning  # noqa: E402
from scrapy.utils.test import get_crawler  # noqa: E402

import cleaner  # noqa: E402
from cleaner.integrations.scrapy import NewsbodyPipeline, ThreadedNewsbodyPipeline  # noqa: E402
from itemadapter import ItemAdapter  # noqa: E402
from conftest import EXAMPLE, ROOT, shared_file  # noqa: E402

PIPELINE = "cleaner.integrations.scrapy.NewsbodyPipeline"
CRAWL_TIMEOUT = 180  # seconds for one whole crawl subprocess, on a busy machine


def pipeline(**settings) -> NewsbodyPipeline:
    """A pipeline built the way Scrapy builds it, from a crawler with these settings."""
    crawler = get_crawler(settings_dict=settings)
    return NewsbodyPipeline.from_crawler(crawler)


def stats(p: NewsbodyPipeline) -> dict:
    """The pipeline's newsbody/* stats, without the prefix."""
    return {k.split("/", 1)[1]: v for k, v in p.stats.get_stats().items() if k.startswith("newsbody/")}


class Article(scrapy.Item):
    url = scrapy.Field()
    html = scrapy.Field()
    encoding = scrapy.Field()
    text = scrapy.Field()
    language = scrapy.Field()


# --- the pipeline on its own ------------------------------------------------------------------------

@pytest.mark.parametrize("settings, message", [
    ({"NEWSBODY_PRESET": "strict"}, "preset must be one of"),
    ({"NEWSBODY_LANGUAGES": ["english"]}, "NEWSBODY_LANGUAGES"),
    ({"NEWSBODY_LANGUAGES": "en,xx"}, "xx"),
    ({"NEWSBODY_FIELD": ""}, "NEWSBODY_FIELD"),
    ({"NEWSBODY_OUTPUT_FIELD": 3}, "NEWSBODY_OUTPUT_FIELD"),
    ({"NEWSBODY_DROP_EMPTY": "sometimes"}, "NEWSBODY_DROP_EMPTY"),
    ({"NEWSBODY_COMMENTS": "maybe"}, "NEWSBODY_COMMENTS"),
    ({"NEWSBODY_TIMEOUT": "-5"}, "NEWSBODY_TIMEOUT"),
    ({"NEWSBODY_MODEL": "/nonexistent/model.joblib"}, "newsbody"),
])
def test_bad_settings_raise_not_configured(settings, message):
    with pytest.raises(NotConfigured, match=message):
        pipeline(**settings)


def test_current_scrapy_passes_no_spider_argument():
    from scrapy.pipelines import ItemPipelineManager
    crawler = get_crawler(settings_dict={"ITEM_PIPELINES": {PIPELINE: 300}})
    with warnings.catch_warnings():
        warnings.simplefilter("error", ScrapyDeprecationWarning)
        manager = ItemPipelineManager.from_crawler(crawler)
    assert not manager._mw_methods_requiring_spider


def test_dict_item_gets_text_language_and_title_and_stats_count_paragraphs():
    p = pipeline()
    page = EXAMPLE.read_text(encoding="utf-8")
    item = p.process_item({"url": "https://example.org/a", "html": page})
    expected = cleaner.Cleaner().clean(page)
    assert item["text"] == expected.text and "overnight sleeper train" in item["text"]
    assert item["language"] == "en" and item["title"] == expected.title
    assert "newsbody_error" not in item and item["html"] == page  # the page stays unless told otherwise
    s = stats(p)
    assert s["items/processed"] == s["items/kept"] == s["items/language/en"] == 1
    assert s["paragraphs/kept"] == len(expected.kept) and s["paragraphs/dropped"] == len(expected.dropped)


def test_scrapy_item_gets_only_the_fields_it_declares():
    p = pipeline(NEWSBODY_DELETE_FIELD=True)
    item = p.process_item(Article(url="https://example.org/a", html=EXAMPLE.read_text(encoding="utf-8")))
    assert isinstance(item, Article)
    assert "overnight sleeper train" in item["text"] and item["language"] == "en"
    assert "html" not in item  # NEWSBODY_DELETE_FIELD
    assert "title" not in Article.fields  # not declared: not set, no error


def test_scrapy_item_without_the_output_field_says_what_to_declare():
    class Bare(scrapy.Item):
        html = scrapy.Field()
    with pytest.raises(KeyError, match="text = scrapy.Field"):
        pipeline().process_item(Bare(html=EXAMPLE.read_text(encoding="utf-8")))


def test_a_response_body_is_decoded_with_the_encoding_the_item_carries():
    body = ("<html><body><h1>Новости</h1>" + "".join(
        f"<p>Правительство объявило сегодня о новых мерах поддержки для {n} регионов страны, "
        "сообщили в министерстве экономики.</p>" for n in range(2, 8)) + "</body></html>")
    item = pipeline().process_item({"html": body.encode("koi8-r"), "encoding": "koi8-r"})
    assert "Правительство объявило" in item["text"] and item["language"] == "ru"


def test_an_unreadable_page_is_kept_with_its_error_or_dropped_when_told():
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    p = pipeline()
    item = p.process_item({"url": "https://example.org/logo", "html": png})
    assert item["text"] == "" and item["newsbody_error"].startswith("DecodeError")
    assert stats(p)["items/error"] == stats(p)["items/kept"] == 1
    strict = pipeline(NEWSBODY_DROP_EMPTY=True)
    with pytest.raises(DropItem, match="could not clean https://example.org/logo"):
        strict.process_item({"url": "https://example.org/logo", "html": png})
    with pytest.raises(DropItem, match="no article text"):
        strict.process_item({"html": "<html><body><nav><a href='/'>Home</a></nav></body></html>"})
    s = stats(strict)
    assert s["items/dropped"] == 2 and s["items/dropped/error"] == s["items/dropped/empty"] == 1


def test_languages_keep_only_items_in_those_languages():
    page = EXAMPLE.read_text(encoding="utf-8")
    assert pipeline(NEWSBODY_LANGUAGES="de, en").process_item({"html": page})["language"] == "en"
    p = pipeline(NEWSBODY_LANGUAGES=["tr", "az"])
    with pytest.raises(DropItem, match=r"is in en, not in NEWSBODY_LANGUAGES \(az, tr\)"):
        p.process_item({"url": "https://example.org/a", "html": page})
    assert stats(p)["items/dropped/language"] == 1


def test_readers_comments_are_dropped_unless_newsbody_comments_is_true():
    from test_api import COMMENTED_PAGE, _COMMENT, _STORY
    text = pipeline().process_item({"html": COMMENTED_PAGE})["text"]
    assert _STORY in text and _COMMENT not in text
    kept = pipeline(NEWSBODY_COMMENTS=True).process_item({"html": COMMENTED_PAGE})["text"]
    assert kept == cleaner.Cleaner(comments=True).clean(COMMENTED_PAGE).text


def test_an_item_without_the_page_field_passes_through_untouched():
    p = pipeline(NEWSBODY_FIELD="body")
    item = {"url": "https://example.org/a", "html": "<p>x</p>"}
    assert p.process_item(item) == {"url": "https://example.org/a", "html": "<p>x</p>"}
    assert stats(p) == {"items/no_page": 1}


def test_a_scraped_value_that_looks_like_a_path_is_never_read_from_disk(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("The launch codes are written in this private file on the crawler machine. " * 5)
    item = pipeline().process_item({"html": str(secret)})
    assert "launch codes" not in item["text"]


def test_the_threaded_pipeline_cleans_the_same_outside_a_crawl():
    import asyncio
    page = EXAMPLE.read_text(encoding="utf-8")
    p = ThreadedNewsbodyPipeline.from_crawler(get_crawler())
    item = asyncio.run(p.process_item({"html": page}))
    assert item["text"] == cleaner.Cleaner().clean(page).text



def _corpus_pages(n: int) -> list[str]:
    """The first n pages (HTML and plain text) of the project's own corpus."""
    from test_batch import corpus_pages
    return [p["html"] for p in corpus_pages()[:n]]


def _run_queued(p: ThreadedNewsbodyPipeline, pages: list[str], monkeypatch) -> list:
    """Queue every page before the cleaning thread starts, run it to the end; what each item got back."""
    from twisted.internet import reactor
    from twisted.internet.defer import Deferred
    # No reactor runs here: the thread's hand-backs are made where they are called.
    monkeypatch.setattr(reactor, "callFromThread", lambda f, *args: f(*args))
    got: list = [None] * len(pages)
    for i, page in enumerate(pages):
        done = Deferred()
        done.addCallbacks(lambda r, i=i: got.__setitem__(i, r), lambda f, i=i: got.__setitem__(i, f.value))
        p._queue.put((p.record_for(ItemAdapter({"html": page, "url": f"https://example.org/{i}"})), done))
    p.open_spider()
    p.close_spider()   # returns once every queued item is cleaned
    return got


def test_the_threaded_pipeline_cleans_queued_items_together_each_as_clean_gives_it(monkeypatch):
    pages = _corpus_pages(11) + ["", "<html><body><nav>Home</nav></body></html>"]
    c = cleaner.Cleaner()
    expected = [c.clean(page) if page else None for page in pages]
    p = ThreadedNewsbodyPipeline(cleaner=c)
    sizes = []
    real = type(c).probabilities_of_pages

    def counted(self, many):
        sizes.append(len(many))
        return real(self, many)

    monkeypatch.setattr(type(c), "probabilities_of_pages", counted)
    got = _run_queued(p, pages, monkeypatch)
    assert max(sizes) > 1 and sum(sizes) < len(pages)    # pages went through the model together
    for page, want, result in zip(pages, expected, got):
        if want is None:
            assert "EmptyPage" in result.error
        else:
            assert [(q.text, q.p_body, q.reason) for q in result.paragraphs] == \
                   [(q.text, q.p_body, q.reason) for q in want.paragraphs]
            assert result.text == want.text and result.language == want.language


def test_with_batch_pages_1_the_threaded_pipeline_cleans_item_by_item(monkeypatch):
    pages = _corpus_pages(4)
    c = cleaner.Cleaner()
    p = ThreadedNewsbodyPipeline(cleaner=c)
    p.batch_pages = 1
    sizes = []
    real = type(c).probabilities_of_pages
    monkeypatch.setattr(type(c), "probabilities_of_pages", lambda self, many: sizes.append(len(many)) or real(self, many))
    got = _run_queued(p, pages, monkeypatch)
    assert sizes == [1, 1, 1, 1] and [r.text for r in got] == [c.clean(page).text for page in pages]


def test_a_failure_of_the_cleaning_thread_fails_its_items_and_the_thread_goes_on(monkeypatch):
    from cleaner.integrations import scrapy as integration
    pages = _corpus_pages(3)
    p = ThreadedNewsbodyPipeline(cleaner=cleaner.Cleaner())
    p.batch_pages = 2
    real = integration.cleaned_in_order
    calls = []

    def broken_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("a bug in the batch path")
        return real(*args, **kwargs)

    monkeypatch.setattr(integration, "cleaned_in_order", broken_once)
    got = _run_queued(p, pages, monkeypatch)
    assert [type(r).__name__ for r in got] == ["RuntimeError", "RuntimeError", "Result"]
    assert got[2].text == cleaner.Cleaner().clean(pages[2]).text

# --- a real crawl --------------------------------------------------------------------------------------

# (split, how many of its first dev pages): 20 pages, the German one included for the language filter.
DEV_PICKS = (("cleaneval", 4), ("cleanportaleval", 4), ("dragnet", 4), ("l3s_gn1", 4),
             ("newspaper4k_articles", 3), ("htmltotext_leogao", 1))
SEED_000 = "seeds/000_ad562e1129fabbdd.txt"
SEED_003 = "seeds/003_73d4d126403eb5d5.txt"

CRAWL_SCRIPT = r'''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess

start_url, out_dir, pipeline, item_kind = sys.argv[1:5]


class Article(scrapy.Item):
    url = scrapy.Field(); path = scrapy.Field(); html = scrapy.Field(); encoding = scrapy.Field()
    text = scrapy.Field(); language = scrapy.Field(); title = scrapy.Field(); newsbody_error = scrapy.Field()


class Pages(scrapy.Spider):
    name = "pages"
    start_urls = [start_url]

    def parse(self, response):
        yield from response.follow_all(css="a", callback=self.parse_page)

    def parse_page(self, response):
        fields = dict(url=response.url, path=response.url.split("/", 3)[3], html=response.body,
                      encoding=response.encoding)
        yield Article(**fields) if item_kind == "item" else fields


process = CrawlerProcess(settings={
    "ITEM_PIPELINES": {pipeline: 300},
    "NEWSBODY_FIELD": "html", "NEWSBODY_ENCODING_FIELD": "encoding", "NEWSBODY_OUTPUT_FIELD": "text",
    "NEWSBODY_LANGUAGES": ["en"], "NEWSBODY_DELETE_FIELD": True, "NEWSBODY_TIMEOUT": 30,
    "FEEDS": {out_dir + "/items.jsonl": {"format": "jsonlines", "encoding": "utf8"}},
    "LOG_FILE": out_dir + "/crawl.log", "LOG_LEVEL": "INFO",
    "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False, "RETRY_ENABLED": False,
    "DOWNLOAD_TIMEOUT": 20, "CLOSESPIDER_TIMEOUT": 150,
})
crawler = process.create_crawler(Pages)
process.crawl(crawler)
process.start()
with open(out_dir + "/stats.json", "w") as f:
    json.dump(crawler.stats.get_stats(), f, default=str)
'''


def seed_html(text: str, *, flat: bool = False) -> str:
    """A seed (plain text, blank-line blocks) as an HTML page: one <p> per block.

    Not flat: the article's blocks in one <div> and the consent overlay, which starts at its close
    button "X", in another, as on any real page. Flat: every block a sibling <p> of <body>.
    """
    blocks = [b.strip() for b in text.split("\n\n") if b.strip()]

    def paras(bs: list[str]) -> str:
        return "".join("<p>" + "<br>".join(html.escape(line) for line in b.splitlines()) + "</p>\n" for b in bs)

    cut = len(blocks) if flat else next(
        (i for i, b in enumerate(blocks) if b.splitlines()[0].strip() in ("X", "×")), len(blocks))
    body = paras(blocks) if flat else f"<div>\n{paras(blocks[:cut])}</div>\n<div>\n{paras(blocks[cut:])}</div>\n"
    return (f"<!DOCTYPE html>\n<html><head><title>{html.escape(blocks[0])}</title></head>\n"
            f"<body>\n{body}</body></html>\n")


def dev_pages() -> dict[str, str]:
    """{server path: HTML} of the 20 dev pages."""
    pages = {}
    for split, n in DEV_PICKS:
        with gzip.open(shared_file(f"datasets/{split}/dev.jsonl.gz"), "rt", encoding="utf-8") as f:
            for _, line in zip(range(n), f):
                rec = json.loads(line)
                pages[f"dev/{split}/{len(pages)}.html"] = rec["html"]
    return pages


def site() -> dict[str, tuple[bytes, str]]:
    """{path: (body, charset)} of everything the server serves besides its index."""
    served = {path: (page.encode("utf-8"), "utf-8") for path, page in dev_pages().items()}
    seed0 = shared_file(SEED_000).read_text(encoding="utf-8")
    served["seeds/000.html"] = (seed_html(seed0).encode("utf-8"), "utf-8")
    served["seeds/000-flat.html"] = (seed_html(seed0, flat=True).encode("utf-8"), "utf-8")
    # Seed 003 in windows-1252, declared only in the HTTP header: response.encoding must reach newsbody.
    seed3 = shared_file(SEED_003).read_text(encoding="utf-8")
    served["seeds/003.html"] = (seed_html(seed3).encode("cp1252"), "windows-1252")
    return served


def serve(pages: dict[str, tuple[bytes, str]]) -> ThreadingHTTPServer:
    """An HTTP server on 127.0.0.1 (a free port) serving the pages and an index linking them all."""
    index = "".join(f'<a href="/{html.escape(p)}">{html.escape(p)}</a>\n' for p in pages)
    routes = {"/": (f"<html><body>{index}</body></html>".encode(), "utf-8"),
              **{"/" + p: v for p, v in pages.items()}}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            body, charset = routes.get(self.path, (b"not found", "utf-8"))
            self.send_response(200 if self.path in routes else 404)
            self.send_header("Content-Type", f"text/html; charset={charset}")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def served() -> dict[str, tuple[bytes, str]]:
    return site()


@pytest.fixture(scope="module")
def reference(served) -> dict[str, cleaner.Result]:
    """What Cleaner.clean gives for each served page, read the way newsbody reads the response."""
    c = cleaner.Cleaner()
    return {path: c.clean(body, charset=charset) for path, (body, charset) in served.items()}


@pytest.fixture(scope="module", params=[("NewsbodyPipeline", "dict"), ("ThreadedNewsbodyPipeline", "item")],
                ids=["dict-items", "threaded-scrapy-items"])
def crawl(request, served, tmp_path_factory):
    """Run a crawl of the local server in a subprocess; return (exported items by path, stats)."""
    pipeline_name, item_kind = request.param
    out = tmp_path_factory.mktemp(f"crawl-{item_kind}")
    (out / "crawl.py").write_text(CRAWL_SCRIPT, encoding="utf-8")
    server = serve(served)
    try:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.run(
            [sys.executable, str(out / "crawl.py"), f"http://127.0.0.1:{server.server_port}/", str(out),
             f"cleaner.integrations.scrapy.{pipeline_name}", item_kind],
            env=env, capture_output=True, text=True, timeout=CRAWL_TIMEOUT)
    finally:
        server.shutdown()
        server.server_close()
    log = (out / "crawl.log").read_text(encoding="utf-8") if (out / "crawl.log").exists() else ""
    assert proc.returncode == 0, proc.stderr[-3000:] + log[-3000:]
    assert "Traceback" not in log, log[-5000:]
    assert "DeprecationWarning" not in proc.stderr, proc.stderr[-3000:]
    items = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    stats = json.loads((out / "stats.json").read_text(encoding="utf-8"))
    return {item["path"]: item for item in items}, stats


def test_crawl_exports_the_cleaned_text_of_every_page_in_the_wanted_language(crawl, reference):
    items, _ = crawl
    wanted = {path for path, r in reference.items() if r.language == "en"}
    assert len(reference) == 23 and len(wanted) >= 20
    assert [p for p in reference if p not in wanted] == ["dev/htmltotext_leogao/19.html"]  # German
    assert set(items) == wanted  # the German dev page is dropped by NEWSBODY_LANGUAGES
    for path in wanted:
        assert items[path]["text"] == reference[path].text, path
        assert items[path]["language"] == "en"
        assert "html" not in items[path]  # NEWSBODY_DELETE_FIELD: the export carries no HTML
    # Every page is exported, article or not (a page the model finds no article on is exported with
    # an empty text and its title, never lost); almost all of these dev pages are articles.
    with_text = [p for p in wanted if p.startswith("dev/") and items[p]["text"]]
    assert len(with_text) >= len([p for p in wanted if p.startswith("dev/")]) - 1


def test_crawl_drops_the_seed_turkish_cookie_notice_and_keeps_its_article(crawl):
    items, _ = crawl
    text = items["seeds/000.html"]["text"]
    for gone in ("Sitelerimizde", "çerez", "Bu çerezlere izin vermeniz"):
        assert gone not in text
    assert text.startswith("The number of Azerbaijani soldiers who lost their lives")
    assert text.endswith("and is still the acting premier.")
    assert len(text.split("\n\n")) == 8
    assert items["seeds/000.html"]["title"] == "Azerbaijan lost 2,900 soldiers in Karabakh war: Defense Ministry"


def test_crawl_decodes_the_seed_served_in_windows_1252(crawl):
    items, _ = crawl
    text = items["seeds/003.html"]["text"]
    assert "the country’s Defense Ministry said Monday" in text
    assert "Ruslan Rehimov" not in text  # the dateline is meta, not body


def test_crawl_drops_the_turkish_notice_even_from_flat_html(crawl):
    # Every block a sibling <p> of <body>: nothing but the words and the language tells the notice apart.
    items, _ = crawl
    assert "Sitelerimizde" not in items["seeds/000-flat.html"]["text"]


def test_crawl_stats_count_items_and_paragraphs(crawl, reference):
    items, stats = crawl
    n, kept = len(reference), len(items)
    nb = {k.split("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsbody/")}
    assert nb["items/processed"] == n
    assert nb["items/kept"] == kept == stats["item_scraped_count"] == nb["items/language/en"]
    assert nb["items/dropped"] == nb["items/dropped/language"] == n - kept == stats["item_dropped_count"]
    assert nb["paragraphs/kept"] == sum(len(r.kept) for r in reference.values())
    assert nb["paragraphs/dropped"] == sum(len(r.dropped) for r in reference.values())
    assert "items/error" not in nb
