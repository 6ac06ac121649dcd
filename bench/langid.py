"""Language identification backends on the langid dev set (issue "language identification").

Usage: python bench/langid.py [--data PATH] [--limit N] [--backends py3langid,langdetect,py3langid:all]
Reads ../shared/datasets/langid/dev.jsonl.gz (text, lang, len_bucket: word, short = 10–30 characters,
sentence = 30–150, paragraph = 150–600) and runs cleaner.detect_language over every text, each
backend in a fresh process so that load time and memory are its own. A backend is NAME or NAME:all
(every language the model knows instead of the default candidates). Prints Markdown tables: accuracy
per bucket with all 45 languages counted, the same with Malay↔Indonesian and Latin-script
Serbian↔Croatian↔Bosnian confusions reported apart, Azerbaijani paragraphs → az, paragraphs per
second, load time and peak memory, then accuracy per language for every backend.
"""
from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DATA = ROOT.parent / "shared" / "datasets" / "langid" / "dev.jsonl.gz"
BUCKETS = ("word", "short", "sentence", "paragraph")
DEFAULT_BACKENDS = "py3langid,langdetect,py3langid:all"
# Pairs that no backend separates on short text: counted apart, not as errors, in the "apart" figures.
SIBLINGS = [frozenset({"ms", "id"}), frozenset({"sr", "hr"}), frozenset({"sr", "bs"}), frozenset({"hr", "bs"})]


def load_rows(path: Path, limit: Optional[int]) -> list[dict]:
    """The dev set's rows, at most `limit` per language and bucket (file order)."""
    if not path.is_file():
        sys.exit(f"bench/langid.py: no data at {path}; pass --data PATH (the langid dev set is "
                 f"../shared/datasets/langid/dev.jsonl.gz beside the repository)")
    rows, seen = [], Counter()
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            row = json.loads(line)
            key = (row["lang"], row["len_bucket"])
            if limit is None or seen[key] < limit:
                seen[key] += 1
                rows.append(row)
    return rows


def _rss_kb(field: str) -> int:
    """VmRSS (now) or VmHWM (peak) of this process in kB, 0 where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _load_seconds(spec: str) -> float:
    """CPU seconds of a backend's first detect(): imports and model load."""
    from cleaner.language import get_backend

    name, _, languages = spec.partition(":")
    cpu = time.process_time()
    get_backend(name, languages or None).detect("The model loads on the first text it sees.")
    return time.process_time() - cpu


def worker(spec: str, path: Path, limit: Optional[int]) -> dict[str, Any]:
    """Run one backend over the rows in this process: its predictions, load time, speed and memory."""
    from cleaner.language import detect_language

    name, _, languages = spec.partition(":")
    languages = languages or None
    rows = load_rows(path, limit)
    rss_before = _rss_kb("VmRSS")
    load_s = _load_seconds(spec)
    preds = [detect_language(row["text"], name, languages) for row in rows]
    peak_mb = (_rss_kb("VmHWM") - rss_before) / 1024
    # Speed: warm passes over the paragraphs in CPU time, the best of three (other processes do not count).
    paragraphs = [row["text"] for row in rows if row["len_bucket"] == "paragraph"]
    best = float("inf")
    for _ in range(3):
        cpu = time.process_time()
        for text in paragraphs:
            detect_language(text, name, languages)
        best = min(best, time.process_time() - cpu)
    return {"preds": preds, "load_s": load_s, "rss_mb": peak_mb,
            "para_per_s": len(paragraphs) / best if paragraphs and best else 0.0}


def run_backend(spec: str, path: Path, limit: Optional[int]) -> dict[str, Any]:
    """worker() in a fresh interpreter: no model another backend loaded counts towards this one.

    It starts with an empty language-table cache (the first process on a machine); a second fresh
    interpreter then measures the load again with the cache the first one filled."""
    cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", spec, "--data", str(path)]
    if limit is not None:
        cmd += ["--limit", str(limit)]
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NEWSBODY_CACHE_DIR=cache)
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
        if done.returncode:
            sys.exit(f"bench/langid.py: backend {spec} failed:\n{done.stderr}")
        result = json.loads(done.stdout)
        again = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker-load", spec],
                               capture_output=True, text=True, cwd=ROOT, env=env, check=True)
        result["cached_load_s"] = float(again.stdout)
    return result


def _apart(row: dict, pred: Optional[str]) -> bool:
    """A confusion reported apart: Malay↔Indonesian, or Serbian↔Croatian↔Bosnian in Latin script."""
    pair = frozenset({row["lang"], pred or ""})
    if pair not in SIBLINGS:
        return False
    return "ms" in pair or sum("\u0400" <= ch <= "\u04ff" for ch in row["text"]) < len(row["text"]) / 4


