# Everything a fresh machine needs: Python 3.11+ and pip.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test deep-test bench lint clean install web

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## demo: install, then validate and show a shipped example
demo: $(STAMP)
	$(BIN)/vinfra validate examples/two-independent-switches.yaml
	$(BIN)/vinfra show examples/two-independent-switches.yaml --host esx01
	@echo
	@echo "vinfra is installed in $(VENV): '. $(VENV)/bin/activate' puts it on your PATH (README: A five-minute tour)"

## test: install with the test extras and run the whole suite
test: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)
	$(BIN)/python -m pytest

## deep-test: the property and fuzz tests (marked `deep`) with 10,000 examples each
deep-test: $(STAMP)
	VINFRA_DEEP=1 $(BIN)/python -m pytest -m deep -p no:cacheprovider

## bench: time loading and validating generated designs (each case three times, the best kept)
bench: $(STAMP)
	$(BIN)/python -m bench --repeat 3

lint: $(STAMP)
	$(BIN)/ruff check src tests $(wildcard bench)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info .pytest_cache

## web: rebuild the web client's vendored assets from the pinned npm packages (web/package-lock.json)
web:
	cd web && npm ci --no-audit --no-fund
	cp web/node_modules/cytoscape/dist/cytoscape.min.js src/vinfra/web/static/vendor/cytoscape.min.js
	cp web/node_modules/cytoscape/LICENSE src/vinfra/web/static/vendor/cytoscape.LICENSE
	cp web/node_modules/axe-core/axe.min.js tests/web/vendor/axe.min.js
	cp web/node_modules/axe-core/LICENSE tests/web/vendor/axe-core.LICENSE
