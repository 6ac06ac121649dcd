"""The library surface: input types, errors a user can act on, empty input, explanations."""
from __future__ import annotations

import json
import pathlib

import pytest
from bs4 import BeautifulSoup

import cleaner
from cleaner import errors

from conftest import EXAMPLE

ARTICLE_HTML = EXAMPLE.read_text(encoding="utf-8")


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["<p>x</p>"], {"html": "<p>x</p>"}])
def test_invalid_input_raises_a_named_error_that_says_what_to_pass(bad):
    with pytest.raises(errors.InvalidInputError) as e:
        cleaner.clean(bad)
    assert "pass the page" in str(e.value)


def test_missing_file_path_raises_page_not_found():
    with pytest.raises(errors.PageNotFoundError) as e:
        cleaner.clean("/no/such/dir/page.html")
    assert "no such file" in str(e.value)
    with pytest.raises(errors.PageNotFoundError):
        cleaner.clean(pathlib.Path("missing.html"))


@pytest.mark.parametrize("empty", ["", "   \n\n  ", "12345 678", "!!! ??? ...", "<html><body></body></html>",
                                   b"", "<html><body><script>var a=1;</script></body></html>"])
def test_empty_or_letterless_input_gives_an_empty_result(empty):
    result = cleaner.clean(empty)
    assert result.text == ""
    assert result.language is None


def test_html_page_keeps_the_story_and_explains_every_drop():
    result = cleaner.clean(ARTICLE_HTML)
    assert result.language == "en"
    assert result.title == "Sleeper train returns to the northern line after fourteen years"
    assert "An overnight sleeper train will run between Port Alder" in result.text
    assert "Tickets go on sale on 1 March." in result.text
    for gone in ("Wir verwenden Cookies", "Share on Facebook", "Sign me up", "All rights reserved",
                 "By Rosalind Achebe", "Related articles"):
        assert gone not in result.text
    for p in result.paragraphs:
        assert isinstance(p.p_body, float) and 0.0 <= p.p_body <= 1.0
        assert isinstance(p.keep, bool)
        assert p.reason
    consent = next(p for p in result.paragraphs if p.text.startswith("Wir verwenden Cookies"))
    assert consent.lang == "de" and consent.reason == "boilerplate: consent"


def test_bytes_str_soup_and_path_give_the_same_result(tmp_path):
    from_str = cleaner.clean(ARTICLE_HTML)
    from_bytes = cleaner.clean(ARTICLE_HTML.encode("utf-8"))
    from_soup = cleaner.clean(BeautifulSoup(ARTICLE_HTML, "lxml"))
    from_path = cleaner.clean(EXAMPLE)
    assert from_str.text == from_bytes.text == from_soup.text == from_path.text
    assert from_str.text


def test_bytes_in_a_declared_legacy_charset_are_decoded():
    html = ("<html><head><meta charset='windows-1251'></head><body><h1>Новости</h1>"
            "<p>Правительство объявило о новых мерах поддержки малого бизнеса в регионах страны. "
            "Программа начнётся в следующем месяце и продлится до конца года.</p></body></html>")
    result = cleaner.clean(html.encode("cp1251"))
    assert "Правительство объявило" in result.text or "Правительство объявило" in " ".join(
        p.text for p in result.paragraphs)


def test_binary_input_raises_decode_error_naming_the_format():
    with pytest.raises(errors.DecodeError) as e:
        cleaner.clean(b"\x89PNG\r\n\x1a\n" + bytes(100))
    assert "PNG" in str(e.value)


def test_result_is_deterministic_and_json_serialisable():
    a = cleaner.clean(ARTICLE_HTML)
    b = cleaner.Cleaner().clean(ARTICLE_HTML)
    assert a == b
    json.dumps(a.to_dict())


def test_bad_options_raise_config_errors():
    with pytest.raises(errors.ConfigError):
        cleaner.Cleaner(preset="aggressive")
    with pytest.raises(errors.ConfigError):
        cleaner.Cleaner(lang_backend="nope")
    with pytest.raises(errors.ConfigError):
        cleaner.clean("<p>x</p>", kind="pdf")


