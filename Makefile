# The README's two commands are `make run` and `make test`; both start from `make install`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install run test lint unit integration clean

install: $(STAMP)

# Re-install only when the dependency list changed (or the venv is new).
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

lint: install
	$(BIN)/ruff check .
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
