# certflow: `make run` runs the service locally with demo data; `make test` runs the tests.
# The newest Python certflow supports (3.13, 3.12, 3.11), on PATH or installed by pyenv (whose
# shims answer only for the active version); `make PYTHON=python3.12 ...` chooses another.
PYTHON ?= $(shell for v in 3.13 3.12 3.11; do \
	for p in python$$v $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/$$v*/bin/python$$v 2>/dev/null | sort -V | tail -n 1); do \
	$$p -c '' 2>/dev/null && { command -v $$p; exit 0; }; done; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)-$(notdir $(PYTHON))

.PHONY: install run test gates bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "certflow needs Python 3.11, 3.12 or 3.13: none was found"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if (3, 11) <= sys.version_info[:2] <= (3, 13) else "certflow needs Python 3.11 to 3.13")'
	$(PYTHON) -m venv --clear $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $@

run: install
	$(BIN)/certflow dev

# The gates first (seconds), then every test: a lint, type or architecture failure fails the build.
# A worker per core, up to four, each with its own database and servers, a test module at a
# time (module-scoped servers are started once): about 405 s in two (README).
test: install gates
	$(BIN)/pytest --numprocesses auto --maxprocesses 4 --dist loadfile

gates: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench.append
	$(BIN)/python -m bench.roundtrip
	$(BIN)/python -m bench.rebuild
	$(BIN)/python -m bench.queries
	$(BIN)/python -m bench.lag
	$(BIN)/python -m bench.http_commands
	$(BIN)/python -m bench.dispatcher
	$(BIN)/python -m bench.reminders

clean:
	rm -rf $(VENV) .data .pytest_cache .hypothesis .mypy_cache .ruff_cache .import_linter_cache