def scores(rows: list[dict], preds: list[Optional[str]]) -> dict[str, Any]:
    """Counts per bucket (ok, n, apart) and per (language, bucket), with each language's top confusion."""
    ok, n, apart = Counter(), Counter(), Counter()
    wrong: dict[str, Counter] = defaultdict(Counter)
    for row, pred in zip(rows, preds):
        lang, bucket = row["lang"], row["len_bucket"]
        hit = pred == lang
        for key in (bucket, (lang, bucket)):
            ok[key] += hit
            n[key] += 1
        if not hit:
            wrong[lang][pred or "none"] += 1
            apart[bucket] += _apart(row, pred)
    return {"ok": ok, "n": n, "apart": apart, "wrong": wrong}


def _pct(ok: int, n: int) -> str:
    return f"{100 * ok / n:.2f}" if n else "–"


def summary_table(results: dict[str, dict]) -> list[str]:
    head = ["backend", "load CPU s", "load CPU s, cached", "peak RSS Δ MB", "paragraphs/s"]
    head += [f"{b} %" for b in BUCKETS] + [f"{b} % (apart: n)" for b in BUCKETS[1:]]
    head += ["short % (siblings right)", "az paragraph → az %"]
    out = ["| " + " | ".join(head) + " |", "|---" + "|---:" * (len(head) - 1) + "|"]
    for spec, res in results.items():
        s = res["scores"]
        cells = [spec, f"{res['load_s']:.2f}", f"{res['cached_load_s']:.2f}", f"{res['rss_mb']:.0f}",
                 f"{res['para_per_s']:.0f}"]
        cells += [_pct(s["ok"][b], s["n"][b]) for b in BUCKETS]
        # Reported apart: those confusions leave the bucket (denominator) and are counted beside it.
        cells += [f"{_pct(s['ok'][b], s['n'][b] - s['apart'][b])} ({s['apart'][b]})" for b in BUCKETS[1:]]
        cells.append(_pct(s["ok"]["short"] + s["apart"]["short"], s["n"]["short"]))
        cells.append(_pct(s["ok"][("az", "paragraph")], s["n"][("az", "paragraph")]))
        out.append("| " + " | ".join(cells) + " |")
    return out


def language_table(spec: str, s: dict[str, Any], langs: list[str]) -> list[str]:
    head = "| lang | " + " | ".join(f"{b} %" for b in BUCKETS) + " | most frequent wrong answers (all buckets) |"
    out = [f"#### {spec}", "", head, "|---" + "|---:" * len(BUCKETS) + "|---|"]
    for lang in langs:
        cells = [_pct(s["ok"][(lang, b)], s["n"][(lang, b)]) for b in BUCKETS]
        top = ", ".join(f"{w} {c}" for w, c in s["wrong"][lang].most_common(3))
        out.append(f"| {lang} | " + " | ".join(cells) + f" | {top} |")
    return out


def versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    found = []
    for package in ("py3langid", "langdetect"):
        try:
            found.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            found.append(f"{package} missing")
    return f"Python {platform.python_version()}; " + ", ".join(found)


def main(argv: Optional[list[str]] = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data", type=Path, default=DATA, help=f"langid JSON Lines (default {DATA})")
    p.add_argument("--limit", type=int, help="at most N texts per language and bucket (default all)")
    p.add_argument("--backends", default=DEFAULT_BACKENDS, help=f"comma-separated (default {DEFAULT_BACKENDS})")
    p.add_argument("--worker", help=argparse.SUPPRESS)
    p.add_argument("--worker-load", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.worker_load:
        print(_load_seconds(args.worker_load))
        return
    if args.worker:
        print(json.dumps(worker(args.worker, args.data, args.limit)))
        return
    rows = load_rows(args.data, args.limit)
    langs = sorted({row["lang"] for row in rows})
    results = {}
    for spec in [b.strip() for b in args.backends.split(",") if b.strip()]:
        results[spec] = run_backend(spec, args.data, args.limit)
        results[spec]["scores"] = scores(rows, results[spec]["preds"])
    per_bucket = Counter(row["len_bucket"] for row in rows)
    print(f"{len(rows)} texts in {len(langs)} languages ({', '.join(f'{b} {per_bucket[b]}' for b in BUCKETS)}); "
          f"{versions()}; one process per backend\n")
    print("\n".join(summary_table(results)))
    print("\n(apart: n) = Malay↔Indonesian and Latin-script Serbian↔Croatian↔Bosnian confusions, taken out of "
          "the bucket and counted beside it; short % (siblings right) counts them as right instead. Peak RSS Δ = "
          "the process's peak RSS after loading the model and detecting every text, minus its RSS before "
          "loading. load CPU s: the first detect() (imports and model load) in a process with an empty language-table "
          "cache; cached: the same in the next process, which maps the tables the first one wrote. paragraphs/s: cleaner.detect_language "
          "over the paragraph bucket, warm, per CPU second, best of 3 passes.\n")
    for spec, res in results.items():
        print("\n".join(language_table(spec, res["scores"], langs)) + "\n")


if __name__ == "__main__":
    main()
