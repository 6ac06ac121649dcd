"""Pages per CPU second: newsbody against trafilatura in one run, where newsbody's time goes, memory.

    python bench/speed.py [--pages N] [--page-set dev|small] [--rounds 3] [--lang-backend py3langid|langdetect] [--rss-pages 500] [--python PY]

On one core (the process pins itself to one CPU), newsbody and trafilatura alternate page by page
over the same dev pages, so machine noise hits both alike; CPU time is measured per call with
time.process_time. The pass over the pages is repeated --rounds times and each round's ratio is
printed beside the total's, so run-to-run noise shows. Each round times newsbody page by page
(`Cleaner.clean`) and then on its batch path (`Cleaner.clean_many`, chunks of pages through the model at
once), each against trafilatura on the same pages. newsbody's stages (decode, segment, language,
features, model, decide) are timed on the same calls. Then, in fresh processes: import + model load time
(with an empty language-table cache, then with a filled one), and the peak RSS of `newsbody clean` over
--rss-pages pages in one process.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devpages import dev_pages_by_split  # noqa: E402  (bench/ is the script's directory)

STAGES = ("decode", "segment", "language", "features", "model", "decide")


def dev_pages(limit: int | None) -> list[str]:
    """HTML of every dev split's pages (langid excepted), interleaved across splits."""
    per_split = [[page["html"] for page in pages] for pages in dev_pages_by_split().values()]
    mixed = [page for group in _zip_longest(per_split) for page in group]
    return mixed[:limit] if limit else mixed


def small_pages(per_lang: int = 10, seed: int = 1) -> list[str]:
    """The held-out multilingual pages as HTML (a few KB each, 45 body languages), as bench/multilingual.py
    builds them."""
    from cleaner.augment import load_bodies, load_snippets
    from cleaner.multilingual import build_pages
    from multilingual import BODIES, BOILERPLATE, shared_data_problem
    problem = shared_data_problem()
    if problem:
        sys.exit(problem)
    built = build_pages(load_snippets(BOILERPLATE, held_out=True), load_bodies(BODIES, training=False),
                        pages_per_lang=per_lang, seed=seed)
    return [forms["html"] for pages in built.values() for _, forms in pages]


def _zip_longest(lists: list[list[str]]):
    for i in range(max(map(len, lists))):
        yield [lst[i] for lst in lists if i < len(lst)]


def timed(fn, stage: str, clock: dict):
    """fn, with its CPU time added to clock[stage]."""
    @functools.wraps(fn)
    def wrapper(*a, **k):
        t0 = time.process_time()
        try:
            return fn(*a, **k)
        finally:
            clock[stage] += time.process_time() - t0
    return wrapper


def instrument(cleaner, clock: dict) -> None:
    """Time newsbody's stages where the pipeline calls them."""
    from cleaner import api
    api.read_page = timed(api.read_page, "decode", clock)
    api.segment_html = timed(api.segment_html, "segment", clock)
    api.segment_text = timed(api.segment_text, "segment", clock)
    api.assign_languages = timed(api.assign_languages, "language", clock)
    for name in ("decide", "title_index", "one_article_language", "keep_subheadings", "article_language"):
        setattr(api, name, timed(getattr(api, name), "decide", clock))
    features, model = cleaner.model.named_steps["features"], cleaner.model.named_steps["model"]
    features.transform = timed(features.transform, "features", clock)
    model.predict_proba = timed(model.predict_proba, "model", clock)


