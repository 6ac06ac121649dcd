"""How far a training recipe's results move with the seed: train it with several seeds, score each model.

Usage:
  python bench/seeds.py --out DIR [--seeds 0 1 2] [--jobs 2] [-- EXTRA TRAIN OPTIONS]
  python bench/seeds.py --models A.joblib B.joblib ...      (score models already trained)
  add --page-seeds 1 2 3 to average the held-out figures over three page draws

Trains the shipped model's recipe (models/README.md: every train split under ../shared/datasets,
the project corpus, augmentation from ../shared/resources) once per seed with `newsbody train
--seed S` plus any EXTRA options, then prints one row per model: the dev-split shingle F1 that
`newsbody train --dev` wrote into the model's card, and the held-out multilingual recall of
bench/multilingual.py (body, boilerplate, same-language boilerplate, required languages missing
a bar). The last rows give each column's mean and range; then, per model, which languages missed which bar.

One training run is one draw: the seed decides the augmented pages, the text copies, the
cross-fitting of pages without a group and the solvers' randomness, and held-out figures moved
by several points between draws of the same recipe. Compare recipes by these spreads, not by a
single run each.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from statistics import mean
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared"
DATASETS = SHARED / "datasets"
TRAIN_SETS = ("dragnet", "l3s_gn1", "cleaneval", "newspaper4k_articles", "cleanportaleval", "htmltotext_leogao")
DEV_SETS = ("dragnet", "l3s_gn1", "cleaneval", "newspaper4k_articles", "cleanportaleval")
BOILERPLATE = SHARED / "resources" / "boilerplate_strings.jsonl"
BODIES = DATASETS / "langid" / "dev.jsonl.gz"
# The options models/README.md's command gives beyond the files (tests/test_bench_seeds.py checks both agree).
SHIPPED_OPTIONS = ("--l2", "0.3", "--article-layout", "0.5", "--between-body", "0.5",
                   "--phrases", "corpus/boilerplate_phrases.jsonl")


def train_command(seed: int, output: Path, extra: list[str]) -> list[str]:
    """`newsbody train` with the shipped recipe (models/README.md), this seed and the extra options
    (given after the recipe's, so an extra option overrides the recipe's value).

    Spelled out rather than `--base default`: a base recipe also carries the shipped card's model
    parameters, which would override the defaults of the code being compared."""
    return [sys.executable, "-m", "cleaner.cli", "train",
            "--data", *[str(DATASETS / name / "train.jsonl.gz") for name in TRAIN_SETS],
            "--boilerplate", str(BOILERPLATE), "--body-paragraphs", str(BODIES),
            "-o", str(output), "--seed", str(seed),
            "--dev", *[str(DATASETS / name / "dev.jsonl.gz") for name in DEV_SETS], *SHIPPED_OPTIONS, *extra]


def train(seed: int, out: Path, extra: list[str], threads: Optional[int] = None) -> Path:
    """Train one seed's model into `out` (its log beside it) with at most `threads` OpenMP threads; the model's path."""
    model = out / f"seed{seed}.joblib"
    log = out / f"seed{seed}.log"
    t0 = time.time()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if threads:
        # Trainings side by side must share the cores: more OpenMP threads than cores spin (measured:
        # two 2-thread trainings on 2 cores were still running after 20 minutes; one alone takes 4).
        env["OMP_NUM_THREADS"] = str(threads)
    with open(log, "w") as f:
        done = subprocess.run(train_command(seed, model, extra), cwd=ROOT, stdout=f, stderr=subprocess.STDOUT, env=env)
    if done.returncode != 0:
        raise SystemExit(f"training seed {seed} failed (exit {done.returncode}); see {log}")
    print(f"seed {seed}: trained in {time.time() - t0:.0f} s → {model}", file=sys.stderr)
    return model


def dev_f1(model: Path) -> dict[str, float]:
    """Dev-split shingle F1 from the model's card (written by `newsbody train --dev`)."""
    card = json.loads(model.with_suffix(".json").read_text())
    return {row["dataset"].split("/")[0]: row["F1"] for row in card.get("dev_scores") or []}


