"""/admin/reports: the protected report tables as a page, a CSV file and JSON, for staff."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os

from flask import Blueprint, Response, jsonify, render_template, request

from knowledge import csv_cells, reports
from knowledge.db import get_db
from knowledge.editor.auth import login_required

HERE = os.path.dirname(__file__)
bp = Blueprint("reports", __name__, template_folder=os.path.join(HERE, "report_templates"))
DEFAULT_DAYS = 365


class BadRange(ValueError):
    """The date range asked for cannot be read; the message says why."""


def _range() -> tuple[dt.date, dt.date, str]:
    """The start, end and period asked for in the query string (defaults: the last year)."""
    today = dt.date.today()
    try:
        end = dt.date.fromisoformat(request.args.get("end") or today.isoformat())
        start_text = (
            request.args.get("start") or (end - dt.timedelta(days=DEFAULT_DAYS)).isoformat()
        )
        start = dt.date.fromisoformat(start_text)
    except ValueError as error:
        raise BadRange("Dates must be written as YYYY-MM-DD, for example 2026-01-31.") from error
    if start > end:
        raise BadRange("The start date must be on or before the end date.")
    if (end - start).days > 3 * 366:
        raise BadRange("Choose a range of at most three years.")
    period = request.args.get("period") or "month"
    if period not in reports.PERIODS:
        raise BadRange('The period must be "week" or "month".')
    return start, end, period


def _report_or_error():
    try:
        start, end, period = _range()
    except BadRange as error:
        return None, str(error)
    return reports.build(get_db(), start, end, period), ""


@bp.get("/admin/reports")
@login_required(role="viewer")
def page():
    """The report page."""
    report, problem = _report_or_error()
    if problem:
        return render_template("reports/page.html", report=None, problem=problem), 400
    return render_template("reports/page.html", report=report, problem="", bars=_bars(report.chart))


def rows_for_export(report: reports.Report) -> list[list[str]]:
    """Every published number as rows: table, row, column, count, percent."""
    out = [["table", "row", "column", "count", "percent"]]
    chart = report.chart
    for label, cells, total in zip(chart.labels, chart.grid, chart.row_totals, strict=True):
        for column, cell in zip(reports.CHANNEL_COLUMNS, cells, strict=True):
            out.append(["chart", label, column, cell.display, ""])
        out.append(["chart", label, "Total", total.display, ""])
    for column, cell in zip(reports.CHANNEL_COLUMNS, chart.col_totals, strict=True):
        out.append(["chart", "Total", column, cell.display, ""])
    out.append(["chart", "Total", "Total", chart.grand.display, ""])
    for table in [*report.tables, report.other]:
        for line in table.lines():
            out.append([table.title, line["label"], "Count", line["count"], line["percent"]])
    return out


@bp.get("/admin/reports.csv")
@login_required(role="viewer")
def csv_export():
    """The same numbers as the page, as a CSV file."""
    report, problem = _report_or_error()
    if problem:
        return Response(problem, status=400, mimetype="text/plain")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(csv_cells.safe_row(row) for row in rows_for_export(report))
    name = f"signals-{report.start.isoformat()}-to-{report.end.isoformat()}.csv"
    return Response(
        buffer.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f"attachment; filename={name}"},
    )


@bp.get("/admin/reports.json")
@login_required(role="viewer")
def json_export():
    """The same numbers as the page, as JSON."""
    report, problem = _report_or_error()
    if problem:
        return jsonify({"error": problem}), 400
    rows = rows_for_export(report)
    header = rows[0]
    return jsonify(
        {
            "start": report.start.isoformat(),
            "end": report.end.isoformat(),
            "rows": [dict(zip(header, row, strict=True)) for row in rows[1:]],
        }
    )


def _bars(chart: reports.Chart) -> list[dict]:
    """Bar geometry for the SVG chart: one group per period, one bar per channel."""
    shown = [c.value for row in chart.grid for c in row if c.shown]
    top = max(shown + [1])
    bars = []
    for i, (label, cells) in enumerate(zip(chart.labels, chart.grid, strict=True)):
        for j, cell in enumerate(cells):
            visible = cell.shown
            height = round(160 * cell.value / top) if visible else 0
            bars.append(
                {
                    "x": 60 + i * 60 + j * 24,
                    "y": 190 - height,
                    "height": height,
                    "channel": j,
                    "label": label,
                    "text": cell.display,
                    "hidden": not visible,
                }
            )
    return bars
