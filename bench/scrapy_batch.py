"""CPU of a Scrapy crawl cleaned by ThreadedNewsbodyPipeline: queued items together, or one by one.

    python bench/scrapy_batch.py [--page-set small|dev] [--pages N] [--rounds 2]

A local HTTP server in this process serves the pages; each crawl runs in a fresh subprocess pinned to
one core (the server on another), fetching every page (Scrapy's default 16 concurrent requests) and
exporting the cleaned text. Three pipelines alternate in each round:
  * `load-only`: builds the Cleaner (import, model load) but cleans nothing: what the crawl costs anyway;
  * `item-by-item`: ThreadedNewsbodyPipeline with batch_pages=1, each item through the model alone;
  * `together`: ThreadedNewsbodyPipeline as shipped, the items queued meanwhile cleaned as one chunk.
It prints the crawl process's CPU seconds (user + sys) and wall seconds, the cleaning CPU per page
(crawl minus load-only), the ratio, and whether both cleaning pipelines exported the same texts.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MODES = ("load-only", "item-by-item", "together")

CRAWL = r'''
import json, sys
import scrapy
from scrapy.crawler import CrawlerProcess
from cleaner.integrations.scrapy import ThreadedNewsbodyPipeline

urls_file, out_dir, mode = sys.argv[1:4]


class LoadOnly(ThreadedNewsbodyPipeline):
    async def process_item(self, item, spider=None):
        return {"url": item["url"]}


class ItemByItem(ThreadedNewsbodyPipeline):
    batch_pages = 1


class Pages(scrapy.Spider):
    name = "pages"

    async def start(self):
        for url in json.load(open(urls_file)):
            yield scrapy.Request(url)

    def parse(self, response):
        yield {"url": response.url, "html": response.body, "encoding": response.encoding}


pipeline = {"load-only": "__main__.LoadOnly", "item-by-item": "__main__.ItemByItem",
            "together": "cleaner.integrations.scrapy.ThreadedNewsbodyPipeline"}[mode]
process = CrawlerProcess(settings={
    "ITEM_PIPELINES": {pipeline: 300}, "NEWSBODY_DELETE_FIELD": True,
    "FEEDS": {out_dir + "/items.jsonl": {"format": "jsonlines", "encoding": "utf8"}},
    "LOG_LEVEL": "WARNING", "ROBOTSTXT_OBEY": False, "TELNETCONSOLE_ENABLED": False,
    "RETRY_ENABLED": False, "DOWNLOAD_TIMEOUT": 60,
})
crawler = process.create_crawler(Pages)
process.crawl(crawler)
process.start()
with open(out_dir + "/stats.json", "w") as f:
    json.dump(crawler.stats.get_stats(), f, default=str)
'''


def pages_for(page_set: str, limit: int | None) -> list[str]:
    """The bench pages: bench/speed.py's small held-out pages or the dev pages."""
    sys.path.insert(0, str(ROOT / "bench"))
    import speed
    pages = speed.small_pages() if page_set == "small" else speed.dev_pages(None)
    return pages[:limit] if limit else pages


def serve(pages: list[str]) -> ThreadingHTTPServer:
    """An HTTP server on a free local port serving page i at /i.html."""
    bodies = [page.encode("utf-8") for page in pages]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the http.server name
            body = bodies[int(self.path.strip("/").split(".")[0])]
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def crawl(mode: str, urls_file: Path, out: Path, cpu: int) -> tuple[float, float, dict[str, str], int]:
    """(CPU s, wall s, {url: text}, chunks cleaned) of one crawl in a fresh process pinned to `cpu`."""
    out.mkdir(parents=True, exist_ok=True)
    script = out / "crawl.py"
    script.write_text(CRAWL, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "OMP_NUM_THREADS": "1"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(["taskset", "-c", str(cpu), sys.executable, str(script), str(urls_file), str(out), mode],
                   env=env, check=True, cwd=out)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    used = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    items = [json.loads(line) for line in (out / "items.jsonl").read_text(encoding="utf-8").splitlines()]
    (out / "items.jsonl").unlink()
    chunks = json.loads((out / "stats.json").read_text(encoding="utf-8")).get("newsbody/chunks", 0)
    return used, wall, {item["url"]: item.get("text") for item in items}, chunks


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--page-set", choices=("small", "dev"), default="small")
    ap.add_argument("--pages", type=int, default=None, help="only the first N pages")
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    try:
        import scrapy  # noqa: F401 - the crawls run it in subprocesses
    except ImportError:
        sys.exit("bench/scrapy_batch.py crawls with Scrapy: pip install 'newsbody[scrapy]'")
    pages = pages_for(args.page_set, args.pages)
    cpus = sorted(os.sched_getaffinity(0))
    crawl_cpu = cpus[-1]
    if len(cpus) > 1:
        os.sched_setaffinity(0, cpus[:-1])   # the server here, the crawl on its own core
    server = serve(pages)
    cpu = {m: [] for m in MODES}
    wall = {m: [] for m in MODES}
    texts: dict[str, dict[str, str]] = {}
    chunks = {m: [] for m in MODES}
    with tempfile.TemporaryDirectory() as tmp:
        urls_file = Path(tmp) / "urls.json"
        urls_file.write_text(json.dumps([f"http://127.0.0.1:{server.server_port}/{i}.html"
                                         for i in range(len(pages))]), encoding="utf-8")
        for _ in range(args.rounds):
            for mode in MODES:
                used, took, got, n_chunks = crawl(mode, urls_file, Path(tmp) / mode, crawl_cpu)
                chunks[mode].append(n_chunks)
                if len(got) != len(pages):
                    sys.exit(f"{mode}: {len(got)} items exported for {len(pages)} pages")
                cpu[mode].append(used)
                wall[mode].append(took)
                if mode != "load-only":
                    texts[mode] = got
    server.shutdown()
    n = len(pages)
    import cleaner
    print(f"newsbody {cleaner.__version__}, Scrapy {__import__('scrapy').__version__}, Python {sys.version.split()[0]}")
    print(f"\n## {n} {args.page_set} pages, one crawl process on one core, {args.rounds} rounds\n")
    print("| pipeline | crawl CPU s (rounds) | crawl wall s (rounds) | cleaning CPU ms/page | items a chunk (rounds) |")
    print("|---|---|---|---|---|")
    base = min(cpu["load-only"])
    per_page = {}
    for mode in MODES:
        per_page[mode] = (min(cpu[mode]) - base) / n * 1000
        print(f"| {mode} | {min(cpu[mode]):.2f} ({' / '.join(f'{x:.2f}' for x in cpu[mode])}) | "
              f"{min(wall[mode]):.2f} ({' / '.join(f'{x:.2f}' for x in wall[mode])}) | "
              f"{'' if mode == 'load-only' else f'{per_page[mode]:.2f}'} | "
              f"{'' if mode == 'load-only' else ' / '.join(f'{n / c:.1f}' for c in chunks[mode])} |")
    same = texts["item-by-item"] == texts["together"]
    print(f"\n- cleaning CPU, item by item / together: **{per_page['item-by-item'] / per_page['together']:.2f}x** "
          f"(best round of each, load-only crawl subtracted)")
    print(f"- exported texts identical in both cleaning pipelines: {same} ({n} items)")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
