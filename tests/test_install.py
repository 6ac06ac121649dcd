"""The installed package works from any directory: the shipped model travels with it."""
from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import EXAMPLE


def test_installed_package_cleans_a_page_from_outside_the_checkout(tmp_path):
    probe = subprocess.run([sys.executable, "-c", "import cleaner, sys; print(cleaner.__file__)"],
                           cwd=tmp_path, capture_output=True, text=True)
    if probe.returncode != 0:
        pytest.skip("newsbody is not installed in this interpreter (pip install . first); CI installs it")
    page = tmp_path / "page.html"
    page.write_bytes(EXAMPLE.read_bytes())
    out = subprocess.run([sys.executable, "-c",
                          "import cleaner; print(cleaner.clean(open('page.html', encoding='utf-8').read()).text)"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "An overnight sleeper train will run" in out.stdout
    assert "site-packages" in probe.stdout
