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

# Scores the development sets, then the project's own held-out conversation sets. Failures
# are shown only for the sets whose failures have been read; the sets with a sealed half or
# never looked at (heldout5 to heldout11, everyday.jsonl) print their totals alone, so that
# scoring them does not unseal them.
SEEN_SETS := ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl $(addprefix tests/data/,heldout.jsonl heldout2.jsonl heldout3.jsonl heldout4.jsonl)
SEALED_SETS := $(addprefix tests/data/,heldout5.jsonl heldout6.jsonl heldout7.jsonl heldout8.jsonl heldout9.jsonl heldout10.jsonl heldout11.jsonl everyday.jsonl nonliteral.jsonl)
score: setup-dev
	for set in $(SEEN_SETS); do \
		echo "== $$set"; \
		LOG_LEVEL=WARNING $(BIN)/python ../shared/eval/score.py --set $$set --show-failures; \
	done
	for set in $(SEALED_SETS); do \
		echo "== $$set (totals only)"; \
		LOG_LEVEL=WARNING $(BIN)/python ../shared/eval/score.py --set $$set; \
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
