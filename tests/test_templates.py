"""Reply templates and FAQ answers: both languages, GSM-7 English, three SMS segments at most."""

import string
from itertools import combinations

import pytest
import yaml

from bot import compose
from bot.sms import MAX_SEGMENTS, is_gsm7, paginate, segments, to_gsm7
from knowledge import db, queries, seed

TEMPLATES = yaml.safe_load((seed.DATA / "templates.yaml").read_text(encoding="utf-8"))
FAQS = yaml.safe_load((seed.DATA / "faq.yaml").read_text(encoding="utf-8"))
LANGS = ("en", "es")
FILLED = {"hotline_call", "hotline_text", "careline", "program", "services", "place"}
PROGRAM = "Connecticut Resource Line"  # longer than the default, to be safe
PLACE = "North Stonington"  # among the longest Connecticut town names
# Templates that never get the safety line appended.
NO_SAFETY_LINE = {"opt_out", "opt_in", "safety_line", "safety_line_chat", "more_prompt"}


@pytest.fixture(scope="module")
def kb(tmp_path_factory):
    """The curated knowledge base, as the engine sees it."""
    path = tmp_path_factory.mktemp("kb") / "kb.db"
    db.prepare(path)
    conn = db.connect(path)
    yield queries.load(conn)
    conn.conn.close()


def worst_services(kb, n=3):
    """The n services with a phone whose list lines are longest."""
    with_phones = [s for s in kb.services if s.phones]
    return sorted(with_phones, key=lambda s: -len(compose.service_line(s)))[:n]


def fill(kb, key, lang):
    """The template filled with long but realistic values, folded to GSM-7 as SMS sends it."""
    services = "\n".join(compose.service_line(s) for s in worst_services(kb))
    text = compose.render(kb, key, lang, PROGRAM, services=services, place=PLACE)
    return to_gsm7(text)


def placeholders(text):
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def fits(text):
    return segments(text)[0] <= MAX_SEGMENTS


@pytest.mark.parametrize("key", TEMPLATES)
def test_every_template_has_english_and_spanish(key):
    assert set(TEMPLATES[key]) == set(LANGS)
    assert all(TEMPLATES[key][lang].strip() for lang in LANGS)


@pytest.mark.parametrize("key", TEMPLATES)
def test_english_template_text_is_gsm7_as_written(key):
    assert is_gsm7(TEMPLATES[key]["en"]), TEMPLATES[key]["en"]


@pytest.mark.parametrize("key", TEMPLATES)
def test_every_placeholder_is_one_the_bot_fills(key):
    # render() leaves unknown placeholders empty, so a typo would silently drop a number.
    for lang in LANGS:
        assert placeholders(TEMPLATES[key][lang]) <= FILLED, (key, lang)


@pytest.mark.parametrize("key", TEMPLATES)
def test_both_languages_use_the_same_placeholders(key):
    assert placeholders(TEMPLATES[key]["en"]) == placeholders(TEMPLATES[key]["es"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", TEMPLATES)
def test_every_filled_template_fits_three_segments(kb, key, lang):
    text = fill(kb, key, lang)
    assert is_gsm7(text)
    assert fits(text), f"{segments(text)}: {text}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", [k for k in TEMPLATES if k not in NO_SAFETY_LINE])
def test_every_filled_template_fits_with_the_safety_line(kb, key, lang):
    # The first reply of a conversation adds the safety line only if it still fits.
    text = fill(kb, key, lang) + "\n" + to_gsm7(compose.render(kb, "safety_line", lang))
    assert fits(text), f"{segments(text)}: {text}"


@pytest.mark.parametrize("key", ["emergency", "emergency_child"])
@pytest.mark.parametrize("lang", LANGS)
def test_emergency_replies_start_with_911(kb, key, lang):
    text = fill(kb, key, lang)
    assert "911" in text.split(".")[0]
    assert "1-888-373-7888" in text


@pytest.mark.parametrize("key", ["emergency_child", "get_help_child", "report_tip_child"])
@pytest.mark.parametrize("lang", LANGS)
def test_replies_about_a_child_give_the_careline_and_the_hotline(kb, key, lang):
    text = fill(kb, key, lang)
    assert "1-800-842-2288" in text
    assert "1-888-373-7888" in text


@pytest.mark.parametrize("faq", FAQS, ids=[f["id"] for f in FAQS])
@pytest.mark.parametrize("lang", LANGS)
def test_every_faq_answer_with_the_footer_fits_three_segments(kb, faq, lang):
    text = to_gsm7(faq["answer"][lang] + "\n" + compose.render(kb, "info_footer", lang))
    assert fits(text), f"{segments(text)}: {text}"


@pytest.mark.parametrize("faq", FAQS, ids=[f["id"] for f in FAQS])
def test_every_faq_answer_keeps_to_the_documented_limits(faq):
    # faq.yaml: at most 300 characters; English answers plain ASCII (GSM-7).
    assert set(faq["answer"]) == set(LANGS)
    assert all(0 < len(faq["answer"][lang]) <= 300 for lang in LANGS)
    assert is_gsm7(faq["answer"]["en"])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("key", ["services", "services_near"])
def test_any_three_services_fit_or_page_into_pages_that_fit(kb, key, lang):
    more = to_gsm7(compose.render(kb, "more_prompt", lang))
    with_phones = [s for s in kb.services if s.phones and s.kind in ("directory", "program")]
    for chosen in combinations(with_phones, 3):
        lines = "\n".join(compose.service_line(s) for s in chosen)
        text = to_gsm7(compose.render(kb, key, lang, services=lines, place=PLACE))
        for page in paginate(text, more):
            assert fits(page), f"{segments(page)}: {page}"


@pytest.mark.parametrize(
    "number, shown",
    [
        ("+18883737888", "1-888-373-7888"),
        ("+18008422288", "1-800-842-2288"),
        ("+18605550142", "860-555-0142"),
        ("+12033881720", "203-388-1720"),
        ("233733", "233733"),
        ("911", "911"),
    ],
)
def test_only_toll_free_numbers_are_written_with_a_leading_1(number, shown):
    assert compose.format_phone(number) == shown
