"""The boilerplate concept lexicon: well-formed, and it tells notices from news prose in many languages."""
import json
import re

import numpy as np
import pytest

from classifier.concepts import (COLUMNS, CONCEPTS, LEXICON_FILE, NO_SPACE_LANGUAGES, ConceptLexicon, concept_columns,
                                 default_lexicon)
from cleaner.paragraph import DomContext, Paragraph
from classifier.features import DENSE_NAMES, ParagraphFeaturizer

REQUIRED = ("en tr az ru uk kk hy ka ar fa ur he hi bn zh ja ko th vi id de fr es pt it pl nl el sv sw").split()


def columns(texts, lexicon=None):
    words, counts, no_space = [], [], {}
    for i, text in enumerate(texts):
        found = re.findall(r"\w+", text.lower())
        words += found
        counts.append(len(found))
        if re.search(r"[\u0e00-\u0e7f\u3040-\u30ff\u4e00-\u9fff]", text):
            no_space[i] = text.lower()
    return concept_columns(words, np.array(counts), no_space, lexicon)


def test_the_lexicon_file_is_well_formed_and_covers_the_required_languages():
    lexicon = json.loads(LEXICON_FILE.read_text(encoding="utf-8"))
    assert set(REQUIRED) <= set(lexicon)
    for lang, by_concept in lexicon.items():
        assert set(by_concept) <= set(CONCEPTS), lang
        assert {"cookie", "consent", "privacy", "newsletter", "subscribe"} <= set(by_concept), lang
        for entries in by_concept.values():
            for entry in entries:
                assert entry == entry.lower() and entry == entry.strip() and entry, (lang, entry)
                if lang not in NO_SPACE_LANGUAGES:
                    assert " " not in entry, (lang, entry)
                    assert "*" not in entry[:-1], (lang, entry)
                else:
                    assert "*" not in entry, (lang, entry)


def test_stems_match_inflected_words_and_the_longest_stem_wins():
    lexicon = ConceptLexicon({"it": {"consent": ["consens*"], "cookie": ["cookie"]},
                              "de": {"privacy": ["datenschutz*"], "personal_data": ["daten*"]}})
    found = lexicon.word_concepts({"consensi", "cookie", "cookies", "datenschutzerklärung", "datenverarbeitung",
                                   "consenso", "con"})
    assert found == {"consensi": CONCEPTS.index("consent"), "consenso": CONCEPTS.index("consent"),
                     "cookie": CONCEPTS.index("cookie"), "datenschutzerklärung": CONCEPTS.index("privacy"),
                     "datenverarbeitung": CONCEPTS.index("personal_data")}


def test_columns_count_distinct_concepts_per_paragraph():
    lexicon = ConceptLexicon({"en": {"cookie": ["cookie", "cookies"], "consent": ["consent*"],
                                     "partners": ["partner*"], "newsletter": ["newsletter*"]},
                              "zh": {"privacy": ["隐私"], "consent": ["同意"]}})
    out = columns(["We and our partners use cookies, cookies and more cookies, with your consent.",
                   "The council consented to the plan.",
                   "我们尊重您的隐私，并征求您的同意。",
                   "Sign up to our newsletters", ""], lexicon)
    assert out.shape == (5, len(COLUMNS))
    assert out[:, 0].tolist() == [3, 1, 2, 0, 0]
    assert out[:, 1].tolist() == [0, 0, 0, 1, 0]
    assert out[0, 2] == pytest.approx(5 / 13)
    assert out[4, 2] == 0.0


# Notices worded for this test (not from any training or evaluation source), and news sentences.
NOTICES = {
    "it": "Utilizziamo i cookie e condividiamo alcune informazioni con i nostri partner pubblicitari. "
          "Puoi accettare, rifiutare o modificare le tue preferenze sulla privacy in qualsiasi momento.",
    "tr": "Sitemizde çerezler kullanıyoruz. Kişisel verileriniz gizlilik politikamıza uygun olarak işlenir; "
          "tercihlerinizi ayarlardan değiştirebilirsiniz.",
    "ru": "Мы используем файлы cookie и передаём часть данных нашим партнёрам. Вы можете изменить настройки "
          "конфиденциальности в любое время.",
    "de": "Wir verwenden Cookies und teilen Informationen mit unseren Werbepartnern. Sie können Ihre "
          "Einwilligung jederzeit in den Datenschutzeinstellungen widerrufen.",
}
NEWS = {
    "it": "Il sindaco ha inaugurato ieri il nuovo ponte sul fiume, dopo tre anni di lavori e un costo di "
          "dodici milioni di euro.",
    "tr": "Belediye başkanı dün nehir üzerindeki yeni köprüyü üç yıllık çalışmanın ardından hizmete açtı.",
    "ru": "Мэр города вчера открыл новый мост через реку после трёх лет строительства.",
    "de": "Der Bürgermeister hat gestern die neue Brücke über den Fluss eröffnet, nach drei Jahren Bauzeit.",
}


@pytest.mark.parametrize("lang", sorted(NOTICES))
def test_a_consent_notice_names_several_consent_concepts_and_news_prose_none(lang):
    out = columns([NOTICES[lang], NEWS[lang]], default_lexicon())
    assert out[0, 0] >= 3, out
    assert out[1, 0] == 0 and out[1, 2] == 0.0, out


def test_the_featurizer_writes_the_concept_columns():
    paras = [Paragraph(text=t, index=i, dom=DomContext()) for i, t in enumerate([NEWS["de"], NOTICES["de"]])]
    X = ParagraphFeaturizer().fit(paras).transform(paras).toarray()
    at = DENSE_NAMES.index("consent_concepts")
    assert X[0, at] == 0 and X[1, at] >= 3
