"""An on-disk cache of named numpy arrays, keyed by what they were built from, read back memory-mapped.

Building py3langid's tables from its compressed model costs ~0.5 s per process; reading them back from
plain .npy files costs a few milliseconds, and processes on one machine (Ray or multiprocessing workers,
repeated CLI runs) share the mapped pages instead of each holding a private copy.

Where: $NEWSBODY_CACHE_DIR, else $XDG_CACHE_HOME/newsbody, else ~/.cache/newsbody. NEWSBODY_CACHE_DIR=""
turns the cache off. A cache that cannot be written or read is never an error: the arrays are built in
memory as without a cache (logged at DEBUG level). An entry whose files are missing, truncated or of the
wrong shape is rebuilt. The files' contents are not hashed on every load (that would cost what the cache
saves); a changed source gives a new key, and so a new entry. `newsbody cache` lists, builds and clears it.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any, Callable, Optional

import numpy as np

log = logging.getLogger(__name__)

CACHE_ENV = "NEWSBODY_CACHE_DIR"
# Bump when what an entry holds changes meaning: older entries then simply stop matching.
FORMAT = 1
_MANIFEST = "manifest.json"
# A staging directory this old was left by a process that died while writing: no writer takes this long.
ABANDONED_SECONDS = 3600

Built = tuple[dict[str, np.ndarray], dict[str, Any]]


def cache_dir() -> Optional[Path]:
    """The directory cache entries live in, or None: turned off, or no home directory to put it in."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen is not None:
        return Path(chosen).expanduser() if chosen.strip() else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        home = os.path.expanduser("~")
        if home.startswith("~"):    # no home directory to be found: no cache, rather than a "~" folder here
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "newsbody"


def entry_key(*parts: Any) -> str:
    """A short hex key for these parts (bytes are hashed as they are, anything else as its JSON)."""
    digest = hashlib.sha256(f"format {FORMAT}".encode())
    for part in parts:
        digest.update(part if isinstance(part, bytes) else json.dumps(part, sort_keys=True).encode())
        digest.update(b"\0")
    return digest.hexdigest()[:20]


def entry_path(name: str, key: str) -> Optional[Path]:
    """Where the entry name-key lives (None when the cache is off); it may not exist yet."""
    root = cache_dir()
    return None if root is None else root / f"{name}-{key}"


def is_cached(name: str, key: str) -> bool:
    """Whether a complete entry name-key is in the cache."""
    entry = entry_path(name, key)
    return entry is not None and _read(entry, key) is not None


def entries(name: str) -> list[tuple[Path, int, dict[str, Any]]]:
    """(directory, bytes on disk, metadata) of each complete entry of this name, by directory name."""
    root = cache_dir()
    found = []
    for entry in sorted(root.glob(f"{name}-*")) if root is not None and root.is_dir() else []:
        try:
            manifest = json.loads((entry / _MANIFEST).read_text(encoding="utf-8"))
            size = sum(f.stat().st_size for f in entry.iterdir())
        except (OSError, ValueError):
            continue
        found.append((entry, size, manifest.get("meta", {})))
    return found


def clear(name: str) -> list[Path]:
    """Delete every entry of this name, finished or half-written; return what was deleted.

    Only directories this module names are touched: the cache directory may be shared with other files."""
    root = cache_dir()
    if root is None or not root.is_dir():
        return []
    removed = []
    for entry in sorted([*root.glob(f"{name}-*"), *root.glob(f".{name}-*")]):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def cached_arrays(name: str, key: str, build: Callable[[], Built]) -> Built:
    """The arrays and metadata `build()` returns, from the cache entry name-key when it holds them."""
    entry = entry_path(name, key)
    if entry is None:
        return build()
    root = entry.parent
    found = _read(entry, key)
    if found is not None:
        return found
    arrays, meta = build()
    try:
        _write(entry, key, arrays, meta)
    except OSError as error:
        log.debug("newsbody: not caching %s in %s: %s", name, root, error)
        return arrays, meta
    # Hand back the mapped copy: the freshly built arrays go, and this process shares pages like the next.
    return _read(entry, key) or (arrays, meta)


def _read(entry: Path, key: str) -> Optional[Built]:
    try:
        manifest = json.loads((entry / _MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT or manifest.get("key") != key:
            return None
        arrays = {}
        for name, spec in manifest["arrays"].items():
            mapped = np.load(entry / f"{name}.npy", mmap_mode="r", allow_pickle=False)
            if str(mapped.dtype) != spec["dtype"] or list(mapped.shape) != spec["shape"]:
                return None
            arrays[name] = np.asarray(mapped)    # a plain read-only ndarray over the mapping
        return arrays, manifest["meta"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        log.debug("newsbody: cache entry %s is unreadable (%s); rebuilding it", entry, error)
        return None


def _write(entry: Path, key: str, arrays: dict[str, np.ndarray], meta: dict[str, Any]) -> None:
    entry.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(entry)
    # Written aside and renamed into place: a reader never sees half an entry, and of two processes
    # building the same entry at once one wins and the other discards its copy.
    staging = Path(tempfile.mkdtemp(prefix=f".{entry.name}.", dir=entry.parent))
    try:
        staging.chmod(0o755)    # readable like the files in it (mkdtemp makes it private)
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", np.ascontiguousarray(array), allow_pickle=False)
        manifest = {"format": FORMAT, "key": key, "meta": meta,
                    "arrays": {name: {"dtype": str(array.dtype), "shape": list(array.shape)}
                               for name, array in arrays.items()}}
        (staging / _MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        if entry.exists():      # unreadable (the caller just failed to read it): move it out of the way
            stale = Path(tempfile.mkdtemp(prefix=f".{entry.name}.stale.", dir=entry.parent))
            try:
                os.replace(entry, stale / "old")
            except OSError:
                pass
            shutil.rmtree(stale, ignore_errors=True)
        try:
            os.replace(staging, entry)
        except OSError:
            if not (entry / _MANIFEST).is_file():   # not another process's finished entry: a real failure
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _remove_abandoned(entry: Path) -> None:
    """Delete staging directories of this entry that a killed process left behind (~40 MB each)."""
    now = time.time()
    for leftover in entry.parent.glob(f".{entry.name}.*"):
        try:
            if now - leftover.stat().st_mtime > ABANDONED_SECONDS:
                shutil.rmtree(leftover, ignore_errors=True)
        except OSError:
            pass
