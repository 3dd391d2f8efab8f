# Quick start: `make run` (set up and run the bot) and `make test` (set up and run the tests).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test setup setup-dev lint score bench clean

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

setup-dev: $(VENV)/.dev /usr/bin/chromium

# Browser tests drive Debian's Chromium (never a downloaded browser).
/usr/bin/chromium:
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive apt-get update -qq
	$(if $(filter 0,$(shell id -u)),,sudo) env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null

run: setup
	ENVIRONMENT=development $(BIN)/flask --app app kb init
	ENVIRONMENT=development $(BIN)/flask --app app run --host $(HOST) --port $(PORT)

test: setup-dev
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -n auto

lint: setup-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Scores the development sets, then the project's own held-out conversations.
score: setup-dev
	for set in ../shared/eval/dev.jsonl ../shared/eval/dev2.jsonl tests/data/heldout.jsonl; do \
		echo "== $$set"; \
		$(BIN)/python ../shared/eval/score.py --set $$set --show-failures 2>/dev/null \
			| grep -v '^{"duration_ms"'; \
	done

# Benchmarks: prints the tables and writes bench/results.md.
bench: setup-dev
	$(BIN)/python -m bench.run

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache tests/artefacts
