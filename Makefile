# certflow: `make run` runs the service locally with demo data; `make test` runs the tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: install run test bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "certflow needs Python 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	@rm -f $(VENV)/.installed-* && touch $@

run: install
	$(BIN)/certflow dev

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench.append
	$(BIN)/python -m bench.roundtrip
	$(BIN)/python -m bench.rebuild
	$(BIN)/python -m bench.queries
	$(BIN)/python -m bench.lag
	$(BIN)/python -m bench.http_commands

clean:
	rm -rf $(VENV) .data .pytest_cache .hypothesis