def test_presets_order_what_is_kept():
    kept = {preset: len(cleaner.Cleaner(preset=preset).clean(ARTICLE_HTML).kept)
            for preset in ("precision", "balanced", "recall")}
    assert kept["precision"] <= kept["balanced"] <= kept["recall"]


def test_detect_language_public_function():
    assert cleaner.detect_language("Bu çerezler, kullanıcıların tarayıcı ve cihazlarını tanımlayarak çalışır.") == "tr"
    assert cleaner.detect_language("https://example.com/") is None
    assert cleaner.detect_language("") is None


def test_subheading_between_body_paragraphs_is_kept_but_an_advert_line_is_not():
    page = "\n\n".join(["Council approves budget", BUDGET, "The bridge debate", BUDGET.replace("Tuesday", "Monday"),
                        "Advertisement", BUDGET.replace("Tuesday", "Friday")])
    by_text = {p.text: p for p in cleaner.clean(page).paragraphs}
    assert by_text["The bridge debate"].keep
    assert by_text["The bridge debate"].reason == "body: subheading between body paragraphs"
    assert not by_text["Advertisement"].keep



def test_a_subheading_is_kept_in_a_confident_article_whatever_one_neighbour_scores():
    # The rule asks for a confidently found article (median P(body) of what is kept), not for two confident
    # neighbours: one paragraph's P moves by a few hundredths between training runs.
    from cleaner.decide import keep_subheadings
    from cleaner.paragraph import Paragraph
    def page(ps):
        texts = [BUDGET, "The bridge debate", BUDGET.replace("Tuesday", "Monday"), BUDGET.replace("Tuesday", "Friday")]
        return [Paragraph(text=t, index=i, lang="en", p_body=pb, keep=pb >= 0.5,
                          label="body" if pb >= 0.5 else "boilerplate") for i, (t, pb) in enumerate(zip(texts, ps))]
    assert keep_subheadings(page([0.89, 0.2, 0.91, 0.95]))[1].keep
    assert not keep_subheadings(page([0.6, 0.2, 0.7, 0.95]))[1].keep     # an unsure article: left to the model
    assert not keep_subheadings(page([0.95, 0.05, 0.96, 0.97]))[1].keep   # the model is sure it is not body

@pytest.mark.parametrize("line", ["Accedi", "Mi cuenta", "Войти", "Giriş yap", "साझा करें", "登录"])
def test_a_log_in_or_share_line_in_another_language_between_body_paragraphs_is_not_a_subheading(line):
    # A short line inherits the page's language, but "log in", "my account", "share" name nothing in the story.
    page = "\n\n".join([BUDGET, line, BUDGET.replace("Tuesday", "Monday"), BUDGET.replace("Tuesday", "Friday")])
    dropped = next(p for p in cleaner.clean(page).paragraphs if p.text == line)
    assert not dropped.keep, dropped.reason


BUDGET = ("The regional council approved the new budget on Tuesday after a debate that lasted well into "
          "the evening, with members split over the cost of the planned bridge repairs.")


BUDGET_DE = ("Der Stadtrat hat am Dienstag nach einer langen Debatte den neuen Haushalt beschlossen; umstritten "
             "waren vor allem die Kosten für die Reparatur der Brücke.")