def compare(pages: list[str], lang_backend: str, rounds: int = 1) -> dict:
    """Alternate newsbody and trafilatura, `rounds` times; CPU seconds of each (in all and per round),
    newsbody's by stage. Each round makes two passes: page by page (`Cleaner.clean`), then chunk by chunk
    of the batch path (`Cleaner.clean_many`, the model run once per chunk), each chunk followed by
    trafilatura on the same pages."""
    import trafilatura
    from cleaner import Cleaner
    from cleaner.batch import CHUNK_PAGES
    cleaner = Cleaner(lang_backend=lang_backend)
    clock: dict = defaultdict(float)
    instrument(cleaner, clock)
    tools = ("newsbody", "trafilatura", "newsbody_many", "trafilatura_many")
    cpu = dict.fromkeys(tools, 0.0)
    for html in pages[:3]:  # warm both up outside the measurement
        cleaner.clean(html)
        trafilatura.extract(html)
    list(cleaner.clean_many(pages[:3]))
    clock.clear()
    batch_stages: dict = defaultdict(float)
    per_round = []
    for _ in range(rounds):
        this = dict.fromkeys(tools, 0.0)
        for html in pages:
            t0 = time.process_time()
            cleaner.clean(html)
            t1 = time.process_time()
            trafilatura.extract(html)
            t2 = time.process_time()
            this["newsbody"] += t1 - t0
            this["trafilatura"] += t2 - t1
        stages = dict(clock)  # the stage shares are the page-by-page pass's
        for i in range(0, len(pages), CHUNK_PAGES):
            chunk = pages[i:i + CHUNK_PAGES]
            t0 = time.process_time()
            for _ in cleaner.clean_many(chunk):
                pass
            t1 = time.process_time()
            for html in chunk:
                trafilatura.extract(html)
            t2 = time.process_time()
            this["newsbody_many"] += t1 - t0
            this["trafilatura_many"] += t2 - t1
        for stage, seconds in clock.items():
            batch_stages[stage] += seconds - stages.get(stage, 0.0)
        clock.clear()
        clock.update(stages)
        per_round.append(this)
        for tool in cpu:
            cpu[tool] += this[tool]
    return {"cpu": cpu, "stages": dict(clock), "batch_stages": dict(batch_stages), "rounds": per_round}


