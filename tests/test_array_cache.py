"""The on-disk cache of the language tables: same answers, read back instead of rebuilt, never in the way."""
from __future__ import annotations

import numpy as np
import pytest

from cleaner import array_cache
from cleaner.language import Py3LangidBackend

TEXTS = ["The committee approved the budget after a long debate on Tuesday evening.",
         "Bu web sitesi, deneyiminizi geliştirmek için çerezler kullanmaktadır.",
         "Правительство объявило о новых мерах поддержки малого бизнеса.",
         "短文", "ok"]


def _probabilities(backend: Py3LangidBackend) -> list[np.ndarray]:
    tiers = backend._get_model()
    return [tier[0].probabilities(TEXTS) for tier in tiers]


def _entries(root):
    return sorted(p.name for p in root.iterdir() if not p.name.startswith(".")) if root.exists() else []


@pytest.fixture
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv(array_cache.CACHE_ENV, str(tmp_path / "cache"))
    return tmp_path / "cache"


def _no_py3langid(monkeypatch):
    from py3langid.langid import LanguageIdentifier

    def refuse(*args, **kwargs):
        raise AssertionError("the model was rebuilt from py3langid instead of read from the cache")
    monkeypatch.setattr(LanguageIdentifier, "from_model_file", classmethod(refuse))


def test_second_backend_reads_the_cache_and_answers_the_same(cache, monkeypatch):
    built = Py3LangidBackend()
    first = _probabilities(built)
    assert len(_entries(cache)) == 1
    _no_py3langid(monkeypatch)
    again = Py3LangidBackend()
    for a, b in zip(first, _probabilities(again)):
        assert np.array_equal(a, b)
    assert [again.detect(t) for t in TEXTS] == [built.detect(t) for t in TEXTS]


def test_cached_tables_answer_as_the_uncached_ones(cache, monkeypatch):
    cached = _probabilities(Py3LangidBackend())
    monkeypatch.setenv(array_cache.CACHE_ENV, "")
    for a, b in zip(cached, _probabilities(Py3LangidBackend())):
        assert np.array_equal(a, b)


def test_a_truncated_entry_is_rebuilt(cache):
    expected = _probabilities(Py3LangidBackend())
    (entry,) = cache.iterdir()
    table = entry / "ptc.npy"
    whole = table.stat().st_size
    table.write_bytes(table.read_bytes()[: whole // 2])
    for a, b in zip(expected, _probabilities(Py3LangidBackend())):
        assert np.array_equal(a, b)
    assert _entries(cache) == [entry.name]
    assert table.stat().st_size == whole


def test_a_manifest_that_is_not_json_is_rebuilt(cache, monkeypatch):
    Py3LangidBackend()._get_model()
    (entry,) = cache.iterdir()
    (entry / "manifest.json").write_text("{half a manif")
    assert Py3LangidBackend().detect(TEXTS[1])[0] == "tr"
    _no_py3langid(monkeypatch)
    assert Py3LangidBackend().detect(TEXTS[1])[0] == "tr"


def test_an_unusable_cache_dir_is_not_an_error(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setenv(array_cache.CACHE_ENV, str(blocker / "cache"))
    assert Py3LangidBackend().detect(TEXTS[2])[0] == "ru"


def test_empty_setting_turns_the_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv(array_cache.CACHE_ENV, "")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert array_cache.cache_dir() is None
    assert Py3LangidBackend().detect(TEXTS[0])[0] == "en"
    assert list(tmp_path.iterdir()) == []


def test_default_location_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv(array_cache.CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert array_cache.cache_dir() == tmp_path / "newsbody"


def test_no_home_directory_means_no_cache_not_a_tilde_folder(monkeypatch):
    monkeypatch.delenv(array_cache.CACHE_ENV, raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.setattr(array_cache.os.path, "expanduser", lambda path: path)
    assert array_cache.cache_dir() is None


def test_each_candidate_set_has_its_own_entry(cache):
    assert Py3LangidBackend(["en", "tr"]).detect(TEXTS[1])[0] == "tr"
    assert Py3LangidBackend().detect(TEXTS[1])[0] == "tr"
    assert len(_entries(cache)) == 2
    only_two = Py3LangidBackend(["en", "tr"])
    assert only_two._get_model()[0][0].classes == ["en", "tr"]
    assert len(_entries(cache)) == 2
    assert not [p for p in cache.iterdir() if p.name.startswith(".")], "no staging directories left behind"


def test_an_unknown_language_still_fails_with_a_config_error(cache):
    from cleaner.errors import ConfigError
    with pytest.raises(ConfigError, match="no model for"):
        Py3LangidBackend(["en", "qq"])
    assert _entries(cache) == []


def test_cached_arrays_are_read_only_and_the_backend_never_writes_them(cache):
    backend = Py3LangidBackend()
    backend.detect_many(TEXTS)
    scorer = backend._get_model()[0][0]
    assert not scorer.ptc.flags.writeable


def test_a_write_a_killed_process_left_behind_is_removed(cache):
    import os
    import time
    Py3LangidBackend()._get_model()
    (entry,) = cache.iterdir()
    old = cache / f".{entry.name}.abandoned"
    fresh = cache / f".{entry.name}.in-progress"
    for leftover in (old, fresh):
        leftover.mkdir()
        (leftover / "ptc.npy").write_bytes(b"half")
    hours_ago = time.time() - 2 * array_cache.ABANDONED_SECONDS
    os.utime(old, (hours_ago, hours_ago))
    (entry / "manifest.json").unlink()          # the next backend rebuilds, and tidies up as it writes
    assert Py3LangidBackend().detect(TEXTS[0])[0] == "en"
    assert not old.exists()
    assert fresh.exists(), "a staging directory another process may still be writing is left alone"


# --- `newsbody cache` ---------------------------------------------------------------------------

def _cli(capsys, *argv):
    from cleaner.cli import main
    code = main(["cache", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_cache_command_builds_lists_and_clears_only_its_own_entries(cache, capsys, monkeypatch):
    cache.mkdir(parents=True)
    (cache / "notes.txt").write_text("someone else's file")
    code, out, _ = _cli(capsys, "build", "--languages", "en,tr")
    assert code == 0
    assert "(1 entry" in out and "languages: en,tr, 2 model labels" in out
    with monkeypatch.context() as patched:     # built ahead: a backend now reads it
        _no_py3langid(patched)
        assert Py3LangidBackend(["en", "tr"]).detect(TEXTS[1])[0] == "tr"
    code, out, _ = _cli(capsys)
    assert code == 0 and "py3langid-" in out
    code, out, _ = _cli(capsys, "clear")
    assert code == 0 and "removed 1 entry" in out
    assert _entries(cache) == ["notes.txt"]


def test_cache_command_says_when_the_cache_is_off_or_unwritable(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(array_cache.CACHE_ENV, "")
    code, out, _ = _cli(capsys)
    assert code == 0 and "off (NEWSBODY_CACHE_DIR is set to an empty string)" in out
    code, _, err = _cli(capsys, "build")
    assert code == 2 and "cache is off" in err
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv(array_cache.CACHE_ENV, str(blocker / "cache"))
    code, _, err = _cli(capsys, "build", "--languages", "en,tr")
    assert code == 2 and "could not write the language-table cache" in err
    code, _, err = _cli(capsys, "clear", "--languages", "en")
    assert code == 2 and "--languages applies to `newsbody cache build` only" in err
