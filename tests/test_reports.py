"""Reports: real traffic through /sms and /api/chat, counted, protected and exported."""

import csv
import datetime as dt
import io
import re
from html.parser import HTMLParser

import pytest

from knowledge import reports, retention
from knowledge.db import connect
from tests.admin_support import add_staff, sign_in

TODAY = dt.datetime.now(dt.UTC).date()
RANGE = {
    "start": (TODAY - dt.timedelta(days=1)).isoformat(),
    "end": (TODAY + dt.timedelta(days=1)).isoformat(),
}
# (channel, messages, how many separate people send them)
TRAFFIC = [
    ("sms", ["i need help my boss took my passport"], 6),
    ("sms", ["he has a gun and wont let me leave"], 4),
    ("chat", ["my coworkers are never paid and the boss keeps their passports"], 5),
    ("chat", ["what is human trafficking"], 3),
    ("sms", ["find services", "hartford"], 3),
    ("chat", ["necesito un abogado"], 1),
    ("sms", ["hi"], 2),
    ("sms", ["qwerty asdf"], 1),
    ("sms", ["STOP"], 1),
]
EXPECTED_REASONS = {
    "Access Service Referrals": 6 + 3 + 1,
    "Request Crisis Assistance": 4,
    "Report a Trafficking Tip": 5,
    "Request General Information": 3,
}
SIGNALS = sum(EXPECTED_REASONS.values())


@pytest.fixture
def traffic(app, sms, chat):
    """Send every conversation in TRAFFIC; returns the numbers and texts used."""
    numbers, texts, n = [], [], 0
    for channel, messages, people in TRAFFIC:
        for _ in range(people):
            n += 1
            number = f"+1203555{n:04d}"
            numbers.append(number)
            for text in messages:
                texts.append(text)
                if channel == "sms":
                    sms(text, sender=number)
                else:
                    chat(text, session_id=f"session-{number}")
    return numbers, texts


@pytest.fixture
def staff(app, client):
    add_staff(app, "viewer")
    assert sign_in(client, "viewer").status_code == 302
    return client


class Tables(HTMLParser):
    """The report page's tables: {data-table: [[cell texts of a row], ...]}."""

    def __init__(self):
        super().__init__()
        self.tables, self.current, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-table" in attrs:
            self.current = self.tables.setdefault(attrs["data-table"], [])
        elif self.current is not None and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.current.append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None


def page_tables(client, **args):
    response = client.get("/admin/reports", query_string={**RANGE, **args})
    assert response.status_code == 200
    parser = Tables()
    parser.feed(response.get_data(as_text=True))
    return parser.tables


def rows_of(table):
    return {row[0]: row[1:] for row in table[1:]}  # skip the header row


def test_the_report_counts_the_traffic_by_primary_reason(traffic, staff):
    reasons = rows_of(page_tables(staff)["reason"])
    for reason, count in EXPECTED_REASONS.items():
        assert reasons[reason][0] == str(count)
    assert reasons["Total"][0] == str(SIGNALS)
    assert reasons["Report a Trafficking Tip"][1] == f"{100 * 5 / SIGNALS:.0f}%"


def test_the_report_counts_channels_regions_and_resources(traffic, staff):
    tables = page_tables(staff)
    channels = rows_of(tables["channel"])
    assert channels["SMS"][0] == str(6 + 4 + 3)
    assert channels["Webchat"][0] == str(5 + 3 + 1)
    regions = rows_of(tables["region"])
    assert regions["Hartford County, CT"][0] == "3"
    resources = rows_of(tables["resources"])
    assert resources["National Human Trafficking Hotline"][0] == str(SIGNALS)
    assert resources["911"][0] == "4"
    other = rows_of(tables["other"])
    assert other["Greetings, thanks and other messages with no request"][0] == "Fewer than three"


def test_small_counts_are_never_published_and_their_neighbours_are_hidden(traffic, staff):
    tables = page_tables(staff)
    for name, table in tables.items():
        for row in table[1:]:
            assert "1" not in row[1:] and "2" not in row[1:], (name, row)
    language = rows_of(tables["language"])
    assert language["Spanish"][0] == "Fewer than three"
    assert language["English"][0] == "Not shown"  # else Total - English gives Spanish away
    assert language["Total"][0] == str(SIGNALS)


def test_the_csv_export_matches_the_page(traffic, staff):
    tables = page_tables(staff)
    response = staff.get("/admin/reports.csv", query_string=RANGE)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    exported = list(csv.reader(io.StringIO(response.get_data(as_text=True))))[1:]
    from_page = []
    chart = tables.pop("chart")
    columns = chart[0][1:]
    for row in chart[1:]:
        for column, value in zip(columns, row[1:], strict=True):
            from_page.append(["chart", row[0], column, value, ""])
    captions = {row[0] for row in exported} - {"chart"}
    assert len(captions) == len(tables)
    for table in tables.values():
        title = table[0][0]
        for row in table[1:]:
            from_page.append([title, row[0], "Count", row[1], row[2]])
    assert sorted(exported) == sorted(from_page)


def test_the_json_export_matches_the_csv(traffic, staff):
    rows = list(
        csv.DictReader(
            io.StringIO(staff.get("/admin/reports.csv", query_string=RANGE).get_data(as_text=True))
        )
    )
    assert staff.get("/admin/reports.json", query_string=RANGE).get_json()["rows"] == rows


def test_the_events_hold_nothing_that_identifies_anyone(app, traffic, database):
    numbers, texts = traffic
    db = connect(app.config["DATABASE"])
    retention.purge(db, now=dt.datetime.now().timestamp() + 3600)  # every conversation ends
    db.close()
    dump = "\n".join(repr(row) for row in database["event"].rows)
    assert database["event"].count >= SIGNALS
    for number in numbers:
        assert number not in dump and number[2:] not in dump
    for text in set(texts):
        if len(text) > 6:  # short texts such as "hi" appear inside other words
            assert text not in dump
    digest_like = re.compile(r"[0-9a-f]{32,}")
    assert not digest_like.search(dump), "an event holds a hash"


def test_one_conversation_is_one_signal(app, sms, staff):
    for text in ["find services", "hartford", "MORE", "thanks"]:
        sms(text)
    reasons = rows_of(page_tables(staff)["reason"])
    assert reasons["Total"][0] == "Fewer than three"


@pytest.mark.parametrize(
    "args, sentence",
    [
        ({"start": "yesterday"}, "YYYY-MM-DD"),
        ({"start": "2026-05-01", "end": "2026-04-01"}, "on or before"),
        ({"period": "fortnight"}, "week"),
    ],
)
def test_a_bad_range_is_a_clear_400(staff, args, sentence):
    response = staff.get("/admin/reports", query_string=args)
    assert response.status_code == 400
    assert sentence in response.get_data(as_text=True)
    assert staff.get("/admin/reports.csv", query_string=args).status_code == 400


def test_reports_need_a_signed_in_member_of_staff(client):
    assert client.get("/admin/reports").status_code == 302
    assert client.get("/admin/reports.csv").status_code == 302


def test_retention_deletes_old_state_and_keeps_the_events(app, traffic, database):
    today = dt.datetime.now(dt.UTC).date()
    before = reports.build(database, today, today)
    assert database["event"].count == 0  # the conversations are still going on
    assert database["conversation"].count > 0 and database["delivery"].count > 0
    db = connect(app.config["DATABASE"])
    later = dt.datetime.now().timestamp() + 3 * 24 * 3600
    removed = retention.purge(db, now=later)
    db.close()
    assert removed["conversation"] > 0 and removed["delivery"] > 0
    assert database["conversation"].count == 0 and database["delivery"].count == 0
    assert database["event"].count >= SIGNALS  # filed as the conversations ended
    assert reports.build(database, today, today) == before  # counted once, either way
    assert database["subscriber"].count == 1  # the STOP is kept until START


def test_retention_keeps_recent_state(app, traffic, database):
    db = connect(app.config["DATABASE"])
    removed = retention.purge(db)
    db.close()
    assert removed["conversation"] == 0 and database["conversation"].count > 0


def test_the_retention_command_reports_what_it_deleted(app, traffic):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["retention", "run", "--dry-run"])
    assert result.exit_code == 0
    assert "Would delete 0 row(s) from conversation." in result.output
    bad = runner.invoke(args=["retention", "run", "--events-before", "soon"])
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


def test_widget_chats_are_counted_under_their_partner(app, client, staff):
    origin = {"Origin": "http://127.0.0.1:5000"}
    for n in range(3):
        body = {"session_id": f"widget-{n}", "message": "i need a lawyer", "partner": "demo"}
        assert client.post("/api/chat", json=body, headers=origin).status_code == 200
    partners = rows_of(page_tables(staff)["partner"])
    assert partners["Riverside Community Services (demo)"][0] == "3"
    assert partners["Total"][0] == "3"


def test_the_editor_links_to_the_reports(staff):
    page = staff.get("/admin/").get_data(as_text=True)
    assert 'href="/admin/reports"' in page
