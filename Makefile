# Quick start: `make run` (set up and run the bot) and `make test` (set up and run the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

CHROMIUM ?= /usr/bin/chromium
export CHROMIUM

.PHONY: run test test-quick setup setup-dev lint score bench bench-publish clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime

setup: $(VENV)/.runtime

setup-dev: $(VENV)/.dev $(CHROMIUM)

# Browser tests drive Debian's Chromium (never a downloaded browser): installed with
# apt-get, as root or through sudo. Without root, install it some other way and pass
# CHROMIUM=/path/to/chromium, or run `make test-quick`.
/usr/bin/chromium:
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null

# .flaskenv makes `flask` commands in this checkout ENVIRONMENT=development.
run: setup
	$(BIN)/flask --app app kb init
	TRAIN_AT_START=1 $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: setup-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto --dist loadscope

# The quick tests alone: no browser, no retraining, no README commands; needs no Chromium.
test-quick: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto --dist loadscope -m "not slow" --ignore=tests/browser

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Scores the development sets, then the project's own held-out conversation sets.
score: setup-dev
	for set in ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl tests/data/heldout.jsonl tests/data/heldout2.jsonl tests/data/heldout3.jsonl tests/data/heldout4.jsonl tests/data/heldout5.jsonl tests/data/heldout6.jsonl tests/data/heldout7.jsonl tests/data/heldout8.jsonl tests/data/heldout9.jsonl tests/data/heldout10.jsonl tests/data/everyday.jsonl; do \
		echo "== $$set"; \
		LOG_LEVEL=WARNING $(BIN)/python ../shared/eval/score.py --set $$set --show-failures; \
	done

# Benchmarks: prints the tables and writes bench/out/results.md (ignored by git).
bench: setup-dev
	LOG_LEVEL=WARNING $(BIN)/python -m bench.run

# Publishes the last `make bench`: bench/results.md and the README's Performance section.
bench-publish:
	cp bench/out/results.md bench/results.md
	$(BIN)/python -m bench.readme

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache tests/artefacts bench/out
