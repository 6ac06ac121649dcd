"""Features a user can reason about: where a paragraph sits relative to the page's main text."""
from classifier.features import DENSE_NAMES, N_DENSE, ParagraphFeaturizer
from cleaner.segment_html import segment_html

STORY = " ".join(["The council met on Tuesday, and after a long debate, it voted to reopen the baths."] * 3)
PAGE = f"""<html><body>
<div id="menu"><a href="/">Home</a> <a href="/news">News</a></div>
<div id="page">
  <div id="story"><p>{STORY}</p><p>{STORY}</p><p>{STORY}</p><h2>What happens next</h2><p>{STORY}</p></div>
  <div id="teasers"><p>Another story about the weather, in brief.</p></div>
</div>
<footer><p>Contact us at the newsroom, any day of the week.</p></footer>
</body></html>"""


def _features(html: str) -> tuple[list[str], list[dict[str, float]]]:
    paragraphs = segment_html(html).paragraphs
    X = ParagraphFeaturizer().fit(paragraphs).transform(paragraphs).toarray()[:, :N_DENSE]
    return [p.text for p in paragraphs], [dict(zip(DENSE_NAMES, row)) for row in X]


def test_story_paragraphs_are_inside_the_main_container_and_chrome_is_not():
    texts, rows = _features(PAGE)
    by_text = dict(zip(texts, rows))
    for name in ("in_core50", "in_core80", "in_best"):
        assert by_text[STORY][name] == 1.0, name
        assert by_text["What happens next"][name] == 1.0, name
        assert by_text["Contact us at the newsroom, any day of the week."][name] == 0.0, name
        assert by_text["Home News"][name] == 0.0, name
    # The teasers sit beside the story, inside the story's parent element.
    assert by_text["Another story about the weather, in brief."]["in_best"] == 0.0
    assert by_text["Another story about the weather, in brief."]["in_best_parent"] == 1.0


def test_plain_text_pages_have_no_container_features():
    from cleaner.segment_text import segment_text
    paragraphs = segment_text(f"{STORY}\n\nShare this story")
    X = ParagraphFeaturizer().fit(paragraphs).transform(paragraphs).toarray()[:, :N_DENSE]
    j = DENSE_NAMES.index("in_core50")
    assert (X[:, j:j + 4] == 0).all()


def test_an_armenian_colon_ends_a_sentence_in_prose_but_not_in_a_short_label():
    from cleaner.segment_text import segment_text
    prose = ("Կառավարությունը երեկ հաստատեց նոր բյուջեն, որը նախատեսում է կամուրջների վերանորոգում "
             "և նոր դպրոցների կառուցում մայրաքաղաքում:")          # the Armenian full stop typed as a colon
    label = "Կարդացեք նաև:"                                        # "read also:", a label
    paragraphs = segment_text(f"{prose}\n\n{label}\n\nRead also:")
    X = ParagraphFeaturizer().fit(paragraphs).transform(paragraphs).toarray()[:, :N_DENSE]
    ends = X[:, DENSE_NAMES.index("ends_sentence")]
    assert [p.text for p in paragraphs] == [prose, label, "Read also:"]
    assert ends.tolist() == [1.0, 0.0, 0.0]
    assert X[0, DENSE_NAMES.index("sentences_per_word")] > 0