def held_out(model: Path, page_seeds: list[int]) -> tuple[dict[str, float], list[str]]:
    """bench/multilingual.py's summary figures for one model, averaged over pages built with these seeds
    (with several, also the lowest body recall among them), and which languages missed a bar at each."""
    from cleaner import Cleaner
    from cleaner.multilingual import run_multilingual
    cleaner = Cleaner(model)
    runs, missed = [], []
    for seed in page_seeds:
        report = run_multilingual(cleaner, BOILERPLATE, BODIES, seed=seed)
        overall = report.by_body_lang[-1]
        misses = report.bar_misses()
        runs.append({"body": overall["body_recall"], "boilerplate": overall["boilerplate_recall"],
                     "same-lang bp": overall["boilerplate_same_lang_recall"], "langs missing": len(misses)})
        missed.append(f"page seed {seed}: " + ("; ".join(f"{lang} {', '.join(why)}" for lang, why in misses.items())
                                               or "none"))
    row = {name: mean(run[name] for run in runs) for name in runs[0]}
    if len(runs) > 1:
        row["lowest body"] = min(run["body"] for run in runs)
    return row, missed


def _cell(value: Optional[float], name: str) -> str:
    if value is None:
        return "–"
    if name == "langs missing":
        return f"{value:.1f}" if value % 1 else f"{value:.0f}"
    return f"{100 * value:.2f}" if name in ("body", "lowest body", "boilerplate", "same-lang bp") else f"{value:.4f}"


def table(rows: dict[str, dict[str, float]]) -> list[str]:
    """One Markdown row per model, then the mean and the range of every column."""
    columns = [*DEV_SETS, "dev macro", "body", "boilerplate", "same-lang bp", "langs missing"]
    if any("lowest body" in row for row in rows.values()):
        columns.insert(columns.index("body") + 1, "lowest body")
    out = ["| model | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for name, row in rows.items():
        out.append(f"| {name} | " + " | ".join(_cell(row.get(c), c) for c in columns) + " |")
    for label, fn in (("mean", mean), ("min", min), ("max", max)):
        cells = []
        for c in columns:
            values = [row[c] for row in rows.values() if row.get(c) is not None]
            cells.append(_cell(fn(values), c) if values else "–")
        out.append(f"| **{label}** | " + " | ".join(cells) + " |")
    return out


def score(model: Path, page_seeds: list[int]) -> tuple[dict[str, float], list[str]]:
    """Dev F1 per split, their macro average and the held-out multilingual figures of one model, and the
    languages that missed a bar at each page seed."""
    row: dict[str, float] = dict(dev_f1(model))
    devs = [row[name] for name in DEV_SETS if name in row]
    if len(devs) == len(DEV_SETS):
        row["dev macro"] = mean(devs)
    figures, missed = held_out(model, page_seeds)
    row.update(figures)
    return row, missed


def main(argv: Optional[list[str]] = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, extra = argv[:cut], argv[cut + 1:]
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, help="folder for the models and training logs")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--jobs", type=int, default=1, help="trainings run at once (they share the cores: each gets cores/jobs OpenMP threads; ~4 GB each)")
    ap.add_argument("--models", type=Path, nargs="+", help="score these models instead of training")
    ap.add_argument("--page-seeds", type=int, nargs="+", default=[1],
                    help="build the held-out pages with each of these seeds and average (default: 1, the "
                         "bench's default; 1 2 3 also prints the lowest body recall)")
    args = ap.parse_args(argv)
    if not BODIES.is_file() or not BOILERPLATE.is_file():
        raise SystemExit(f"needs the shared data beside the checkout: {BODIES} and {BOILERPLATE}")
    if args.models:
        models = {str(m): m for m in args.models}
    else:
        if args.out is None:
            raise SystemExit("give --out DIR for the trained models (or --models to score existing ones)")
        args.out.mkdir(parents=True, exist_ok=True)
        jobs = max(1, args.jobs)
        threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else None
        with ThreadPoolExecutor(jobs) as pool:
            paths = list(pool.map(lambda s: train(s, args.out, extra, threads), args.seeds))
        models = {f"seed {s}": p for s, p in zip(args.seeds, paths)}
    scored = {name: score(path, args.page_seeds) for name, path in models.items()}
    rows = {name: row for name, (row, _) in scored.items()}
    from cleaner.multilingual import DEFAULT_PAGES_PER_LANG
    pages = f"seed {args.page_seeds[0]}" if len(args.page_seeds) == 1 else \
        f"mean over page seeds {' '.join(map(str, args.page_seeds))}"
    print(f"recipe: models/README.md{' + ' + ' '.join(extra) if extra else ''}; held-out: bench/multilingual.py "
          f"({DEFAULT_PAGES_PER_LANG} pages per language, {pages}); dev F1 from each model's card")
    print("\n".join(table(rows)))
    print("\nLanguages missing a bar:")
    for name, (_, missed) in scored.items():
        print(f"- {name}: " + " | ".join(missed))
    return 0


if __name__ == "__main__":
    sys.exit(main())
