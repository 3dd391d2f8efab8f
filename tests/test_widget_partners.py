"""Partner settings in the knowledge base: origins, colours, exit URLs, partners.yaml."""

import json
import shutil

import pytest
import yaml

from knowledge import partners, seed


@pytest.fixture
def data_dir(tmp_path):
    """A copy of knowledge/data whose partners.yaml a test may rewrite."""
    copy = tmp_path / "data"
    shutil.copytree(seed.DATA, copy)
    return copy


def write_partners(data_dir, entries):
    (data_dir / "partners.yaml").write_text(yaml.safe_dump(entries), encoding="utf-8")


DEMO_ENTRY = {
    "key": "demo",
    "origins": ["https://demo.example.org"],
    "colors": {"accent": "#123456"},
    "exit_url": "https://weather.example.com/",
}


@pytest.mark.parametrize(
    "given, normal",
    [
        ("https://Partner.Example.org", "https://partner.example.org"),
        ("https://partner.example.org/", "https://partner.example.org"),
        ("https://partner.example.org:443", "https://partner.example.org"),
        ("http://127.0.0.1:5000", "http://127.0.0.1:5000"),
        ("http://[::1]:8080", "http://[::1]:8080"),
        ("https://partner.example.org/page", None),
        ("partner.example.org", None),
        ("ftp://partner.example.org", None),
        ("null", None),
        ("https://user@partner.example.org", None),
        ("http://partner.example.org:99999", None),
    ],
)
def test_origins_are_compared_in_one_normal_form(given, normal):
    assert partners.normalize_origin(given) == normal


def test_contrast_ratio_follows_wcag():
    assert partners.contrast_ratio("#000000", "#ffffff") == pytest.approx(21)
    assert partners.contrast_ratio("#777", "#777777") == pytest.approx(1)
    assert partners.contrast_ratio("#767676", "#fff") == pytest.approx(4.54, abs=0.01)


@pytest.mark.parametrize("color", ["#0f5c4d", "#000", "#767676", "#B00020"])
def test_an_accent_dark_enough_for_white_text_is_kept(color):
    assert partners.safe_accent(color) == color.lower()


@pytest.mark.parametrize(
    "color", ["#ffd700", "#777777", "#fff", "red", "#12345", "url(x)", "", None, 7]
)
def test_an_accent_too_light_or_not_a_colour_becomes_the_safe_one(color):
    assert partners.safe_accent(color) == partners.SAFE_ACCENT
    assert partners.contrast_ratio(partners.SAFE_ACCENT, "#ffffff") >= 4.5


@pytest.mark.parametrize(
    "url, ok",
    [
        ("https://weather.example.com/", True),
        ("/demo/elsewhere", True),
        ("//evil.example.com/", False),
        ("javascript:alert(1)", False),
        ("weather.example.com", False),
        ("https://weather.example.com/a b", False),
        ("", False),
        (None, False),
    ],
)
def test_exit_urls_are_web_addresses_or_paths(url, ok):
    assert partners.valid_exit_url(url) is ok


def test_a_hand_typed_partner_row_is_read_forgivingly():
    partner = partners.from_row(
        {
            "key": "typed",
            "origins": "https://a.example.org  https://b.example.org/ not-an-origin",
            "greeting": "Hello.",
            "default_lang": "fr",
            "colors": "#ffff00",
            "exit_url": "javascript:alert(1)",
            "enabled": 1,
        }
    )
    assert partner.origins == ("https://a.example.org", "https://b.example.org")
    assert partner.greeting == {"en": "Hello.", "es": "Hello."}
    assert partner.default_lang == "en"
    assert partner.accent == partners.SAFE_ACCENT
    assert partner.exit_url == "about:blank"


def test_the_demo_partner_is_seeded_for_the_local_run_urls(database):
    demo = partners.get(database, "demo")
    assert demo.enabled
    assert {"http://127.0.0.1:5000", "http://localhost:5000"} <= set(demo.origins)
    assert partners.valid_exit_url(demo.exit_url)
    assert set(demo.greeting) == {"en", "es"}


def test_only_enabled_partners_are_found_for_an_origin(database):
    assert [p.key for p in partners.enabled_for_origin(database, "http://localhost:5000")] == [
        "demo"
    ]
    database["partner"].update("demo", {"enabled": 0})
    assert partners.enabled_for_origin(database, "http://localhost:5000") == []


def test_reload_writes_the_files_partners_over_and_keeps_the_others(database, data_dir):
    database["partner"].update("demo", {"origins": json.dumps(["https://old.example.org"])})
    database["partner"].insert({"key": "staff-made", "origins": "[]", "enabled": 1})
    write_partners(data_dir, [DEMO_ENTRY])
    counts = seed.load_all(database, data_dir)
    assert counts["partner"] == 1
    assert partners.get(database, "demo").origins == ("https://demo.example.org",)
    assert partners.get(database, "staff-made") is not None


@pytest.mark.parametrize(
    "change, words",
    [
        ({"key": "Not A Key"}, "not a key"),
        ({"origins": ["https://demo.example.org/path"]}, "origins"),
        ({"default_lang": "fr"}, "default_lang"),
        ({"colors": {"accent": "green"}}, "colors.accent"),
        ({"exit_url": "javascript:alert(1)"}, "exit_url"),
    ],
)
def test_a_bad_partner_entry_stops_the_reload_and_changes_nothing(
    database, data_dir, change, words
):
    write_partners(data_dir, [{**DEMO_ENTRY, **change}])
    before = list(database["partner"].rows)
    with pytest.raises(seed.SeedError, match=words):
        seed.load_all(database, data_dir)
    assert list(database["partner"].rows) == before


def test_a_partner_key_used_twice_stops_the_reload(database, data_dir):
    write_partners(data_dir, [DEMO_ENTRY, DEMO_ENTRY])
    with pytest.raises(seed.SeedError, match="more than once"):
        seed.load_all(database, data_dir)
