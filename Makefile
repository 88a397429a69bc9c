# xinfang — the newcomer's path: `make demo` and `make test` on a machine with python3 and make.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
X := XINFANG_DB=$(DEMO)/ledger.db XINFANG_USER=演示员 $(BIN)/xinfang

.PHONY: install demo test lint bench clean sample-data

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

demo: install
	rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(X) init
	$(X) import sample_data/cases.csv
	@echo; echo "== 2025 年 12 月底仍未办结的案件 (xinfang list --status 未办结 --as-of 2025-12-31) =="
	$(X) list --status 未办结 --as-of 2025-12-31
	@echo; echo "== 一件案件的全部信息与操作日志 =="
	$(X) show XF2025-0101
	$(X) history XF2025-0101
	@echo; echo "== 每日超期检查 (xinfang overdue --as-of 2025-12-31) =="
	@$(X) overdue --as-of 2025-12-31; code=$$?; echo "（退出码 $$code：0 无超期，1 有超期案件——cron 据此发出提醒，2 无法检查）"; [ $$code -le 1 ]
	@echo; echo "== 2025 年 12 月形势分析 =="
	$(X) report monthly --month 2025-12 --as-of 2025-12-31
	@echo; echo "== 2025 年度统计 =="
	$(X) report annual --year 2025 --as-of 2026-01-31
	$(X) report annual --year 2025 --as-of 2026-01-31 --markdown
	@echo; echo "演示账本在 $(DEMO)/ledger.db；试试：XINFANG_DB=$(DEMO)/ledger.db $(BIN)/xinfang --help"

lint: install
	$(BIN)/ruff check src tests bench sample_data
	$(BIN)/ruff format --check src tests bench sample_data
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

bench: install
	$(BIN)/python bench/overdue_bench.py

sample-data: install
	$(BIN)/python sample_data/generate.py

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache .hypothesis
