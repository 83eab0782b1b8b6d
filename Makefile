# The README's two commands are `make run` and `make test`; both start from `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

LOCK := requirements.lock

.PHONY: install lock run test lint unit integration clean

install: $(STAMP)

# Re-install only when the dependency list or the lock changed (or the venv is new).
# The lock is a pip constraints file: every package it names gets the version CI tested; a
# dependency added to pyproject.toml but not yet locked still installs (then run `make lock`).
$(STAMP): pyproject.toml $(LOCK)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(LOCK) -e '.[dev]'
	@touch $(STAMP)

# Re-pin the lock to what the venv has now (after a green `make test`).
lock: install
	@echo "# Versions the test suite passed with; used by make install as pip constraints." > $(LOCK)
	@echo "# Regenerate with: make lock" >> $(LOCK)
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^creditor-inbox' >> $(LOCK)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

unit: install
	$(BIN)/pytest tests/unit -q

integration: install
	$(BIN)/pytest tests/integration -q

test: install lint
	$(BIN)/pytest

run: install
	@mkdir -p var
	$(BIN)/alembic upgrade head
	$(BIN)/honcho start -f Procfile web worker

clean:
	rm -rf $(VENV) var/*.sqlite3*
