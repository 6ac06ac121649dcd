"""Site adaptation: label a few pages of one site, retrain with `--base default`, score the site's other pages.

The labels are what a user would save with `newsbody review`, made here from the data set's true body
(each paragraph labelled by the alignment rule of classifier/align.py) and written in the corpus format
by the same code review uses. Then

    newsbody train --base default --data LABELS -o MODEL        (about 10 min of 2 cores)

and the shipped model and the retrained one are scored on the site's other pages (shingle P/R/F1 and
paragraph P/R/F1, `newsbody evaluate`'s figures). --control also retrains the base recipe without the
labels, so that what the labels bring is told apart from what retraining alone changes.

    python bench/site_adaptation.py                      # blogs.wsj.com from cleanportaleval's dev split
    python bench/site_adaptation.py --host tv.msnbc.com --labelled 2 --control
"""
from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from classifier.align import label_paragraphs  # noqa: E402
from cleaner.api import Cleaner, segment  # noqa: E402
from cleaner.corpus_format import record_problems  # noqa: E402
from cleaner.evaluate import evaluate_file, format_table  # noqa: E402
from cleaner.labels import Label, next_id, page_record, write_labels  # noqa: E402

DEFAULT_DATASET = ROOT.parent / "shared" / "datasets" / "cleanportaleval" / "dev.jsonl.gz"
MIN_PAGES = 5


def pages_by_host(path: Path) -> dict[str, list[dict]]:
    """The data set's records grouped by their URL's host, in file order."""
    groups: dict[str, list[dict]] = defaultdict(list)
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            rec = json.loads(line)
            host = urlparse(rec.get("url") or "").netloc
            if host:
                groups[host].append(rec)
    return groups


def gold_record(rec: dict, records: list[dict]) -> dict:
    """One page labelled from its true body, as `newsbody review` would save it."""
    seg = segment(rec["html"], kind="html")
    gold = label_paragraphs([p.text for p in seg.paragraphs], rec["body"] or "", title=seg.title_hint)
    labels = [Label(g, "other" if g == "boilerplate" else None) for g in gold]
    record = page_record(rec["html"], "html", seg.language, seg.paragraphs, labels,
                         next_id(records, seg.language, "html"), notes=f"gold labels of {rec['url']}")
    problems = record_problems(record)
    if problems:
        raise SystemExit(f"{rec['id']}: the labels record is not in the corpus format: {problems[0]}")
    return record


def train(out: Path, labels: list[Path], log: Path) -> float:
    """`newsbody train --base default` with these label files; returns the seconds it took."""
    cmd = [sys.executable, "-m", "cleaner.cli", "train", "--base", "default", "-o", str(out)]
    if labels:
        cmd += ["--data", *map(str, labels)]
    t0 = time.time()
    with open(log, "w") as f:
        subprocess.run(cmd, cwd=ROOT, check=True, stderr=f)
    return time.time() - t0


def main() -> None:
    """Build the labels, train, score before and after."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dataset", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--host", default="blogs.wsj.com", help="the site (URL host) to adapt to")
    ap.add_argument("--labelled", type=int, default=2, help="how many of its pages are labelled (the first ones)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "site_adaptation")
    ap.add_argument("--control", action="store_true", help="also retrain the base recipe without the labels")
    ap.add_argument("--reuse", action="store_true", help="reuse models already trained in --out")
    args = ap.parse_args()

    groups = pages_by_host(args.dataset)
    print("hosts with at least 5 pages:", ", ".join(f"{h} ({len(p)})" for h, p in groups.items() if len(p) >= MIN_PAGES))
    site = groups.get(args.host, [])
    if len(site) < max(MIN_PAGES, args.labelled + 1):
        raise SystemExit(f"{args.host} has {len(site)} pages in {args.dataset}; pick a host with at least {MIN_PAGES}")
    args.out.mkdir(parents=True, exist_ok=True)
    labelled, others = site[:args.labelled], site[args.labelled:]
    records: list[dict] = []
    for rec in labelled:
        records.append(gold_record(rec, records))
    labels_path, others_path = args.out / "labels.jsonl", args.out / "others.jsonl"
    write_labels(labels_path, records)
    with open(others_path, "w", encoding="utf-8") as f:
        for rec in others:
            f.write(json.dumps({k: rec[k] for k in ("id", "url", "html", "body")}, ensure_ascii=False) + "\n")
    print(f"{args.host}: labelled {', '.join(r['id'] for r in labelled)} "
          f"({sum(len(r['paragraphs']) for r in records)} paragraphs); scored on the other {len(others)} pages")

    models = {"shipped model": None}
    runs = [("retrained with the labels", "site.joblib", [labels_path])]
    if args.control:
        runs.insert(0, ("retrained without the labels (control)", "control.joblib", []))
    for name, file, data in runs:
        out = args.out / file
        if not (args.reuse and out.is_file()):
            seconds = train(out, data, args.out / f"{out.stem}.log")
            print(f"trained {out} in {seconds:.0f} s")
        models[name] = out
    rows = []
    for name, model in models.items():
        cleaner = Cleaner(model)
        for path, what in ((others_path, "other pages"), (labels_path, "labelled pages")):
            row = evaluate_file(cleaner, path).row()
            rows.append({"model": name, "pages": f"{what} ({row['pages']})", **{k: row[k] for k in
                         ("P", "R", "F1", "para_P", "para_R", "para_F1")}})
    print(format_table(rows))


if __name__ == "__main__":
    main()