@pytest.mark.parametrize("story, line, heading", [
    (BUDGET, "Read also: Bridge repairs will start in spring", "Bridge repairs"),
    (BUDGET_DE, "Lesen Sie auch: Reparatur der Brücke beginnt im Frühjahr", "Reparatur der Brücke"),
])
def test_a_read_also_teaser_between_body_paragraphs_is_not_a_subheading(story, line, heading):
    # A subheading names what follows; a label and a colon ("Read also:") open a teaser or a credit, in any
    # language, even when its headline shares a word with the story ("bridge").
    from cleaner.decide import keep_subheadings
    from cleaner.paragraph import Paragraph
    def page(middle):
        texts = [story, middle, story + " (2)", story + " (3)"]
        return [Paragraph(text=t, index=i, p_body=pb, keep=pb >= 0.5, label="body" if pb >= 0.5 else "boilerplate")
                for i, (t, pb) in enumerate(zip(texts, [0.95, 0.3, 0.96, 0.97]))]
    assert not keep_subheadings(page(line))[1].keep
    assert keep_subheadings(page(heading))[1].keep


def test_a_one_line_sentence_ending_in_a_file_name_is_text_not_a_path():
    result = cleaner.clean("Read the full report in annual-report.txt")
    assert result.paragraphs[0].text == "Read the full report in annual-report.txt"


def test_a_dateline_is_never_the_headline_however_title_like_the_model_finds_it():
    from cleaner.decide import title_index
    from cleaner.paragraph import Paragraph
    lines = ["date 2021-01-19 By Ruslan Rehimov", "Azerbaijan updates its war toll", "The ministry said on Monday that the toll rose."]
    paragraphs = [Paragraph(text=t, index=i) for i, t in enumerate(lines)]
    probabilities = [{"body": 0.0, "title": 0.99, "meta": 0.01}, {"body": 0.1, "title": 0.8, "meta": 0.1},
                     {"body": 0.97, "title": 0.01, "meta": 0.02}]
    assert title_index(paragraphs, probabilities, 0.5) == 1
    # with no other candidate there is no headline rather than a dateline for one
    assert title_index(paragraphs[:1] + paragraphs[2:], probabilities[:1] + probabilities[2:], 0.5) is None



def test_title_mass_on_a_paragraph_that_is_not_the_headline_does_not_count_against_the_body():
    # A retrained model scored a Chinese story's third paragraph title 1.0 (raw tree score 113): a page has one
    # headline, so that mass is impossible and P(body) is taken given "not the headline".
    from cleaner.decide import decide, title_index
    from cleaner.paragraph import Paragraph
    lines = ["Heavy rain floods the south", "Rescuers moved a thousand people overnight.",
             "Schools and gyms became shelters, with food, water and medicine.", "Share this story"]
    paragraphs = [Paragraph(text=t, index=i) for i, t in enumerate(lines)]
    probabilities = [{"body": 0.0, "title": 1.0, "meta": 0.0, "boilerplate": 0.0},
                     {"body": 0.99, "title": 0.0, "meta": 0.0, "boilerplate": 0.01},
                     {"body": 1e-48, "title": 1.0, "meta": 1e-52, "boilerplate": 1e-50},
                     {"body": 1e-9, "title": 0.6, "meta": 0.0, "boilerplate": 0.4}]
    title = title_index(paragraphs, probabilities, 0.5)
    decided = decide(paragraphs, probabilities, 0.5, "en", title)
    assert title == 0 and decided[0].label == "title"
    assert [p.keep for p in decided] == [False, True, True, False]
    assert decided[2].p_body > 0.99 and decided[3].p_body < 1e-8 and decided[3].label == "boilerplate"

_STORY = ("The regional council approved the budget for the river bridges on Tuesday, after a debate that "
          "lasted into the evening and ended with a narrow vote.")
_COMMENT = ("I have crossed that bridge every morning for twenty years and I am glad the council finally "
            "found the money, although I doubt the repairs will be finished by the spring.")
COMMENTED_PAGE = f"""<html><head><title>Council approves bridge budget</title></head><body>
<article><h1>Council approves bridge budget</h1><p>{_STORY}</p><p>{_STORY.replace('Tuesday', 'Monday')}</p>
<p>{_STORY.replace('river', 'old')}</p></article>
<section id="comments" class="comments-area"><ol class="commentlist"><li class="comment"><p>{_COMMENT}</p></li>
<li class="comment"><p>{_COMMENT.replace('twenty', 'thirty')}</p></li></ol></section></body></html>"""


