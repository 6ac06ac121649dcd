"""Ray throughput on 1 and 2 CPUs, and how many nodes 100 million pages a day needs.

    python bench/ray_throughput.py [--pages 500] [--cpus 1,2] [--repeats 2] [--node-cpus 16]

Cleans the same dev pages with cleaner.integrations.ray.clean_dataset on a local Ray started with
1, then 2 CPUs (one actor per CPU), on half the pages and on all of them: the
difference of the wall times gives the marginal rate, without the fixed start-up cost (actors, model
load; the time to the first cleaned batch shows it), and the actor processes report the CPU time they
spend per page (the driver's CPU per page is shown too; Ray's own daemons are not counted). The per-page CPU cost is also measured without Ray
(Cleaner.clean_many, process CPU time). CPU time does not depend on what else runs on the machine;
wall-clock rates do: on a shared machine read them with the load average printed beside them. Each
figure turns into the number of nodes needed for 100 million pages a day.
"""
from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devpages import dev_pages as dev_records  # noqa: E402  (bench/ is the script's directory)
PAGES_PER_DAY = 100_000_000
HEADROOM = 0.7  # run the fleet at most 70% busy: peaks, retries, stragglers, reading and writing


def dev_pages(n: int) -> list[dict]:
    """n pages of the dev splits (langid excepted) in a fixed shuffled order, cycled if there are fewer."""
    pages = dev_records()
    random.Random(0).shuffle(pages)  # so that half the pages cost what the other half does
    return [dict(pages[i % len(pages)], id=f"{i}:{pages[i % len(pages)]['id']}") for i in range(n)]


def cpu_cost(pages: list[dict]) -> float:
    """CPU seconds per page of Cleaner.clean_many in this process (no Ray)."""
    from cleaner import Cleaner
    c = Cleaner()
    start = time.process_time()
    for _ in c.clean_many(pages):
        pass
    return (time.process_time() - start) / len(pages)


def timed_clean_batch():
    """CleanBatch that also reports its actor process's CPU seconds per batch (a `cpu_s` column)."""
    from cleaner.integrations.ray import CleanBatch
    import pyarrow as pa

    class TimedCleanBatch(CleanBatch):
        timed = True

        def __call__(self, batch):
            start = time.process_time()
            out = super().__call__(batch)
            spent = time.process_time() - start
            return out.append_column("cpu_s", pa.array([spent / max(out.num_rows, 1)] * out.num_rows))

    return TimedCleanBatch


def ray_run(pages: list[dict], actors: int, batch_size: int) -> dict:
    """One clean_dataset run over the pages with `actors` actors: wall seconds in all and to the
    first cleaned batch (start-up: actors, model load), and the actors' CPU seconds per page."""
    import ray
    import cleaner.integrations.ray as nb_ray
    if not getattr(nb_ray.CleanBatch, "timed", False):
        nb_ray.CleanBatch = timed_clean_batch()  # clean_dataset itself, with CPU accounting in the actors
    ds = nb_ray.clean_dataset(ray.data.from_items(pages), "html", actors=actors, batch_size=batch_size,
                              keep_page=False)
    start, driver = time.perf_counter(), time.process_time()
    first, rows, cpu = None, 0, 0.0
    for batch in ds.iter_batches(batch_size=None, batch_format="pyarrow"):
        rows += batch.num_rows
        cpu += sum(batch.column("cpu_s").to_pylist())
        first = first or time.perf_counter()
    assert rows == len(pages)
    return {"wall": time.perf_counter() - start, "startup": first - start, "cpu_per_page": cpu / rows,
            "driver_per_page": (time.process_time() - driver) / rows}


