"""Rewrite the README's Performance figures from bench/results.md (`make bench-publish`).

The figures live in one place, bench/results.md; the README shows them between two
markers, and tests/test_bench_readme.py fails when the two differ. Run
`python -m bench.readme` after changing bench/results.md.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
RESULTS = ROOT / "bench" / "results.md"
START = "<!-- performance: written by `python -m bench.readme` from bench/results.md -->"
END = "<!-- /performance -->"
# Quality, not speed: the Scoring section discusses the cross-validation.
LEFT_OUT = ("The learned reading: grouped cross-validation", "The learned reading: each intent")


def sections(results: str) -> list[tuple[str, str]]:
    """(title, body) of each `## ` section of a results file."""
    found = []
    for block in results.split("\n## ")[1:]:
        title, _, body = block.partition("\n")
        found.append((title.strip(), body.strip()))
    return found


def generated(results: str) -> str:
    """The README's Performance figures, markers included, from the results file's text."""
    parts = [
        START,
        "All figures below come from [bench/results.md](bench/results.md). *Wall-clock* "
        "is elapsed time, which on a shared machine includes waiting for the CPU; *CPU* "
        "counts only the time the process computed. Each table says when it was measured.",
    ]
    for title, body in sections(results):
        if title not in LEFT_OUT:
            parts.append(f"### {title}\n\n{body}")
    parts.append(END)
    return "\n\n".join(parts)


def rewrite(readme: str, results: str) -> str:
    """The README text with the part between the markers replaced."""
    pattern = re.compile(re.escape(START) + r".*?" + re.escape(END), flags=re.S)
    if not pattern.search(readme):
        raise SystemExit(f"README.md has no {START} ... {END} markers.")
    return pattern.sub(lambda _: generated(results), readme, count=1)


def main() -> None:
    """Rewrite README.md in place."""
    readme = README.read_text(encoding="utf-8")
    new = rewrite(readme, RESULTS.read_text(encoding="utf-8"))
    README.write_text(new, encoding="utf-8")
    print("README.md is up to date." if new == readme else "Rewrote README.md's Performance.")


if __name__ == "__main__":
    main()