def test_readers_comments_are_dropped_by_default_with_their_reason_and_the_article_is_kept():
    result = cleaner.Cleaner().clean(COMMENTED_PAGE)
    assert _STORY in result.text and _COMMENT not in result.text
    comments = [p for p in result.paragraphs if p.text.startswith("I have crossed")]
    assert len(comments) == 2 and not any(p.keep for p in comments)
    assert all(p.reason == "boilerplate: comments (comments=False)" for p in comments)
    assert cleaner.Cleaner(comments=False).clean(COMMENTED_PAGE).text == result.text


def test_a_comments_class_on_the_element_holding_the_whole_article_does_not_empty_the_page():
    # WordPress themes put "comments-open" on <body> or on the post's wrapper: not a comment section
    wrapped = COMMENTED_PAGE.replace("<body>", '<body class="single single-post comments-open">')
    result = cleaner.Cleaner().clean(wrapped)
    assert _STORY in result.text and _COMMENT not in result.text
    no_section = wrapped.replace('<section id="comments" class="comments-area"><ol class="commentlist">', "<section><ol>")
    no_section = no_section.replace('<li class="comment">', "<li>")
    assert _STORY in cleaner.Cleaner().clean(no_section).text


def test_a_class_on_body_does_not_become_the_reason_for_every_dropped_line():
    plain = cleaner.Cleaner().clean(ARTICLE_HTML)
    menu = [p.text for p in plain.dropped if p.reason == "boilerplate: navigation"]
    assert menu
    for classes in ("single comments-open", "has-cookie-banner"):
        result = cleaner.Cleaner().clean(ARTICLE_HTML.replace("<body", f'<body class="{classes}"', 1))
        reasons = {p.text: p.reason for p in result.dropped}
        assert all(reasons.get(text) == "boilerplate: navigation" for text in menu), classes
        assert "boilerplate: comments" not in reasons.values()


def test_comment_sections_are_told_apart_from_a_page_wide_comments_class():
    from cleaner.paragraph import DomContext, Paragraph, in_comment_sections

    def para(*tokens):
        return Paragraph(text="x", index=0, dom=DomContext(tokens=tokens))

    story, thread = para("single", "comments", "open"), para("single", "comments", "open", "commentlist")
    assert in_comment_sections([story, thread], [True, True]) == [False, True]
    assert in_comment_sections([para("entry"), para("comment")], [True, True]) == [False, True]
    assert in_comment_sections([story, story], [True, True]) == [False, False]
    assert in_comment_sections([para("comment")], [False]) == [True]


def test_comments_true_keeps_the_comments_the_model_keeps_and_drops_nothing_more():
    kept = cleaner.Cleaner(comments=True).clean(COMMENTED_PAGE)
    by_default = cleaner.Cleaner().clean(COMMENTED_PAGE)
    assert _STORY in kept.text
    # the rule only drops: whatever the default keeps, comments=True keeps too
    assert all(p.text in kept.text for p in by_default.paragraphs if p.keep)
    assert not any(p.reason == "boilerplate: comments (comments=False)" for p in kept.paragraphs)


def test_comments_option_must_be_a_bool_and_the_command_drops_comments_unless_told(tmp_path, capsys):
    with pytest.raises(errors.ConfigError, match="comments must be True"):
        cleaner.Cleaner(comments="no")
    from cleaner.cli import main
    page = tmp_path / "page.html"
    page.write_text(COMMENTED_PAGE, encoding="utf-8")
    for flags in ([], ["--no-comments"]):
        assert main(["clean", str(page), *flags, "--workers", "1", "--output-format", "json"]) == 0
        text = json.loads(capsys.readouterr().out)["text"]
        assert _STORY in text and _COMMENT not in text
    assert main(["clean", str(page), "--comments", "--workers", "1", "--output-format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["text"] == cleaner.Cleaner(comments=True).clean(COMMENTED_PAGE).text
