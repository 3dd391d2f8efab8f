"""The README's Performance figures are bench/results.md's, and `make bench` leaves git clean."""

import subprocess

from bench import readme, run


def test_the_readme_performance_section_is_generated_from_the_results_file():
    text = readme.README.read_text(encoding="utf-8")
    results = readme.RESULTS.read_text(encoding="utf-8")
    assert readme.rewrite(text, results) == text, "run: .venv/bin/python -m bench.readme"


def test_every_benchmark_time_says_whether_it_is_wall_clock_or_cpu():
    for title, body in readme.sections(readme.RESULTS.read_text(encoding="utf-8")):
        header = next(line for line in body.splitlines() if line.startswith("| "))
        for column in header.strip("| ").split(" | "):
            if column.endswith(" ms") or " ms " in column:
                assert column.startswith(("wall-clock", "CPU", "classify wall-clock")), (
                    title,
                    column,
                )
        assert body.startswith("Measured "), title


def test_make_bench_writes_to_an_ignored_folder_and_publishing_is_separate():
    assert run.RESULTS.parent.name == "out"
    ignored = subprocess.run(
        ["git", "check-ignore", "-q", str(run.RESULTS)], cwd=readme.ROOT, check=False
    )
    assert ignored.returncode == 0
    dry = subprocess.run(
        ["make", "-n", "bench"], cwd=readme.ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "LOG_LEVEL=WARNING" in dry and "bench/results.md" not in dry


def test_the_export_examples_write_only_ignored_files():
    for name in ("kb.json", "kb-csv/x.csv", "services.json", "hsds.zip", "report.json"):
        done = subprocess.run(["git", "check-ignore", "-q", name], cwd=readme.ROOT, check=False)
        assert done.returncode == 0, name
