"""The newsbody command as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys

from conftest import EXAMPLE, ROOT, shared_file


def run(*args, stdin: bytes | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "cleaner.cli", *args], cwd=ROOT, input=stdin,
                          capture_output=True, timeout=300)


def test_clean_prints_the_body_text():
    out = run("clean", str(EXAMPLE))
    assert out.returncode == 0, out.stderr
    text = out.stdout.decode()
    assert "An overnight sleeper train will run" in text
    assert "Wir verwenden Cookies" not in text


def test_clean_reads_stdin_and_prints_json_with_every_paragraph():
    out = run("clean", "-", "--output-format", "json", stdin=EXAMPLE.read_bytes())
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["language"] == "en" and data["title"]
    assert {"text", "lang", "p_body", "keep", "reason"} <= set(data["paragraphs"][0])
    assert any(not p["keep"] and p["reason"].startswith("boilerplate") for p in data["paragraphs"])


def test_missing_file_is_a_clear_error_not_a_traceback():
    out = run("clean", "no-such-page.html")
    assert out.returncode != 0
    err = out.stderr.decode()
    assert "no such file" in err and "Traceback" not in err


def test_evaluate_prints_scores_per_dataset():
    path = shared_file("datasets/l3s_gn1/dev.jsonl.gz")
    out = run("evaluate", str(path), "--limit", "5", "--output-format", "json")
    assert out.returncode == 0, out.stderr
    row = json.loads(out.stdout)[0]
    assert row["dataset"] == "l3s_gn1/dev" and row["pages"] == 5
    assert 0.5 < row["F1"] <= 1.0 and 0.0 < row["para_F1"] <= 1.0