def import_and_load_seconds(lang_backend: str, python: str, cache: Path) -> tuple[float, float]:
    """Wall seconds for `import cleaner; Cleaner()` in a fresh interpreter, best of 3: with an empty
    language-table cache (the first run on a machine) and with the cache those runs filled."""
    code = ("import time; t=time.perf_counter(); import cleaner; cleaner.Cleaner(lang_backend=%r); "
            "print(time.perf_counter()-t)" % lang_backend)

    def run(cache_dir: Path) -> float:
        env = dict(os.environ, NEWSBODY_CACHE_DIR=str(cache_dir))
        return float(subprocess.run([python, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                    check=True, env=env).stdout)
    cold = []
    for i in range(3):
        shutil.rmtree(cache, ignore_errors=True)
        cold.append(run(cache))
    return min(cold), min(run(cache) for _ in range(3))


def has_pandas(python: str) -> bool:
    """Whether pandas is importable there: scikit-learn then imports it too (about 60 MB more)."""
    return subprocess.run([python, "-c", "import pandas"], capture_output=True).returncode == 0


def peak_rss_mb(pages: list[str], lang_backend: str, python: str, cache: Path) -> float:
    """Peak RSS (MB) of one `newsbody clean --workers 1` process over these pages (the mapped language
    tables count in full, though processes on one machine share them)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "pages.jsonl"
        with open(src, "w", encoding="utf-8") as f:
            for i, html in enumerate(pages):
                f.write(json.dumps({"id": str(i), "html": html}) + "\n")
        # Through a small launcher: a child forked from this big process starts with this process's
        # peak RSS as its own (Linux keeps the high-water mark across fork and exec), which hid
        # newsbody's own peak under this bench's.
        launcher = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True); "
                    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
        done = subprocess.run([python, "-c", launcher, python, "-m", "cleaner.cli", "clean", str(src),
                               "--workers", "1", "--output-format", "jsonl", "-o", os.devnull, "--quiet",
                               "--lang-backend", lang_backend], cwd=ROOT, capture_output=True, text=True,
                              env=dict(os.environ, NEWSBODY_CACHE_DIR=str(cache)))
        if done.returncode != 0:
            sys.exit(f"newsbody clean failed: {done.stderr[-2000:]}")
        return int(done.stdout.split()[-1]) / 1024


def report(n: int, result: dict, load_s: tuple[float, float], rss: float, rss_pages: int, lang_backend: str,
           python: str, page_set: str = "dev") -> None:
    cpu, stages, rounds = result["cpu"], result["stages"], result["rounds"]
    n_calls = n * len(rounds)
    nb, tr = n_calls / cpu["newsbody"], n_calls / cpu["trafilatura"]
    what = "dev pages" if page_set == "dev" else "small pages (held-out multilingual HTML)"
    print(f"## {n} {what} × {len(rounds)} rounds, one core, lang_backend={lang_backend}\n")
    many, tr_many = n_calls / cpu["newsbody_many"], n_calls / cpu["trafilatura_many"]
    print("| tool | CPU s/page | pages per CPU s |\n|---|---|---|")
    print(f"| newsbody, page by page (`clean`) | {cpu['newsbody'] / n_calls:.4f} | {nb:.1f} |")
    print(f"| trafilatura, alternating with it | {cpu['trafilatura'] / n_calls:.4f} | {tr:.1f} |")
    print(f"| newsbody, batch path (`clean_many`) | {cpu['newsbody_many'] / n_calls:.4f} | {many:.1f} |")
    print(f"| trafilatura, alternating with it | {cpu['trafilatura_many'] / n_calls:.4f} | {tr_many:.1f} |")
    each = ", ".join(f"{r['trafilatura'] / r['newsbody']:.2f}x" for r in rounds)
    print(f"\n- newsbody / trafilatura pages per CPU second, page by page: **{nb / tr:.2f}x** (rounds: {each})")
    each = ", ".join(f"{r['trafilatura_many'] / r['newsbody_many']:.2f}x" for r in rounds)
    print(f"- the same, newsbody's batch path: **{many / tr_many:.2f}x** (rounds: {each})")
    for path, key, times in (("page by page", "newsbody", stages), ("batch path", "newsbody_many", result["batch_stages"])):
        total = cpu[key]
        shares = ", ".join(f"{s} {times.get(s, 0.0) / total:.0%}" for s in STAGES)
        other = total - sum(times.get(s, 0.0) for s in STAGES)
        print(f"- where newsbody's time goes, {path}: {shares}, other {other / total:.0%}")
    where = f"`{python}`, pandas {'installed' if has_pandas(python) else 'not installed'}"
    print(f"- import + model load (fresh process, {where}): {load_s[1]:.2f} s; "
          f"{load_s[0]:.2f} s the first time on a machine (empty language-table cache)")
    print(f"- peak RSS of `newsbody clean --workers 1` over {rss_pages} pages ({where}): {rss:.0f} MB")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, help="at most N pages (default: every dev page)")
    ap.add_argument("--page-set", choices=("dev", "small"), default="dev",
                    help="dev: the dev splits' pages (86 KB of HTML on average); small: the held-out multilingual "
                         "pages as HTML (a few KB each, 45 languages × 10)")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the pages (default 3)")
    ap.add_argument("--lang-backend", default="py3langid")
    ap.add_argument("--rss-pages", type=int, default=500)
    ap.add_argument("--cpu", type=int, default=0, help="the CPU to pin this process to")
    ap.add_argument("--python", default=sys.executable,
                    help="interpreter for the load-time and memory runs, e.g. a virtualenv with only "
                         "newsbody's own dependencies, as `pip install newsbody` gives (default: this one)")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {args.cpu})
    pages = dev_pages(args.pages) if args.page_set == "dev" else small_pages()[:args.pages]
    import trafilatura
    import sklearn
    print(f"newsbody {_version()}, trafilatura {trafilatura.__version__}, scikit-learn {sklearn.__version__}, "
          f"Python {sys.version.split()[0]}\n")
    if args.rounds < 1:
        ap.error("--rounds must be at least 1")
    result = compare(pages, args.lang_backend, args.rounds)
    rss_pages = (pages * (args.rss_pages // max(len(pages), 1) + 1))[:args.rss_pages]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp) / "cache"
        load = import_and_load_seconds(args.lang_backend, args.python, cache)
        rss = peak_rss_mb(rss_pages, args.lang_backend, args.python, cache)
    report(len(pages), result, load, rss, len(rss_pages), args.lang_backend, args.python, args.page_set)


def _version() -> str:
    import cleaner
    return cleaner.__version__


if __name__ == "__main__":
    main()
