"""Batch cleaning at scale: nothing lost, errors recorded, resume after SIGKILL, workers speed-up.

    python bench/batch.py [--pages 2000] [--speed-pages 1000] [--skip-speed]

Builds a JSON Lines file of dev pages (cycled, each copy with its own id) with 20 broken records
mixed in (binary garbage, invalid UTF-8, empty, 20 MB of nested divs, a missing field), runs
`newsbody clean` over it and checks: one output line per record, the broken ones with an error,
the rest identical to cleaning each page alone; a run killed halfway and resumed gives every id
once; and --workers 2 against --workers 1 on the same pages (wall time, same run).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from devpages import dev_pages  # noqa: E402  (bench/ is the script's directory)
BROKEN_KINDS = ("binary garbage", "invalid UTF-8", "empty", "20 MB of nested divs", "missing field")


def broken_record(kind: str, n: int) -> bytes:
    rid = f"broken-{n}"
    if kind == "binary garbage":
        return os.urandom(2000).replace(b"\n", b" ") + b"\n"
    if kind == "invalid UTF-8":
        return b'{"id": "' + rid.encode() + b'", "html": "<p>caf\xe9 \xff\xfe\xfd</p>"}\n'
    if kind == "empty":
        return json.dumps({"id": rid, "html": ""}).encode() + b"\n"
    if kind == "20 MB of nested divs":
        return json.dumps({"id": rid, "html": "<div>" * 4_000_000}).encode() + b"\n"
    return json.dumps({"id": rid, "url": "https://example.org/" + rid}).encode() + b"\n"


def build_input(path: Path, n_pages: int, n_broken: int = 20) -> list[dict]:
    """Write n_pages lines, n_broken of them broken, spread evenly; returns the good pages."""
    pages, good = dev_pages(), []
    every = n_pages // n_broken
    source = itertools.cycle(pages)
    with open(path, "wb") as f:
        for i in range(n_pages):
            if i % every == every // 2 and i // every < n_broken:
                f.write(broken_record(BROKEN_KINDS[(i // every) % len(BROKEN_KINDS)], i))
                continue
            page = dict(next(source))
            page["id"] = f"{page['id']}#{i}"
            good.append(page)
            f.write(json.dumps(page, ensure_ascii=False).encode() + b"\n")
    return good


def newsbody(*args: str) -> list[str]:
    return [sys.executable, "-m", "cleaner.cli", "clean", *args, "--output-format", "jsonl", "--quiet"]


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def check_complete(src: Path, good: list[dict], n_lines: int, out: Path) -> None:
    t0 = time.monotonic()
    proc = subprocess.run(newsbody(str(src), "-o", str(out)), cwd=ROOT, capture_output=True)
    wall = time.monotonic() - t0
    lines = read_lines(out)
    errors = [d for d in lines if d.get("error")]
    print(f"## One run over {n_lines} records (default workers, {wall:.1f} s wall, exit {proc.returncode})")
    print(f"- output lines: {len(lines)}; with an error: {len(errors)}")
    for d in errors[:5]:
        print(f"  - {d['id']}: {d['error'][:110]}")
    from cleaner import Cleaner
    cleaner, same = Cleaner(), 0
    by_id = {d["id"]: d for d in lines}
    for page in good:
        alone = cleaner.clean(page["html"], url=page["url"]).to_dict(paragraphs=False)
        got = {k: v for k, v in by_id.get(page["id"], {}).items() if k != "id"}
        same += got == alone
    print(f"- good records identical to cleaning the page alone: {same} of {len(good)}")


def check_resume(src: Path, n_lines: int, out: Path) -> None:
    proc = subprocess.Popen(newsbody(str(src), "-o", str(out)), cwd=ROOT, stderr=subprocess.DEVNULL)
    while proc.poll() is None and (not out.exists() or out.read_bytes().count(b"\n") < n_lines // 2):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    before = out.read_bytes().count(b"\n")
    subprocess.run(newsbody(str(src), "-o", str(out), "--resume"), cwd=ROOT, check=True)
    ids = [d["id"] for d in read_lines(out)]
    print(f"\n## SIGKILL after {before} of {n_lines} lines, then --resume")
    print(f"- output lines: {len(ids)}; distinct ids: {len(set(ids))}")


def check_speed(src: Path, n_pages: int, tmp: Path) -> None:
    small = tmp / "speed.jsonl"
    with open(src, "rb") as f, open(small, "wb") as g:
        good = (line for line in f if line.startswith(b'{"id": "') and b'"broken-' not in line[:40])
        g.writelines(itertools.islice(good, n_pages))
    lines = small.read_bytes().count(b"\n")
    print(f"\n## --workers 1 vs 2 on {lines} pages (wall seconds, alternating, best of 2)")
    walls: dict[int, list[float]] = {1: [], 2: []}
    for _ in range(2):
        for w in (1, 2):
            t0 = time.monotonic()
            subprocess.run(newsbody(str(small), "-o", str(tmp / f"w{w}.jsonl"), "--workers", str(w)), cwd=ROOT,
                           check=True)
            walls[w].append(time.monotonic() - t0)
    one, two = min(walls[1]), min(walls[2])
    print(f"| workers | wall s | pages/s |\n|---|---|---|\n| 1 | {one:.1f} | {lines / one:.1f} |\n"
          f"| 2 | {two:.1f} | {lines / two:.1f} |")
    print(f"- speed-up: {one / two:.2f}x (cores: {os.cpu_count()})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--speed-pages", type=int, default=1000)
    ap.add_argument("--skip-speed", action="store_true")
    ap.add_argument("--only-speed", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        src = tmp / "pages.jsonl"
        good = build_input(src, args.pages)
        if not args.only_speed:
            check_complete(src, good, args.pages, tmp / "out.jsonl")
            check_resume(src, args.pages, tmp / "resumed.jsonl")
        if not args.skip_speed:
            check_speed(src, args.speed_pages, tmp)


if __name__ == "__main__":
    main()
