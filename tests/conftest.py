"""Shared fixtures: paths to ../shared (absent in a bare clone) and the project's own files."""
from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SEEDS = SHARED / "seeds"
DATASETS = SHARED / "datasets"
EXAMPLE = ROOT / "examples" / "sample_article.html"


def shared_file(relative: str) -> Path:
    """A file under ../shared, or skip the test saying what is missing."""
    path = SHARED / relative
    if not path.is_file():
        pytest.skip(f"../shared not available ({path} is missing): this test needs the project's shared data")
    return path


@pytest.fixture(scope="session")
def cleaner_default():
    import cleaner
    return cleaner.default_cleaner()


@pytest.fixture(scope="session", autouse=True)
def private_cache_dir(tmp_path_factory):
    """Tests (and the commands they start) cache the language tables in a directory of their own."""
    import os
    old = os.environ.get("NEWSBODY_CACHE_DIR")
    os.environ["NEWSBODY_CACHE_DIR"] = str(tmp_path_factory.mktemp("newsbody-cache"))
    yield
    if old is None:
        del os.environ["NEWSBODY_CACHE_DIR"]
    else:
        os.environ["NEWSBODY_CACHE_DIR"] = old
