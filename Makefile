# Meetup: `make run` to try it, `make test` to check it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app meetup
ICALJS := tests/calendar/js/node_modules/.installed
AXE := tests/browser/js/node_modules/.installed
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test lint format migrate serve bench bench-mail bench-message bench-suggestions bench-followups bench-announce bench-series screenshots clean

# The web server, the mail worker and the periodic jobs (reminders,
# suggestions, follow-ups: cron in production) side by side; mail is printed
# here unless MEETUP_SMTP_URL or MEETUP_MAIL_DIR says otherwise.
run: $(VENV)/.installed
	$(FLASK) db upgrade
	$(FLASK) meetup seed-demo
	@echo
	@echo "  Meetup is running on http://$(HOST):$(PORT)  (Ctrl+C to stop)"
	@echo
	@trap 'kill $$worker $$jobs 2>/dev/null; wait $$worker $$jobs 2>/dev/null' EXIT INT TERM; \
	$(FLASK) meetup deliver-mail & worker=$$!; \
	$(FLASK) meetup run-jobs & jobs=$$!; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: $(VENV)/.installed-dev $(ICALJS) $(AXE)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ical.js (Thunderbird's parser) for the calendar tests, when npm is here;
# without it those checks skip and say why (CI requires them).
$(ICALJS): tests/calendar/js/package.json tests/calendar/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/calendar/js && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: the ical.js checks of the calendar tests will skip"; fi

# axe-core (accessibility rules) for the browser tests that visit every page.
$(AXE): tests/browser/js/package.json tests/browser/js/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		cd tests/browser/js && npm ci --no-audit --no-fund --silent && touch node_modules/.installed; \
	else echo "npm not found: the browser tests that check every page will skip"; fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache

format: $(VENV)/.installed-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Generate a migration after a model change: make migrate m="what changed"
migrate: $(VENV)/.installed
	$(FLASK) db migrate -m "$(m)"

# Serve as in production (gunicorn with the shipped config).
serve: $(VENV)/.installed
	$(FLASK) db upgrade
	$(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

$(VENV)/bin/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Meetup needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@ $(VENV)/.installed

# Our pages against a minimal Flask page under gunicorn and wrk (see bench/README.md).
bench: $(VENV)/.installed-dev
	$(BIN)/python -m bench
	$(BIN)/python bench/community_announce.py

# Scoring suggestions for 1,000 to 100,000 people, beside a baseline (see bench/README.md).
bench-suggestions: $(VENV)/.installed-dev
	$(BIN)/python -m bench.suggestions

# Mail delivery throughput against a plain smtplib loop (see bench/README.md).
bench-mail: $(VENV)/.installed-dev
	$(BIN)/python bench/mail_throughput.py

# How long a host's message to 2,000 people takes to answer (see bench/README.md).
bench-message: $(VENV)/.installed-dev
	$(BIN)/python bench/host_message.py

# The follow-up of one event with 1,000 and 10,000 people (see bench/README.md).
bench-followups: $(VENV)/.installed-dev
	$(BIN)/python bench/followups.py

# A community's new event told to 10,000 members (see bench/README.md).
bench-announce: $(VENV)/.installed-dev
	$(BIN)/python bench/community_announce.py

# The series' horizon job over 500 series, then again with nothing to do (see bench/README.md).
bench-series: $(VENV)/.installed-dev
	$(BIN)/python bench/series.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache *.egg-info

# The README's pictures, retaken from the demo data (needs chromium, chromium-driver).
screenshots: $(VENV)/.installed-dev
	$(BIN)/python docs/screenshots.py

