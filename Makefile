# xinfang — the newcomer's path: `make demo` and `make test` on a machine with python3 and make.
# For an office server: `make install PREFIX=/opt/xinfang PY=/usr/bin/python3` (README “安装”).
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo
X := XINFANG_DB=$(DEMO)/ledger.db XINFANG_USER=演示员 $(BIN)/xinfang
# production install: a venv in PREFIX with the runtime dependencies only, `xinfang` in BINDIR
PREFIX ?=
BINDIR ?= /usr/local/bin
EXTRAS ?=

.PHONY: install install-prefix demo test lint bench bench-overdue bench-postgres clean sample-data docs templates

$(BIN)/python:
	$(PY) -m venv $(VENV)

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(STAMP)

ifeq ($(PREFIX),)
install: $(STAMP)
else
install: install-prefix
endif

# Re-runnable: run it again after `git pull` to upgrade. Built from a copy of the sources, so the
# checkout stays clean; umask 022 so every clerk's account can run what root installed.
install-prefix:
	@test -n "$(PREFIX)" || { echo "请指定安装目录，如 make install PREFIX=/opt/xinfang" >&2; exit 2; }
	@$(PY) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "需要 Python 3.11 或更新的版本：$(PY) 是 $$($(PY) --version 2>&1)" >&2; exit 2; }
	@echo "正在安装到 $(PREFIX)（$(if $(EXTRAS),含 $(EXTRAS) 扩展，)仅运行所需的依赖）…"
	@umask 022; set -e; \
	  test -x $(PREFIX)/bin/python || $(PY) -m venv $(PREFIX); \
	  src=$$(mktemp -d); trap 'rm -rf "$$src"' EXIT; \
	  cp -R pyproject.toml README.md src "$$src"/; \
	  rm -rf "$$src"/src/*.egg-info; find "$$src" -name __pycache__ -prune -exec rm -rf {} +; \
	  $(PREFIX)/bin/python -m pip install -q --upgrade --force-reinstall --no-deps "$$src"; \
	  $(PREFIX)/bin/python -m pip install -q --upgrade "$$src$(if $(EXTRAS),[$(EXTRAS)])"
	mkdir -p $(BINDIR)
	ln -sfn $(PREFIX)/bin/xinfang $(BINDIR)/xinfang
	@echo "已安装 $$($(PREFIX)/bin/xinfang --version) 到 $(PREFIX)，命令 $(BINDIR)/xinfang。"

demo: $(STAMP)
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
	@echo; echo "== 导入信访办自己的旧 Excel 台账（标题行、序号、信访时间、承办单位、学工部、合计行，每年一张表）=="
	XINFANG_DB=$(DEMO)/old.db XINFANG_USER=演示员 $(BIN)/xinfang init
	XINFANG_DB=$(DEMO)/old.db XINFANG_USER=演示员 $(BIN)/xinfang import "sample_data/旧台账示例.xlsx" --all-sheets
	XINFANG_DB=$(DEMO)/old.db XINFANG_USER=演示员 $(BIN)/xinfang list --limit 5 --no-pager
	@echo; echo "== 报表中的每个数字都能查到具体案件：2025 年的重复访 (xinfang list --figure repeat --year 2025) =="
	$(X) list --figure repeat --year 2025 --as-of 2026-01-31
	@echo; echo "== 2025 年度工作总结初稿（Word，含图表；信访办自己的工作先登记几条） =="
	@$(X) activity add --kind 校领导接待日 --on 2025-03-12 --people 36 --note 春季学期第一次接待日
	@$(X) activity add --kind 校领导接待日 --on 2025-10-15 --people 28
	@$(X) activity add --kind 联席会议 --on 2025-06-20
	@$(X) activity add --kind 专题培训 --on 2025-09-05 --people 120
	$(X) report annual --year 2025 --as-of 2026-01-31 --docx $(DEMO)/2025年信访工作总结.docx
	@echo; echo "演示账本在 $(DEMO)/ledger.db，年度工作总结初稿在 $(DEMO)/2025年信访工作总结.docx（红色【请填写】处需补写）。"
	@echo "试试：XINFANG_DB=$(DEMO)/ledger.db $(BIN)/xinfang --help"

lint: $(STAMP)
	$(BIN)/ruff check src tests bench sample_data tools
	$(BIN)/ruff format --check src tests bench sample_data tools
	$(BIN)/mypy
	$(BIN)/lint-imports

test: lint
	$(BIN)/pytest

# Every figure of issue 8 as a ratio to a floor measured in the same run (BENCH_SIZES=10000,100000
# by default; 1000000 for the full target). Not part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/run.py
	$(BIN)/python bench/postgres.py

# The PostgreSQL column alone: import and reports on SQLite and on a throwaway PostgreSQL
# server, side by side (BENCH_PG_SIZES=100000 by default); says so and passes without a server.
bench-postgres: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[bench]'
	$(BIN)/python bench/postgres.py

# The morning check on 1k and 200k ledgers with the same few hundred open cases.
bench-overdue: $(STAMP)
	$(BIN)/python bench/overdue_bench.py

sample-data: $(STAMP)
	$(BIN)/python sample_data/generate.py
	$(BIN)/python sample_data/office_workbook.py

clean:
	rm -rf $(DEMO) .pytest_cache .mypy_cache .ruff_cache .hypothesis

# The command reference (docs/commands.md) written from the application itself; a test keeps it current.
docs: install
	$(BIN)/python tools/gen_reference.py

# The default letter templates shipped in the package (src/xinfang_cli/templates/*.docx); commit
# the files it writes after changing the wording in tools/build_notice_templates.py.
templates: install
	$(BIN)/python tools/build_notice_templates.py
