"""Time and memory of clean() on pathological pages, each in a fresh process (issue "Robustness").

Usage: python bench/robustness.py [--case NAME ...] [--markdown FILE]
Builds each input in a child process (nothing big is stored in the repository), loads the
default Cleaner, then cleans the page once and reports wall and CPU seconds of that call, the
process's RSS before the call and its peak RSS (ru_maxrss: input, model and cleaning together),
and the outcome: a Result (paragraphs kept / found) or the named error and the start of its
message. Prints a Markdown table. tests/test_pathological.py cleans the same inputs (CASES) and
checks what comes back; this script is where the bounds in the README are measured.
"""
from __future__ import annotations

import argparse
import base64
import gzip
import json
import os
import random
import resource
import struct
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ARTICLE = [
    "The city council voted on Tuesday to keep the central library open until nine in the evening on "
    "weekdays, after a petition signed by more than four thousand residents asked for longer hours.",
    "Supporters said students and shift workers had few quiet places to read after work, and that the "
    "reading rooms were often full by the late afternoon during the examination season.",
    "The extra hours will cost about two hundred thousand euros a year, which the council plans to cover "
    "by postponing the renovation of the municipal car park until the next budget.",
    "Opponents on the council argued that the money would be better spent on the branch libraries in the "
    "outer districts, several of which now open only three days a week.",
    "The new opening hours start in September and will be reviewed after one year, when the library must "
    "report how many people used the reading rooms in the evening.",
]
ARTICLE_HTML = ("<html><head><title>Library to stay open late</title></head><body><article>"
                "<h1>Library to stay open late</h1>" + "".join(f"<p>{p}</p>" for p in ARTICLE) + "</article>")
RU_PARAGRAPH = "<p>Городской совет во вторник проголосовал за продление часов работы библиотеки.</p>"
PARAGRAPH = "<p>The council voted on Tuesday to extend the opening hours of the library into the evening.</p>"
MB = 1_000_000