def measure(pages: list[dict], cpus: int, repeats: int, batch_size: int) -> dict:
    """Ray started with this many CPUs, one actor each, on half the pages and on all of them: the
    difference of the best wall times gives the rate without the fixed start-up cost."""
    import ray
    ray.init(num_cpus=cpus, include_dashboard=False, log_to_driver=False,
             runtime_env={"env_vars": {"PYTHONPATH": str(ROOT)}})
    ray.data.DataContext.get_current().enable_progress_bars = False
    half = pages[: len(pages) // 2]
    runs: dict[int, list[dict]] = {len(half): [], len(pages): []}
    loads = []
    try:
        for _ in range(repeats):
            for subset in (half, pages):
                runs[len(subset)].append(ray_run(subset, cpus, batch_size))
                loads.append(os.getloadavg()[0])
    finally:
        ray.shutdown()
    best = {n: min(r["wall"] for r in rs) for n, rs in runs.items()}
    every = [r for rs in runs.values() for r in rs]
    return {"cpus": cpus, "pages": len(pages), "walls": [r["wall"] for r in runs[len(pages)]],
            "half_walls": [r["wall"] for r in runs[len(half)]],
            "startup": statistics.median(r["startup"] for r in every),
            "rate": len(pages) / best[len(pages)],
            "steady_rate": (len(pages) - len(half)) / max(best[len(pages)] - best[len(half)], 1e-9),
            "cpu_per_page": statistics.median(r["cpu_per_page"] for r in every),
            "driver_per_page": statistics.median(r["driver_per_page"] for r in every), "load": statistics.mean(loads)}


def nodes_needed(rate_per_cpu: float, node_cpus: int) -> tuple[float, int]:
    """(CPUs busy all day, nodes of node_cpus CPUs with headroom) for PAGES_PER_DAY."""
    cpus = PAGES_PER_DAY / 86_400 / rate_per_cpu
    return cpus, math.ceil(cpus / (node_cpus * HEADROOM))


def report(cost: float, runs: list[dict], node_cpus: int) -> str:
    """The Markdown the results section shows."""
    lines = ["| CPUs (actors) | pages | wall s, half the pages | wall s, all | to 1st batch s | pages/s (all) | "
             "marginal pages/s | marginal per CPU | actor CPU ms/page | driver CPU ms/page | load avg |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r['cpus']} | {r['pages']} | {', '.join(f'{w:.1f}' for w in r['half_walls'])} | "
                     f"{', '.join(f'{w:.1f}' for w in r['walls'])} | {r['startup']:.1f} | "
                     f"{r['rate']:.1f} | {r['steady_rate']:.1f} | {r['steady_rate'] / r['cpus']:.1f} | "
                     f"{r['cpu_per_page'] * 1000:.1f} | {r['driver_per_page'] * 1000:.1f} | {r['load']:.1f} |")
    if len(runs) > 1:
        base = runs[0]["steady_rate"] / runs[0]["cpus"]
        lines.append(f"\nScaling {runs[0]['cpus']}→{runs[-1]['cpus']} CPUs: marginal rate x"
                     f"{runs[-1]['steady_rate'] / runs[0]['steady_rate']:.2f} "
                     f"(per-CPU efficiency {runs[-1]['steady_rate'] / runs[-1]['cpus'] / base:.0%}).")
    need = PAGES_PER_DAY / 86_400
    lines.append(f"\nPer-page CPU cost without Ray (Cleaner.clean_many, process CPU time): {cost * 1000:.1f} ms "
                 f"= {1 / cost:.1f} pages/s per CPU.")
    lines.append(f"\n100 million pages a day = {need:.0f} pages/s. Nodes of {node_cpus} CPUs at most "
                 f"{HEADROOM:.0%} busy:")
    sources = [("CPU cost without Ray", 1 / cost)]
    sources += [(f"actor CPU cost in Ray, {r['cpus']} CPU", 1 / r["cpu_per_page"]) for r in runs]
    sources += [(f"Ray wall-clock marginal rate, {r['cpus']} CPU", r["steady_rate"] / r["cpus"]) for r in runs]
    for label, rate in sources:
        cpus, nodes = nodes_needed(rate, node_cpus)
        lines.append(f"- from {label} ({rate:.1f} pages/s/CPU): {need:.0f} / {rate:.1f} = {cpus:.0f} CPUs "
                     f"busy all day → {cpus:.0f} / ({node_cpus} × {HEADROOM}) → **{nodes} nodes**")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=500)
    ap.add_argument("--cpus", default="1,2", help="comma-separated CPU counts to start Ray with")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--node-cpus", type=int, default=16, help="CPUs per node of the cluster to size")
    args = ap.parse_args()
    pages = dev_pages(args.pages)
    started = time.perf_counter()
    cost = cpu_cost(pages)
    runs = [measure(pages, int(c), args.repeats, args.batch_size) for c in args.cpus.split(",")]
    print(f"### Ray throughput — {args.pages} dev pages, batch {args.batch_size}, {os.cpu_count()} cores, "
          f"{time.perf_counter() - started:.0f} s\n")
    print(report(cost, runs, args.node_cpus))


if __name__ == "__main__":
    main()
