"""Training: labels from the corpus, a seeded and reproducible model, a complete card."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pytest

import cleaner
from classifier.train import LabelledPage, fit
from cleaner.cli import main
from cleaner.datasets import PageRecord, corpus_labels, labelled_page, read_records
from cleaner.errors import ConfigError

from conftest import ROOT

CORPUS = ROOT / "corpus" / "pages.jsonl"


def _pages(limit=None):
    return [labelled_page(r) for r in read_records(CORPUS, limit)]


def test_corpus_pages_get_every_label_from_the_guide():
    labels = {label for page in _pages() for label in page.labels}
    assert labels == {"body", "title", "meta", "boilerplate"}


def test_corpus_labels_follow_the_hand_labels_by_text():
    paragraphs = cleaner.api.segment("Head line\n\nBody text one. More.\n\nX\nCookie text here.").paragraphs
    labelled = [{"text": "Head line", "label": "title"}, {"text": "Body text one. More.", "label": "body"},
                {"text": "X", "label": "boilerplate"}, {"text": "Cookie text here.", "label": "boilerplate"}]
    assert corpus_labels(paragraphs, labelled) == ["title", "body", "boilerplate", "boilerplate"]


def test_training_is_seeded_and_reproducible():
    pages = _pages(20)
    a, _ = fit(pages, random_state=3, max_iter=10, n_folds=2)
    b, _ = fit(pages, random_state=3, max_iter=10, n_folds=2)
    rows = [p for page in pages for p in page.paragraphs]
    assert np.array_equal(a.predict_proba(rows), b.predict_proba(rows))


def test_sklearn_estimator_contract():
    from sklearn.base import clone
    from classifier.model import BodyClassifier
    model = BodyClassifier(max_iter=7)
    assert clone(model).get_params()["max_iter"] == 7
    assert not hasattr(model, "classes_")


def test_the_text_model_is_averaged_sgd():
    pipe, _ = fit(_pages(20), random_state=3, max_iter=10, n_folds=2)
    model = pipe.steps[-1][1]
    assert model.get_params()["text_average"] is True and model.text_model_.average is True
    assert not hasattr(model.text_model_, "_average_coef")   # partial_fit's copies are not shipped


def test_a_model_saved_before_the_averaged_text_model_keeps_its_plain_one():
    from classifier.model import BodyClassifier
    state = BodyClassifier().__dict__
    del state["text_average"], state["l2_regularization"]
    old = BodyClassifier.__new__(BodyClassifier)
    old.__setstate__(state)
    assert old.get_params()["text_average"] is False and old.get_params()["l2_regularization"] == 0.0


def test_l2_regularisation_reaches_the_trees_and_the_card(tmp_path):
    out = tmp_path / "l2.joblib"
    assert main(["train", "--corpus", str(CORPUS), "--max-iter", "10", "--limit", "20", "-o", str(out),
                 "--l2", "2.5"]) == 0
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["model_params"]["l2_regularization"] == 2.5
    model = cleaner.Cleaner(out).model.steps[-1][1]
    assert model.first_.l2_regularization == 2.5 and model.second_.l2_regularization == 2.5


def test_train_command_writes_a_model_and_card_that_load(tmp_path):
    out = tmp_path / "tiny.joblib"
    assert main(["train", "--corpus", str(CORPUS), "--max-iter", "10", "--limit", "20", "-o", str(out)]) == 0
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["training_data"]["sources"]["corpus/pages"]["pages"] == 20
    assert card["sha256"] and card["labels"]
    result = cleaner.Cleaner(out).clean(ROOT.joinpath("examples", "sample_article.html").read_text())
    assert result.paragraphs


def test_comment_sections_boilerplate_relabels_an_external_sets_readers_comments(tmp_path):
    from test_api import COMMENTED_PAGE, _COMMENT, _STORY
    # as dragnet labels it: the true body holds the story and the readers' comments
    body = "\n".join([_STORY, _STORY.replace("Tuesday", "Monday"), _STORY.replace("river", "old"),
                      _COMMENT, _COMMENT.replace("twenty", "thirty")])
    rec = PageRecord("1", "dragnet/train", {"id": "1", "html": COMMENTED_PAGE, "body": body})

    def labels(**option):
        page = labelled_page(rec, **option)
        return {p.text[:20]: label for p, label in zip(page.paragraphs, page.labels)}

    as_set, as_guide = labels(), labels(comment_sections="boilerplate")
    assert as_set[_COMMENT[:20]] == "body" and as_guide[_COMMENT[:20]] == "boilerplate"
    assert as_set[_STORY[:20]] == as_guide[_STORY[:20]] == "body"
    with pytest.raises(ConfigError, match="comment_sections must be one of dataset, boilerplate"):
        labels(comment_sections="drop")
    out = tmp_path / "m.joblib"
    assert main(["train", "--corpus", str(CORPUS), "--max-iter", "5", "--limit", "5", "-o", str(out),
                 "--comment-sections", "boilerplate"]) == 0
    assert json.loads(out.with_suffix(".json").read_text())["comment_sections"] == "boilerplate"


def test_train_learns_our_news_paragraphs_as_synthetic_page_bodies(tmp_path, capsys):
    out = tmp_path / "news.joblib"
    assert main(["train", "--corpus", str(CORPUS), "--max-iter", "10", "--limit", "10", "-o", str(out),
                 "--boilerplate", str(ROOT / "corpus" / "boilerplate_phrases.jsonl"),
                 "--news", "corpus/news_paragraphs.jsonl", "--pages-per-lang", "3"]) == 0
    assert "1350 news paragraphs in 45 languages" in capsys.readouterr().err
    card = json.loads(out.with_suffix(".json").read_text())
    assert card["augmentation"]["news"] == "corpus/news_paragraphs.jsonl"
    assert card["training_data"]["sources"]["synthetic#text"]["pages"] > 0


def test_a_news_file_that_is_not_there_is_named_in_the_error(tmp_path, capsys):
    code = main(["train", "--corpus", str(CORPUS), "--limit", "2", "-o", str(tmp_path / "m.joblib"),
                 "--boilerplate", str(ROOT / "corpus" / "boilerplate_phrases.jsonl"), "--news", "nowhere.jsonl"])
    assert code != 0
    assert "--news nowhere.jsonl: no such file" in capsys.readouterr().err


def test_cross_fitting_keeps_a_site_and_its_copies_in_one_fold():
    # A site's boilerplate repeats on all its pages: if one page were scored by a text model fitted on
    # its sister pages, the stacked stages would learn to trust that model more than new sites allow.
    from classifier.model import BodyClassifier
    from classifier.train import training_rows
    from cleaner.datasets import as_plain_text, site_of
    pages = _pages(12)
    pages = [LabelledPage(p.id, p.source, p.paragraphs, p.labels, group=site_of(f"https://www.site{i % 6}.org/a{i}"))
             for i, p in enumerate(pages)]
    pages += [as_plain_text(p) for p in pages[:4]]
    assert {p.fold_group for p in pages} == {f"site:site{i}.org" for i in range(6)}
    _, labels, _ = training_rows(pages)
    groups = np.array([p.fold_group for p in pages for _ in p.paragraphs])
    sizes = np.cumsum([0] + [len(p.paragraphs) for p in pages])
    slices = [slice(a, b) for a, b in zip(sizes[:-1], sizes[1:])]
    for few in (groups, np.where(groups == "site:site0.org", groups, "site:site1.org")):
        folds = BodyClassifier(n_folds=3)._folds(np.zeros((len(labels), 1)), labels, slices, few)
        assert len(folds) >= 2
        for _, scored in folds:
            assert set(few[scored]).isdisjoint(np.delete(few, scored))


def test_site_of_names_the_host_and_survives_what_is_not_a_url():
    from cleaner.datasets import site_of
    assert site_of("https://www.Example.com/news/1?x=2") == "site:example.com"
    assert site_of("http://[::1") == "" and site_of(None) == "" and site_of("no url") == ""


def test_augmented_pages_draw_only_strings_of_their_own_fold():
    from classifier.model import fold_of
    from cleaner.augment import Snippet, augmented_pages
    from cleaner.language import get_backend
    snippets = [Snippet(f"Accept cookie setting number {i} for this site", "en", "consent", "src")
                for i in range(40)]
    bodies = {"en": [f"The council met on day {i} and agreed a new budget for the river bridges." for i in range(30)]}
    pages = augmented_pages(_pages(6), snippets, bodies, get_backend("py3langid"), inject_share=1.0,
                            pages_per_lang=8, n_folds=3)
    assert pages
    for page in pages:
        k = fold_of(page.fold_group, 3)
        for p in page.paragraphs:     # consent strings may be joined into one long notice
            for text in re.findall(r"Accept cookie setting number \d+ for this site|The council .*? bridges\.", p.text):
                assert fold_of(text, 3) == k, (page.id, text)


def test_synthetic_html_pages_put_the_article_in_an_article_element_in_some_pages():
    # Without such pages the trees learned what <article> means from a few English pages only.
    import random
    from cleaner.augment import BoilerplatePool, Snippet, synthetic_page
    from cleaner.language import get_backend
    pool = BoilerplatePool([Snippet(f"We use cookies number {i} to improve this site.", "en", "consent", "src")
                            for i in range(6)])
    bodies = [f"The council met on day {i} and agreed a new budget for the river bridges and roads." for i in range(12)]
    rng = random.Random(0)
    layouts, outer_blocks = set(), set()
    for n in range(30):
        page = synthetic_page("en", bodies, ["Council agrees budget"], pool, rng, get_backend("py3langid"),
                              html=True, n=n, article_layout=0.5)
        inside = [i for i, label in enumerate(page.labels) if label in ("body", "title")]
        body_in_article = {page.paragraphs[i].dom.in_article for i in inside}
        assert len(body_in_article) == 1, page.id        # the whole article or none of it
        layouts |= body_in_article
        if body_in_article == {True}:
            # blocks between its paragraphs are inside the article, blocks before it outside, and
            # blocks after it outside or (inside a <main>) all inside
            assert all(p.dom.in_article for p in page.paragraphs[inside[0]:inside[-1] + 1])
            assert not any(p.dom.in_article for p in page.paragraphs[:inside[0]])
            after = {p.dom.in_article for p in page.paragraphs[inside[-1] + 1:]}
            assert len(after) <= 1, page.id
            outer_blocks |= after
            assert {page.paragraphs[i].dom.group for i in inside if page.labels[i] == "body"} == \
                {page.paragraphs[inside[-1]].dom.group}
    assert layouts == {True, False} and outer_blocks == {True, False}
    # share 0, the default (the shipped model was trained with 0.5): no <article> anywhere
    for n in range(10):
        page = synthetic_page("en", bodies, ["Council agrees budget"], pool, rng, get_backend("py3langid"),
                              html=True, n=n)
        assert not any(p.dom.in_article for p in page.paragraphs)


def test_between_body_puts_boilerplate_blocks_in_the_gaps_between_body_paragraphs():
    # Ads and related links split real articles; the plain draw lands a block there seldom.
    import random
    from cleaner.augment import BoilerplatePool, Snippet, synthetic_page
    from cleaner.language import get_backend
    pool = BoilerplatePool([Snippet(f"We use cookies number {i} to improve this site.", "en", "consent", "src")
                            for i in range(6)])
    bodies = [f"The council met on day {i} and agreed a new budget for the river bridges and roads." for i in range(12)]

    def gaps(share: float) -> list[bool]:
        rng, inside = random.Random(0), []
        for n in range(40):
            page = synthetic_page("en", bodies, [], pool, rng, get_backend("py3langid"), html=n % 2 == 0, n=n,
                                  between_body=share)
            body = [i for i, label in enumerate(page.labels) if label == "body"]
            inside += [body[0] < i < body[-1] for i, label in enumerate(page.labels) if label != "body"]
        return inside

    assert all(gaps(1.0))
    plain = gaps(0.0)
    assert 0 < sum(plain) < len(plain) / 2


def test_synthetic_pages_get_subheadings_labelled_body_between_body_paragraphs_in_some_pages():
    # Without them every short line between body paragraphs a synthetic page shows is boilerplate.
    import random
    from cleaner.augment import BoilerplatePool, Snippet, synthetic_page
    from cleaner.language import get_backend
    pool = BoilerplatePool([Snippet(f"We use cookies number {i} to improve this site.", "en", "consent", "src")
                            for i in range(6)])
    bodies = [f"The council met on day {i} and agreed a new budget for the river bridges and roads." for i in range(12)]
    rng = random.Random(0)
    with_headings = 0
    for n in range(40):
        html = n % 2 == 0
        page = synthetic_page("en", bodies, [], pool, rng, get_backend("py3langid"), html=html, n=n, subheadings=0.5)
        body = [(i, p) for i, (p, label) in enumerate(zip(page.paragraphs, page.labels)) if label == "body"]
        short = [(i, p) for i, p in body if p.text not in bodies]
        for i, p in short:
            # a few words of the paragraph it heads, never the first line of the article, never a button
            assert 1 <= len(p.text.split()) <= 4 and len(p.text) <= 60, p.text
            following = next(q.text for q, label in zip(page.paragraphs[i + 1:], page.labels[i + 1:])
                             if label == "body")
            assert p.text[1:] in following and p.text[0].casefold() in following.casefold()
            assert i > body[0][0]
            assert p.kind in (("h2", "h3", "p") if html else ("text",))
        with_headings += bool(short)
    assert 5 <= with_headings <= 35
    # share 0, the default (as the shipped model was trained): none
    for n in range(10):
        page = synthetic_page("en", bodies, [], pool, rng, get_backend("py3langid"), html=n % 2 == 0, n=n)
        assert all(p.text in bodies for p, label in zip(page.paragraphs, page.labels) if label == "body")


def test_a_subheading_is_a_few_words_of_its_paragraph_in_any_script():
    import random
    from cleaner.augment import subheading_of
    rng = random.Random(0)
    for text in ("The ministry updated the death toll from the Nagorno-Karabakh war on Monday.",
                 "Bakanlık, Dağlık Karabağ savaşındaki ölü sayısını güncelledi.",
                 "国务院新闻办公室今天举行发布会，介绍有关情况。"):
        for _ in range(20):
            line = subheading_of(text, rng)
            assert line and len(line) <= 60
            assert all(word in text for word in line[1:].split()) and line[0].casefold() in text.casefold()
            assert not line.endswith((".", ",", "，", "。"))
    assert subheading_of("a an it of to", rng) == ""


def test_synthetic_pages_carry_the_synthetic_weight_and_injected_copies_their_page_weight():
    from cleaner.augment import Snippet, augmented_pages
    from cleaner.language import get_backend
    snippets = [Snippet(f"Accept cookie setting number {i} for this site", "en", "consent", "src") for i in range(40)]
    bodies = {"en": [f"The council met on day {i} and agreed a new budget for the river bridges." for i in range(30)]}
    base = _pages(6)
    pages = augmented_pages(base, snippets, bodies, get_backend("py3langid"), inject_share=1.0,
                            pages_per_lang=8, n_folds=3, synthetic_weight=0.5)
    synthetic = [p for p in pages if p.source.startswith("synthetic")]
    injected = [p for p in pages if p.source.endswith("#inject")]
    assert synthetic and {p.weight for p in synthetic} == {0.5}
    assert injected and sorted(p.weight for p in injected) == sorted(p.weight for p in base if p.paragraphs)


def test_augmentation_shares_and_weights_out_of_range_are_refused_with_the_option_named(capsys):
    import pytest
    for option, value in (("--article-layout", "1.5"), ("--inject-share", "-0.1"), ("--text-copies", "half"),
                          ("--subheadings", "2"),
                          ("--synthetic-weight", "0"), ("--synthetic-weight", "nan")):
        with pytest.raises(SystemExit) as stop:
            main(["train", "--data", str(CORPUS), option, value])
        assert stop.value.code == 2
        err = capsys.readouterr().err
        assert option in err and repr(value) in err, err