def png() -> bytes:
    """A valid 64x64 RGB PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    rows = b"".join(b"\x00" + bytes((x * 4) % 256 for x in range(64 * 3)) for _ in range(64))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 64, 64, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def dense_page(size: int) -> str:
    """`size` characters of short body paragraphs (about 90 bytes each)."""
    return "<html><body>" + PARAGRAPH * (size // len(PARAGRAPH)) + "</body></html>"


def heavy_page(size: int) -> str:
    """The article plus `size` characters of what bloats real pages: inline state, styles, data-URI images."""
    third = size // 3
    state = '<script>window.__STATE__ = {"items": [' + '{"id": 1, "title": "x"},' * (third // 25) + "]};</script>"
    style = "<style>" + ".c{color:#123456;margin:0 auto}" * (third // 32) + "</style>"
    pixels = base64.b64encode(random.Random(1).randbytes(third * 3 // 4)).decode()
    image = f'<img src="data:image/png;base64,{pixels}">'
    return ARTICLE_HTML.replace("</title></head>", "</title>" + state + style + "</head>") + image + "</body></html>"


def controls_page() -> str:
    return ("<html><body>" + "".join(
        f"<p>{p[:40]}\x00{p[40:80]}\ud800{p[80:120]}\x85\x9f\x80{p[120:]}\udfff</p>" for p in ARTICLE)
        + "<p>\x00\x01\x02\x1b\x7f</p></body></html>")


def rtl_ltr_page() -> str:
    return ("<html dir='rtl'><body><article>"
            "<p>صوّت مجلس المدينة يوم الثلاثاء على إبقاء المكتبة المركزية مفتوحة حتى التاسعة مساءً (until 9 pm) "
            "بعد عريضة وقّعها أكثر من 4000 من السكان.</p>"
            "<p>המועצה הצביעה ביום שלישי להאריך את שעות הפתיחה של הספרייה, \u202bכך נמסר\u202c from the council "
            "\u2067בהודעה רשמית\u2069 on Tuesday.</p>"
            f"<p dir='ltr'>{ARTICLE[0]}</p>"
            "<p>مرحبا Hello שלום 123 مرحبا\u200f Hello\u200e שלום</p></article></body></html>")


@dataclass(frozen=True)
class Case:
    """One pathological input: how to build it and the Cleaner options to clean it with."""

    description: str
    build: Callable[[], Any]
    options: dict = field(default_factory=dict)


CASES: dict[str, Case] = {
    "empty": Case("empty page (baseline: model loaded, nothing to clean)", lambda: ""),
    "article": Case("ordinary article (5 paragraphs)", lambda: ARTICLE_HTML + "</body></html>"),
    "20mb_default_limit": Case("20 MB page of paragraphs, default max_bytes", lambda: dense_page(20 * MB).encode()),
    "20mb_heavy": Case("20 MB page: article + inline state, styles, data-URI image; max_bytes=25 MB",
                       lambda: heavy_page(20 * MB).encode(), {"max_bytes": 25 * MB}),
    "20mb_dense": Case(f"20 MB page of {20 * MB // len(PARAGRAPH):,} paragraphs, max_bytes=25 MB",
                       lambda: dense_page(20 * MB).encode(),
                       {"max_bytes": 25 * MB}),
    "nested_divs_100k": Case("100,000 nested <div>s around five paragraphs",
                             lambda: "<html><body>" + "<div>" * 100_000 + ARTICLE_HTML[ARTICLE_HTML.index("<p>"):]
                             + "</div>" * 100_000 + "</body></html>"),
    "nested_lists_100k": Case("50,000 nested <ul><li> pairs (100,000 elements)",
                              lambda: "<html><body>" + "<ul><li>" * 50_000 + "".join(f"<p>{p}</p>" for p in ARTICLE)
                              + "</li></ul>" * 50_000 + "</body></html>"),
    "paragraphs_200k": Case("200,000 paragraphs", lambda: "<html><body>" + "".join(
        f"<p>Paragraph {i} of a page that never ends.</p>" for i in range(200_000)) + "</body></html>"),
    "paragraphs_100k": Case("100,000 paragraphs of 96 bytes: the paragraph limit, the largest page cleaned",
                            lambda: dense_page(100_000 * len(PARAGRAPH) + 10)),
    "tiny_paragraphs_10mb": Case("10 MB of <p>a</p> (1.25 million tiny paragraphs)",
                                 lambda: "<html><body>" + "<p>a</p>" * (10 * MB // 8 - 4) + "</body></html>"),
    "text_paragraphs_10mb": Case("10 MB of plain text, one letter per paragraph",
                                 lambda: "a\n\n" * (10 * MB // 3 - 1)),
    "one_paragraph_5mb": Case("a single 5 MB paragraph without spaces",
                              lambda: "<html><body><p>" + "abcdefghij" * (5 * MB // 10) + "</p></body></html>"),
    "one_paragraph_10mb_text": Case("10 MB plain text without spaces or newlines", lambda: "x" * (10 * MB - 1)),
    "controls": Case("NUL bytes, lone surrogates and C1 controls in a str", controls_page),
    "nul_bytes": Case("UTF-8 bytes with NUL bytes between words",
                      lambda: (ARTICLE_HTML + "</body></html>").replace(" ", " \x00").encode()),
    "unclosed": Case("unclosed tags and an unclosed comment",
                     lambda: "<html><body><div><p>" + ARTICLE[0] + "<p><b><i>" + ARTICLE[1] + "<table><tr><td>"
                     + ARTICLE[2] + "<!-- a comment that never ends <p>hidden"),
    "script_with_p": Case("<script> containing </p>",
                          lambda: ARTICLE_HTML.replace("</h1>", "</h1><script>var s = '</p><p>not text</p>';</script>")
                          + "</body></html>"),
    "rtl_ltr": Case("a page mixing Arabic, Hebrew and English, with bidi controls", rtl_ltr_page),
    "png": Case("a PNG image", png),
    "gzip": Case("a gzip stream of an HTML page", lambda: gzip.compress((ARTICLE_HTML + "</body></html>").encode())),
    "random_bytes_1mb": Case("1 MB of random bytes", lambda: random.Random(0).randbytes(MB)),
    "cp1251_undeclared_5mb": Case("5 MB cp1251 page without a declared charset", lambda: (
        "<html><body>" + RU_PARAGRAPH * (5 * MB // len(RU_PARAGRAPH)) + "</body></html>").encode("cp1251")),
    "utf16_no_bom_5mb": Case("5 MB UTF-16-LE page without a BOM",
                             lambda: dense_page(5 * MB // 2).encode("utf-16-le")),
}


def _rss_now_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def run_case(name: str) -> dict:
    """Build one case, clean it once, and measure (runs in the child process)."""
    import cleaner
    from cleaner.errors import NewsbodyError

    case = CASES[name]
    c = cleaner.Cleaner(**case.options)
    page = case.build()
    size = len(page)
    rss_before = _rss_now_mb()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        r = c.clean(page)
        outcome = f"Result: {len(r.kept):,} of {len(r.paragraphs):,} paragraphs kept"
    except NewsbodyError as e:
        outcome = f"{type(e).__name__}: {str(e)[:90]}…"
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 / 1e6  # ru_maxrss is in KiB on Linux
    return {"case": name, "size": size, "unit": "bytes" if isinstance(page, bytes) else "chars",
            "wall_s": round(wall, 2), "cpu_s": round(cpu, 2), "rss_before_mb": round(rss_before),
            "peak_rss_mb": round(peak), "outcome": outcome}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--case", action="append", choices=sorted(CASES), help="run only these cases")
    ap.add_argument("--markdown", type=Path, help="also write the table to this file")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(run_case(args.child)))
        return 0
    names = args.case or list(CASES)
    env = dict(os.environ, OMP_NUM_THREADS="1")
    lines = [f"Python {sys.version.split()[0]}, {os.cpu_count()} cores; each case in a fresh process; time and "
             "CPU of the clean() call; peak RSS of the whole process (Python, model, input, cleaning).", "",
             "| case | input | wall s | CPU s | RSS before MB | peak RSS MB | outcome |",
             "|---|---|---|---|---|---|---|"]
    print("\n".join(lines), flush=True)
    failed = 0
    for name in names:
        proc = subprocess.run([sys.executable, __file__, "--child", name], capture_output=True, text=True, env=env)
        if proc.returncode != 0:
            failed += 1
            row = f"| {name} | | | | | | CRASH (exit {proc.returncode}): {proc.stderr.strip()[-200:]} |"
        else:
            m = json.loads(proc.stdout.strip().splitlines()[-1])
            row = (f"| {name}: {CASES[name].description} | {m['size']:,} {m['unit']} | {m['wall_s']} | {m['cpu_s']} | "
                   f"{m['rss_before_mb']} | {m['peak_rss_mb']} | {m['outcome'].replace('|', '/')} |")
        lines.append(row)
        print(row, flush=True)
    if args.markdown:
        args.markdown.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
