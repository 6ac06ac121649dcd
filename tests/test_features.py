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


def test_a_subheading_shares_the_articles_words_and_a_foreign_notice_or_a_close_button_does_not():
    from cleaner.segment_text import segment_text
    story = ("The regional council approved the budget for the river bridges on Tuesday, after a debate "
             "that lasted into the evening.")
    more = "Repairs to the old bridges will start in spring, the council said, and the ferry will run until then."
    paragraphs = segment_text(f"{story}\n\nThe river bridges\n\n{more}\n\n"
                              "Bu web sitesi çerezleri kullanmaktadır. Kabul ediyor musunuz?\n\nClose\n\n"
                              "一座新桥将于明年春天开放。\n\n河上的旧桥将在春天开始维修，市议会说，渡轮将继续运行到那时，票价不变。")
    X = ParagraphFeaturizer().fit(paragraphs).transform(paragraphs).toarray()[:, :N_DENSE]
    shared = dict(zip((p.text for p in paragraphs), X[:, DENSE_NAMES.index("article_words")]))
    assert shared["The river bridges"] == 1.0                  # "the" is too short to count
    assert shared["Bu web sitesi çerezleri kullanmaktadır. Kabul ediyor musunuz?"] == 0.0
    assert shared["Close"] == 0.0
    assert 0.0 < shared[story] < 1.0                            # its own words do not count
    assert shared["一座新桥将于明年春天开放。"] > 0.0               # character pairs: 春天, 新桥… in the long paragraph


def test_a_chinese_article_outvotes_a_longer_turkish_notice_for_the_page_language():
    # 165 Han characters of story against a 250-character Turkish cookie notice: by raw characters the notice
    # would be the page's language and every story paragraph "foreign"; a Han character carries about a word.
    from cleaner.language import assign_languages, get_backend
    from cleaner.segment_text import segment_text
    story = ["受强对流天气影响，南方多个省份自周一起出现持续强降雨，部分地区降雨量突破历史同期纪录。",
             "截至周二中午，当地机场已取消六十余个进出港航班，多条高速公路实行临时交通管制。",
             "专家提醒，未来三天降雨仍将持续，山区发生山洪和泥石流的风险较高，有关部门要求加强巡查。"]
    notice = ("Web sitemizde deneyiminizi iyileştirmek ve ziyaretçi trafiğini analiz etmek için çerezler kullanıyoruz. "
              "Sitemizi kullanmaya devam ederek kişisel verilerinizin Gizlilik Politikası kapsamında işlenmesini "
              "kabul etmiş olursunuz.")
    assert len(notice) > len("".join(story))
    paragraphs, _ = assign_languages(segment_text("\n\n".join([*story, notice])), get_backend())
    assert [p.lang for p in paragraphs] == ["zh", "zh", "zh", "tr"]
    X = ParagraphFeaturizer().fit(paragraphs).transform(paragraphs).toarray()[:, :N_DENSE]
    assert X[:, DENSE_NAMES.index("lang_is_page")].tolist() == [1.0, 1.0, 1.0, 0.0]


def test_indic_words_keep_their_vowel_signs():
    # re's \w leaves out combining marks: "हिस्सा" used to come out as "ह", "स", "स" (consonant fragments
    # that every Hindi text shares), so the text model had no Hindi or Bengali words to learn from.
    import re
    from classifier.features import WORD_CHAR
    words = re.compile(WORD_CHAR + "+").findall
    assert words("यह सीमारेखा का हिस्सा है") == ["यह", "सीमारेखा", "का", "हिस्सा", "है"]
    assert words("নদীপথে নতুন ফেরি") == ["নদীপথে", "নতুন", "ফেরি"]
    assert words("naïve café, 2024") == ["naïve", "café", "2024"]


def test_pages_featurized_together_get_exactly_the_rows_each_gets_alone():
    """Batches (clean_many, training) read many pages in one call; no page may see another's text."""
    import json
    from pathlib import Path

    import numpy as np
    from cleaner.segment_text import segment_text

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    pages = [json.loads(line) for name in ("pages.jsonl", "notice_pages.jsonl")
             for line in (corpus / name).read_text(encoding="utf-8").splitlines()][:40]
    segmented = [segment_html(p["page"]).paragraphs if p["kind"] == "html" else segment_text(p["page"])
                 for p in pages]
    # Pages sharing words and containers, and one whose lower-casing changes its length (İ).
    segmented.append(segment_text(f"İzmir'de {STORY}\n\nWhat happens next\n\n{STORY}"))
    featurizer = ParagraphFeaturizer().fit([])
    together = featurizer.transform([p for page in segmented for p in page])
    alone = [featurizer.transform(page) for page in segmented]
    assert together.shape[0] == sum(m.shape[0] for m in alone)
    start = 0
    for m in alone:
        block = together[start:start + m.shape[0]]
        assert np.array_equal(block.indptr - block.indptr[0], m.indptr)
        assert np.array_equal(block.indices, m.indices) and np.array_equal(block.data, m.data)
        start += m.shape[0]


def test_a_ukrainian_apostrophe_is_part_of_its_word():
    from cleaner.segment_text import segment_text
    # The same sentence with the apostrophe typed as ', as ’ and as U+02BC (the letter Unicode gives it).
    sentence = "Ці враження суб{0}єктивні, а візерунки з сап{0}янових витинанок — лише прикраса."
    paragraphs = [p for a in ("'", "’", "\u02bc") for p in segment_text(sentence.format(a))]  # three pages
    X = ParagraphFeaturizer().fit(paragraphs).transform(paragraphs)
    assert (X[0] != X[2]).nnz == 0 and (X[1] != X[2]).nnz == 0
    # An apostrophe elsewhere still separates words: "council's" is not one word.
    plain = segment_text("The council's budget.\n\nThe council\u02bcs budget.")
    Y = ParagraphFeaturizer().fit(plain).transform(plain).toarray()[:, :N_DENSE]
    words = DENSE_NAMES.index("log_words")
    assert Y[0, words] > Y[1, words]
