# Two commands do everything: `make run` and `make test`. The rest are their parts.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM_PACKAGES_FOR_TESTS := postgresql redis-server chromium chromium-driver
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 3

.PHONY: run test venv system-packages db lint pytest bench clean

run: venv db
	$(BIN)/hotline run

test: venv system-packages lint pytest

venv: $(INSTALLED)

# Reinstalled only when the dependency list or the constraints change.
$(INSTALLED): pyproject.toml constraints.txt
	@test -x $(BIN)/python || "$$(scripts/find-python310.sh)" -m venv $(VENV)
	$(BIN)/pip install -q --upgrade "pip<25" wheel
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/pip check
	@touch $@

system-packages:
	scripts/install-system-packages.sh $(SYSTEM_PACKAGES_FOR_TESTS)

db: venv
	$(BIN)/hotline db upgrade
	$(BIN)/hotline db seed

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

pytest: venv
	$(BIN)/pytest

bench: venv
	$(BIN)/python benchmarks/search_bench.py

clean:
	rm -rf var models .pytest_cache
