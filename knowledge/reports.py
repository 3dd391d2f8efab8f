"""Report tables over the anonymous events, laid out like the hotline's state reports.

Every count passes through knowledge.suppression before it is shown: tables that share
a number share the very same cell, so a count hidden in one is hidden in all.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

import sqlite_utils

from bot.signals import FALLBACK, NOISE, REASONS, SUBSTANTIVE
from knowledge import events as event_store
from knowledge.suppression import Cell, mark_small, protect_line, protect_table

LANGUAGES = {"en": "English", "es": "Spanish"}
CHANNEL_COLUMNS = ["SMS", "Webchat"]
PERIODS = ("week", "month")


@dataclass
class Table:
    """One published table: labelled rows of cells and, for additive tables, a total."""

    key: str
    title: str
    rows: list[tuple[str, Cell]]
    total: Cell | None
    note: str = ""

    def lines(self) -> list[dict]:
        """Rows as shown: label, count and percentage of the total (both maybe suppressed)."""
        out = [
            {"label": label, "count": c.display, "percent": self._percent(c)}
            for label, c in self.rows
        ]
        if self.total is not None:
            out.append(
                {
                    "label": "Total",
                    "count": self.total.display,
                    "percent": self._percent(self.total),
                }
            )
        return out

    def _percent(self, cell: Cell) -> str:
        base = self.total
        if not cell.shown or base is None or not base.shown or base.value == 0:
            return ""
        return f"{100 * cell.value / base.value:.0f}%"


@dataclass
class Chart:
    """Signals per period (rows) and channel (columns), with margins, all protected."""

    period: str
    labels: list[str]
    grid: list[list[Cell]]
    row_totals: list[Cell]
    col_totals: list[Cell]
    grand: Cell


@dataclass
class Report:
    """Everything the reports page, its CSV and its JSON show for one date range."""

    start: dt.date
    end: dt.date
    tables: list[Table] = field(default_factory=list)
    chart: Chart | None = None
    other: Table | None = None


def _period_start(day: dt.date, period: str) -> dt.date:
    if period == "month":
        return day.replace(day=1)
    return day - dt.timedelta(days=day.weekday())


def _periods(start: dt.date, end: dt.date, period: str) -> list[dt.date]:
    out, current = [], _period_start(start, period)
    while current <= end:
        out.append(current)
        if period == "month":
            current = (current.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            current += dt.timedelta(days=7)
    return out


def _events(db: sqlite_utils.Database, start: dt.date, end: dt.date) -> list[dict]:
    """Filed events and those of conversations still going on (counted once either way)."""
    first, last = start.isoformat(), end.isoformat()
    filed = db.query("SELECT * FROM event WHERE day >= ? AND day <= ? ORDER BY id", [first, last])
    return [*filed, *event_store.in_progress(db, first, last)]


def _names(db: sqlite_utils.Database, table: str, key: str, label: str) -> dict[str, str]:
    return {row[key]: row[label] for row in db.query(f"SELECT [{key}], [{label}] FROM [{table}]")}


def build(db: sqlite_utils.Database, start: dt.date, end: dt.date, period: str = "month") -> Report:
    """The protected report over events dated start..end (inclusive)."""
    events = _events(db, start, end)
    signals = [e for e in events if e["kind"] == SUBSTANTIVE]
    report = Report(start, end)
    chart = _chart(signals, start, end, period)
    report.chart = chart
    sms, webchat = chart.col_totals
    report.tables.append(
        Table(
            "channel",
            "Substantive signals by channel",
            [("SMS", sms), ("Webchat", webchat)],
            chart.grand,
        )
    )
    partners = _names(db, "partner", "key", "name")
    by_partner = Counter(e["partner"] or "" for e in signals if e["channel"] == "Webchat")
    labels = sorted(by_partner, key=lambda k: (k != "", partners.get(k, k)))
    rows = [
        (partners.get(k, k) if k else "This site's own chat page", Cell(by_partner[k]))
        for k in labels
    ]
    if rows:
        protect_line([c for _, c in rows], webchat)
        report.tables.append(Table("partner", "Webchat signals by partner", rows, webchat))
    report.tables.append(
        _one_way("reason", "Primary reason for contacting", signals, "reason", REASONS, chart.grand)
    )
    report.tables.append(
        _one_way("language", "Language", signals, "lang", list(LANGUAGES), chart.grand, LANGUAGES)
    )
    regions = sorted({e["region"] for e in signals if e["region"]})
    region_rows = _one_way(
        "region",
        "Region the person named",
        signals,
        "region",
        regions + [""],
        chart.grand,
        {"": "Not given"},
    )
    report.tables.append(region_rows)
    report.tables.append(_resources(db, signals))
    report.other = _other(events)
    return report


def _one_way(key, title, signals, column, categories, total, names=None) -> Table:
    counts = Counter(e[column] or "" for e in signals)
    rows = [((names or {}).get(c, c), Cell(counts.get(c, 0))) for c in categories]
    protect_line([cell for _, cell in rows], total)
    return Table(key, title, rows, total)


def _resources(db: sqlite_utils.Database, signals: list[dict]) -> Table:
    """Signals in which each resource was referred (one signal may refer several: no total)."""
    counts = Counter(r for e in signals for r in (e["resources"] or "").split(",") if r)
    names = _names(db, "service", "id", "name")
    rows = [
        (names.get(r, r), Cell(n))
        for r, n in sorted(counts.items(), key=lambda i: (-i[1], names.get(i[0], i[0])))
    ]
    mark_small([cell for _, cell in rows])  # no total to protect: small counts only
    note = "A signal can be referred to several resources, so these counts do not add up."
    return Table("resources", "Resources referred", rows, None, note)


def _chart(signals: list[dict], start: dt.date, end: dt.date, period: str) -> Chart:
    starts = _periods(start, end, period)
    index = {p: i for i, p in enumerate(starts)}
    counts = [[0] * len(CHANNEL_COLUMNS) for _ in starts]
    for e in signals:
        row = index[_period_start(dt.date.fromisoformat(e["day"]), period)]
        counts[row][CHANNEL_COLUMNS.index(e["channel"])] += 1
    grid = [[Cell(n) for n in row] for row in counts]
    row_totals = [Cell(sum(row)) for row in counts]
    col_totals = [Cell(sum(row[j] for row in counts)) for j in range(len(CHANNEL_COLUMNS))]
    grand = Cell(len(signals))
    protect_table(grid, row_totals, col_totals, grand)
    label = "Week of {}" if period == "week" else "{}"
    labels = [
        label.format(p.isoformat() if period == "week" else p.strftime("%B %Y")) for p in starts
    ]
    return Chart(period, labels, grid, row_totals, col_totals, grand)


def _other(events: list[dict]) -> Table:
    """Contacts that are not substantive signals, counted apart (as the hotline does)."""
    # A conversation that was only STOP or START is counted with the opt-outs, not as noise.
    kinds = Counter(
        e["kind"]
        for e in events
        if e["kind"] != SUBSTANTIVE and not (e["kind"] == NOISE and (e["opt_out"] or e["opt_in"]))
    )
    rows = [
        (
            "Could not tell what was needed (answered with the hotline)",
            Cell(kinds.get(FALLBACK, 0)),
        ),
        ("Greetings, thanks and other messages with no request", Cell(kinds.get(NOISE, 0))),
        ("Opt-outs (STOP)", Cell(sum(e["opt_out"] for e in events))),
        ("Opt-ins (START)", Cell(sum(e["opt_in"] for e in events))),
    ]
    mark_small([cell for _, cell in rows])  # no total to protect: small counts only
    note = "Opt-outs and opt-ins can happen inside any conversation, so these rows do not add up."
    return Table("other", "Other contacts, not counted as signals", rows, None, note)
