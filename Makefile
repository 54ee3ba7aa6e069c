# Two commands do all the set-up: `make demo` and `make test`. Both are idempotent.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test test-deep lint typecheck pytest browser bench bench-smoke clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps record what was installed, so a second run skips pip unless pyproject.toml changed.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/aftershock check
	@echo
	$(BIN)/aftershock replay aws-2025-10-20

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(VENV)/.installed-test
	$(BIN)/mypy

pytest: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest -q

# The HTML report's tests drive Debian's Chromium; install it where we can (root with apt-get).
CHROMIUM ?= /usr/bin/chromium
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing Debian's chromium for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "note: no $(CHROMIUM) and no root apt-get here: the browser tests will be skipped"; \
	fi

test: lint typecheck pytest

# By hand, long: every property test and fuzzer (pytest -m hypothesis) with the deep Hypothesis
# profile (tests/conftest.py). AFTERSHOCK_FUZZ_FINDINGS=DIR records every distinct failure
# instead of stopping at the first (tests/fuzz_findings.py).
test-deep: $(VENV)/.installed-test
	HYPOTHESIS_PROFILE=deep $(BIN)/python -m pytest -q -m hypothesis --hypothesis-show-statistics

bench: $(VENV)/.installed-test
	$(BIN)/python bench/bench_check.py
	$(BIN)/python bench/bench_sim.py
	$(BIN)/python bench/bench_hostile.py
	$(BIN)/python bench/bench_shapes.py

bench-smoke: $(VENV)/.installed-test
	$(BIN)/python bench/bench_check.py --sizes 1000 --smoke
	$(BIN)/python bench/bench_sim.py --sizes 1000 --smoke
	$(BIN)/python bench/bench_hostile.py --smoke
	$(BIN)/python bench/bench_shapes.py --smoke

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache
