# Two commands do everything: `make run` and `make test`. The rest are their parts.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
SYSTEM_PACKAGES_FOR_TESTS := postgresql redis-server chromium chromium-driver fonts-wqy-microhei
export PIP_DISABLE_PIP_VERSION_CHECK := 1
export TF_CPP_MIN_LOG_LEVEL := 3

MODEL := models/hotline.tar.gz
# Everything the model is trained from: retrained only when one of these changes.
TRAINING_INPUTS := config.yml domain.yml knowledge_base/places.py $(shell find nlu_data bot/rules bot/stories bot/components bot/rasa_fixes understanding knowledge_base/data -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) 2>/dev/null)

.PHONY: run test venv system-packages db model lint pytest bench evaluate clean page-test-modules miniprogram-test

run: venv db model
	$(BIN)/hotline run

test: venv system-packages lint pytest miniprogram-test

venv: $(INSTALLED)

# Reinstalled only when the dependency list or the constraints change.
$(INSTALLED): pyproject.toml constraints.txt
	@test -x $(BIN)/python || "$$(scripts/find-python310.sh)" -m venv $(VENV)
	$(BIN)/pip install -q -c constraints.txt --upgrade "pip<25" wheel
	$(BIN)/pip install -q -c constraints.txt -e ".[dev]"
	$(BIN)/pip check
	@touch $@

system-packages:
	scripts/install-system-packages.sh $(SYSTEM_PACKAGES_FOR_TESTS)

# The official list of streets and towns, read from beside the project (never copied
# into it) so that work orders are dispatched to the street where they happened.
DIVISIONS := ../shared/data/shanghai_divisions/streets.csv

db: venv
	$(BIN)/hotline db upgrade
	$(BIN)/hotline db seed
	@if [ -f $(DIVISIONS) ]; then \
		$(BIN)/hotline places import-divisions $(DIVISIONS) --as-of 2022-10-31 \
			--source "国家统计局统计用区划代码 2022（modood/Administrative-divisions-of-China 整理）"; \
	else \
		echo "no list of streets at $(DIVISIONS): orders are located by district only (hotline places import-divisions)"; \
	fi

model: $(MODEL)

# Rasa's own training cache cannot see changes inside the jieba dictionary: it is off.
$(MODEL): $(TRAINING_INPUTS) | venv
	$(BIN)/python scripts/generate_nlu_resources.py
	RASA_MAX_CACHE_SIZE=0 $(BIN)/rasa train --data nlu_data bot/rules bot/stories --domain domain.yml \
		--config config.yml --out models --fixed-model-name hotline

evaluate: venv model
	$(BIN)/python scripts/evaluate_conversation.py --model $(MODEL)

# The same checks run before each commit with `pre-commit install` (.pre-commit-config.yaml).
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/mypy

pytest: venv page-test-modules
	$(BIN)/pytest

# axe-core for the accessibility audit of the pages (tests/pages/test_accessibility.py),
# pinned in tests/pages/package-lock.json; reinstalled only when the lockfile changes.
PAGE_TEST_MODULES := tests/pages/node_modules/.installed
page-test-modules: $(PAGE_TEST_MODULES)

$(PAGE_TEST_MODULES): tests/pages/package-lock.json
	cd tests/pages && npm ci --no-audit --no-fund
	@touch $@

# The WeChat mini-program's chat page, run in miniprogram-simulate under jest against a
# fake gateway (clients/wechat-miniprogram/test/). Its tools are pinned in that folder's
# package-lock.json and reinstalled only when the lockfile changes.
MINIPROGRAM := clients/wechat-miniprogram
MINIPROGRAM_MODULES := $(MINIPROGRAM)/node_modules/.installed

miniprogram-test: $(MINIPROGRAM_MODULES)
	cd $(MINIPROGRAM) && npm test --silent

$(MINIPROGRAM_MODULES): $(MINIPROGRAM)/package-lock.json
	@command -v npm >/dev/null || { echo "npm (Node.js 18 or later) is needed for the mini-program tests" >&2; exit 1; }
	cd $(MINIPROGRAM) && npm ci --no-audit --no-fund
	@touch $@

# Each prints a table and writes JSON to benchmarks/results/; chat_bench times a real
# training (--train) and needs search_bench's results, so it runs after it.
bench: venv model
	$(BIN)/python benchmarks/search_bench.py
	$(BIN)/python benchmarks/classify_tipdm.py
	$(BIN)/python benchmarks/safety_bench.py
	$(BIN)/python benchmarks/chat_bench.py --train --model $(MODEL)
	$(BIN)/python benchmarks/rasa_fixes_bench.py --model $(MODEL)
	$(BIN)/python benchmarks/load_test.py --model $(MODEL)

clean:
	rm -rf var models .pytest_cache
