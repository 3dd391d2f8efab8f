"""What an import read, kept and rejected (and why), for the CLI and the staff editor."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

# Kinds of rejection, as staff read them.
MISSING = "missing required field"
DANGLING = "dangling foreign key"
DUPLICATE = "duplicate id"
BAD_PHONE = "bad phone"
BAD_VALUE = "bad value"
UNKNOWN = "unknown value"


class ImportFailed(RuntimeError):
    """The import stopped; nothing in the knowledge base was changed."""

    def __init__(self, message: str, report: ImportReport | None = None) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class Rejection:
    """One row that was not imported, and why."""

    table: str
    row: str  # the row's id in the file, or "line N" when it has none
    kind: str  # one of the kinds above
    detail: str

    def __str__(self) -> str:
        return f"{self.table} {self.row}: {self.kind}: {self.detail}"


@dataclass
class ImportReport:
    """Counts per table, every rejected row, and field-level corrections, for one import."""

    source: str
    format: str
    dry_run: bool = True
    read: Counter = field(default_factory=Counter)
    imported: Counter = field(default_factory=Counter)
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[Rejection] = field(default_factory=list)  # kept, with a field cleared
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    # Per table: (rows the import would delete, rows there now); filled by the importer.
    deletions: dict[str, tuple[int, int]] = field(default_factory=dict)
    confirm_percent: int = 50  # deleting this share of any table needs a confirmation
    # Per table that differs: rows the import adds, changes and removes; by the importer.
    changes: dict[str, dict[str, int]] = field(default_factory=dict)

    def heavy_deletions(self) -> dict[str, tuple[int, int]]:
        """The tables the import would lose at least confirm_percent of."""
        return {
            t: (gone, there)
            for t, (gone, there) in self.deletions.items()
            if there and gone * 100 >= self.confirm_percent * there
        }

    def needs_confirmation(self) -> bool:
        """True when the import would delete most of some table: a person must confirm it."""
        return bool(self.heavy_deletions())

    def deletion_warning(self) -> str:
        """One sentence naming what the import would delete, or "" when nothing much."""
        heavy = self.heavy_deletions()
        if not heavy:
            return ""
        parts = ", ".join(f"{gone:,} of {there:,} {t} rows" for t, (gone, there) in heavy.items())
        return (
            f"This import would delete {parts} (at least {self.confirm_percent}% of each). "
            "The bot would then answer only from its built-in safety floor for what is gone."
        )

    def reject(self, table: str, row: str, kind: str, detail: str) -> None:
        """Record a row that will not be imported."""
        self.rejected.append(Rejection(table, row, kind, detail))

    def warn(self, table: str, row: str, kind: str, detail: str) -> None:
        """Record a row kept with one field dropped or corrected."""
        self.warnings.append(Rejection(table, row, kind, detail))

    def counts(self) -> dict[str, dict[str, int]]:
        """Per table: rows read, rows imported (or that would be), rows rejected."""
        refused = Counter(r.table for r in self.rejected)
        tables = list(dict.fromkeys([*self.read, *self.imported, *refused]))
        return {
            t: {"read": self.read[t], "imported": self.imported[t], "rejected": refused[t]}
            for t in tables
        }

    def reasons(self) -> Counter:
        """How many rows were rejected per (table, kind)."""
        return Counter((r.table, r.kind) for r in self.rejected)

    def to_dict(self) -> dict:
        """A JSON-ready copy (every rejected row included)."""
        return {
            "source": self.source,
            "format": self.format,
            "dry_run": self.dry_run,
            "seconds": round(self.seconds, 2),
            "counts": self.counts(),
            "rejected": [r.__dict__ for r in self.rejected],
            "warnings": [w.__dict__ for w in self.warnings],
            "notes": list(self.notes),
            "deletions": {t: {"delete": g, "of": n} for t, (g, n) in self.deletions.items()},
            "needs_confirmation": self.needs_confirmation(),
            "changes": self.changes,
        }

    def change_totals(self) -> dict[str, int]:
        """Rows added, changed and removed over every table."""
        return {
            k: sum(c[k] for c in self.changes.values()) for k in ("added", "changed", "removed")
        }

    def summary(self, examples: int = 3) -> str:
        """A few lines for a terminal: counts, then each reason with up to `examples` rows."""
        verb = "would import" if self.dry_run else "imported"
        lines = [f"{'Dry run' if self.dry_run else 'Import'} of {self.source} ({self.format}):"]
        for table, c in self.counts().items():
            lines.append(
                f"  {table}: read {c['read']}, {verb} {c['imported']}, rejected {c['rejected']}"
            )
        for (table, kind), n in sorted(self.reasons().items()):
            lines.append(f"  rejected {n} {table} rows: {kind}")
            shown = [r for r in self.rejected if r.table == table and r.kind == kind]
            lines.extend(f"    {r.row}: {r.detail}" for r in shown[:examples])
        for (table, kind), n in sorted(Counter((w.table, w.kind) for w in self.warnings).items()):
            lines.append(f"  kept {n} {table} rows with a field dropped: {kind}")
        if self.changes or self.counts():
            totals = self.change_totals()
            verbs = (
                ("would add", "change", "remove")
                if self.dry_run
                else ("added", "changed", "removed")
            )
            lines.append(
                f"  {verbs[0]} {totals['added']:,} rows, {verbs[1]} {totals['changed']:,}, "
                f"{verbs[2]} {totals['removed']:,}"
            )
        lines.extend(f"  note: {note}" for note in self.notes)
        if self.needs_confirmation():
            lines.append(f"  WARNING: {self.deletion_warning()}")
        lines.append(f"  took {self.seconds:.1f} s")
        return "\n".join(lines)
