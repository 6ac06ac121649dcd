"""bench/seeds.py: the recipe it trains and the spread table it prints."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from conftest import ROOT

_spec = importlib.util.spec_from_file_location("bench_seeds", ROOT / "bench" / "seeds.py")
seeds = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(seeds)


def test_train_command_is_the_models_readme_recipe_with_the_seed_and_extra_options():
    cmd = seeds.train_command(2, Path("out/seed2.joblib"), ["--pages-per-lang", "120"])
    readme = (ROOT / "models" / "README.md").read_text()
    for name in seeds.TRAIN_SETS:
        assert f"$D/{name}/train.jsonl.gz" in readme
        assert any(arg.endswith(f"{name}/train.jsonl.gz") for arg in cmd)
    assert cmd[cmd.index("--seed") + 1] == "2"
    assert cmd[-2:] == ["--pages-per-lang", "120"]
    options = list(seeds.SHIPPED_OPTIONS)
    assert cmd[-2 - len(options):-2] == options       # an extra option comes after and so wins
    assert " ".join(options) in readme.split("```sh")[1].split("```")[0]
    assert not any(arg.endswith("dev.jsonl.gz") and "langid" not in arg for arg in cmd[:cmd.index("--dev")])


def test_table_gives_each_column_its_mean_and_range():
    rows = {"seed 0": {"dragnet": 0.9, "body": 0.99, "langs missing": 5},
            "seed 1": {"dragnet": 0.8, "body": 0.96, "langs missing": 23}}
    lines = seeds.table(rows)
    mean_row = next(line for line in lines if line.startswith("| **mean**"))
    min_row = next(line for line in lines if line.startswith("| **min**"))
    assert "| 0.8500 |" in mean_row and "| 97.50 |" in mean_row and "| 14 |" in mean_row
    assert "| 0.8000 |" in min_row and "| 96.00 |" in min_row and "| 5 |" in min_row
    assert lines[2].count("–") == len(seeds.DEV_SETS) - 1 + 3   # columns a row lacks are shown as –


def test_several_page_seeds_add_the_lowest_body_recall_column():
    rows = {"seed 0": {"body": 0.99, "lowest body": 0.984, "langs missing": 4.5}}
    header, _, row = seeds.table(rows)[:3]
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert columns.index("lowest body") == columns.index("body") + 1
    assert "| 99.00 | 98.40 |" in row and "| 4.5 |" in row
    assert "lowest body" not in seeds.table({"seed 0": {"body": 0.99}})[0]


def test_each_model_lists_the_languages_that_missed_a_bar_at_each_page_seed(monkeypatch, tmp_path, capsys):
    import cleaner
    import cleaner.multilingual as multilingual

    class Report:
        def __init__(self, seed):
            self.by_body_lang = [{"body_recall": 0.99, "boilerplate_recall": 0.98,
                                  "boilerplate_same_lang_recall": 0.95}]
            self.seed = seed

        def bar_misses(self):
            return {"uk": ["body 0.978 < 0.98"], "it": ["boilerplate 0.943 < 0.95"]} if self.seed == 1 else {}

    monkeypatch.setattr(cleaner, "Cleaner", lambda model: model)
    monkeypatch.setattr(multilingual, "run_multilingual", lambda c, b, p, seed: Report(seed))
    monkeypatch.setattr(seeds, "BODIES", tmp_path / "bodies")
    monkeypatch.setattr(seeds, "BOILERPLATE", tmp_path / "strings")
    for path in (seeds.BODIES, seeds.BOILERPLATE):
        path.write_text("")
    model = tmp_path / "m.joblib"
    model.with_suffix(".json").write_text('{"dev_scores": []}')
    assert seeds.main(["--models", str(model), "--page-seeds", "1", "2"]) == 0
    out = capsys.readouterr().out
    assert f"- {model}: page seed 1: uk body 0.978 < 0.98; it boilerplate 0.943 < 0.95 | page seed 2: none" in out
    assert "| 1 |" in out.split("Languages missing")[0]    # the mean count over the two page seeds
