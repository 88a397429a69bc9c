"""The reference in docs/ says what the application does, and nothing outside the repository.

- docs/json.md: every key each `--json` command prints on the sample ledger is documented, and
  every documented key is printed by some run below. A section of docs/json.md is a heading
  `## `xinfang COMMAND --json`` followed by a table whose first column is the key in backticks;
  keys inside lists are written `by_department[].name`, keys inside objects `announced_before.overdue`.
  A command that prints a JSON array documents the keys of its items (`number`, not `[].number`).
- docs/commands.md has a section for every command (the reference itself is checked in
  test_reference.py).
- No file refers to documents that are not in the repository.
- The version in pyproject.toml, `xinfang --version` and CHANGELOG.md agree.

To document a new key: add a row to its command's table in docs/json.md. To check a new `--json`
command: add its runs to `_runs` below and a section to docs/json.md.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tomllib
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from conftest import TEST_ENV, Run
from xinfang_cli import __version__
from xinfang_cli.cli.main import app

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
SAMPLE = ROOT / "sample_data" / "cases.csv"
KEY_ROW = re.compile(r"^\|\s*`([^`]+)`\s*\|")
SECTION = re.compile(r"^##\s+`([^`]+)`")


def key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path in a JSON value: `a`, `a.b`, `a[].b` (list items merged)."""
    out: set[str] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out.add(path)
            out |= key_paths(inner, path)
    elif isinstance(value, list):
        for item in value:
            out |= key_paths(item, f"{prefix}[]")
    return out


def printed_keys(stdout: str) -> set[str]:
    """The key paths of one command's JSON output; an array's items are documented as objects."""
    data = json.loads(stdout)
    if isinstance(data, list):
        return {path.removeprefix("[].") for path in key_paths(data)}
    return key_paths(data)


def documented_keys() -> dict[str, set[str]]:
    """docs/json.md: section (the command in the heading) → the keys in its tables."""
    sections: dict[str, set[str]] = {}
    current: str | None = None
    for line in (DOCS / "json.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            match = SECTION.match(line)
            current = match.group(1) if match else None
            if current is not None:
                sections.setdefault(current, set())
        elif current is not None and (row := KEY_ROW.match(line)):
            sections[current].add(row.group(1))
    return sections


# --- the runs: each documented section, and the commands whose output it describes ----------

Runner = Callable[..., Run]
CASE = "show --json"  # `list --json` items are the same objects as `show --json`


def _runs(run: Runner, db: Path, tmp: Path) -> dict[str, list[str]]:
    """Section → the stdouts of every run that documents it, on the sample ledger (and on a
    ledger counting working days into a year without holiday data, for `provisional`)."""

    def out(*args: str, db_path: Path = db, codes: tuple[int, ...] = (0,)) -> str:
        today = {"XINFANG_TODAY": "2026-12-28"} if db_path != db else {}
        r = run("--db", str(db_path), *args, env=today)
        assert r.exit_code in codes, f"xinfang {' '.join(args)}: {r.exit_code}\n{r.stderr}"
        return r.stdout

    out("import", str(SAMPLE))
    # a case with its letters and a decided 复查, so show --json carries notices and reviews
    closed = json.loads(out("show", "XF2025-0101", "--json"))["closed_on"]
    day = date.fromisoformat(closed)
    out("notice", "XF2025-0101", "答复", "-o", str(tmp / "reply.docx"), "--on", closed)
    out("deliver", "XF2025-0101", "答复", "--on", str(day + timedelta(days=1)), "--method", "当面")
    out("review", "request", "XF2025-0101", "--on", str(day + timedelta(days=5)))
    out(
        "review",
        "decide",
        "XF2025-0101",
        "--decision",
        "维持",
        "--on",
        str(day + timedelta(days=20)),
        "--result",
        "维持原处理意见",
    )
    out("activity", "add", "--kind", "校领导接待日", "--on", "2025-03-05", "--people", "40")
    out("activity", "add", "--kind", "联席会议", "--on", "2025-04-01", "--note", "职称评聘争议")
    runs: dict[str, list[str]] = {
        "xinfang show --json": [
            out("show", "XF2025-0101", "--json"),
            out("list", "--json"),
            out("list", "--status", "未办结", "--json", "--reveal"),
            # followup --json prints case objects as list --json does
            out("followup", "--as-of", "2025-12-31", "--json"),
        ],
        "xinfang overdue --json": [
            out("overdue", "--as-of", "2025-12-31", "--json", codes=(1,)),
            out("overdue", "--as-of", "2025-12-31", "--new", "--json", codes=(1,)),
        ],
        "xinfang report annual --json": [
            out("report", "annual", "--year", "2025", "--as-of", "2026-01-31", "--json"),
        ],
        "xinfang report monthly --json": [
            out("report", "monthly", "--month", "2025-12", "--as-of", "2025-12-31", "--json"),
        ],
        "xinfang activity list --json": [out("activity", "list", "--year", "2025", "--json")],
        "xinfang verify --json": [out("verify", "--json")],
    }
    # verify's problems: a case changed behind the audit log's back
    con = sqlite3.connect(db)
    with con:
        con.execute("UPDATE cases SET aid_fen = 99999 WHERE number = 'XF2025-0101'")
        con.execute("UPDATE events SET actor = '伪造者' WHERE id = (SELECT max(id) FROM events)")
    con.close()
    runs["xinfang verify --json"].append(out("verify", "--json", codes=(1,)))

    # overdue's `provisional`: working days, today 2026-12-28, a deadline reaching 2027
    working = tmp / "working.db"
    out("init", db_path=working)
    taxonomy = tmp / "working.toml"
    out("taxonomy", "export", str(taxonomy), db_path=working)
    text = taxonomy.read_text(encoding="utf-8")
    taxonomy.write_text(
        text.replace('day_mode = "calendar"', 'day_mode = "working"'), encoding="utf-8"
    )
    out("taxonomy", "load", str(taxonomy), db_path=working)
    for received in ("2026-12-25", "2026-12-01"):
        out(
            "add",
            "--received",
            received,
            "--channel",
            "来信",
            "--summary",
            "宿舍漏水",
            db_path=working,
        )
    runs["xinfang overdue --json"].append(
        out("overdue", "--as-of", "2026-12-28", "--json", db_path=working, codes=(1,))
    )
    return runs


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, set[str]]:
    tmp = tmp_path_factory.mktemp("docs-reference")
    runner = CliRunner()

    def run(*args: str, env: dict[str, str] | None = None) -> Run:
        result = runner.invoke(app, list(args), env=env)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return Run(result.exit_code, result.stdout, result.stderr)

    with pytest.MonkeyPatch.context() as env:
        env.setenv("XDG_DATA_HOME", str(tmp / "xdg"))
        env.setenv("XDG_CONFIG_HOME", str(tmp / "xdg-config"))
        env.setenv("XINFANG_SYSTEM_CONFIG", str(tmp / "etc" / "config.toml"))
        env.delenv("XINFANG_DB", raising=False)
        for name, value in TEST_ENV.items():
            env.setenv(name, value)
        runs = _runs(run, tmp / "ledger.db", tmp)
    return {
        section: set().union(*(printed_keys(stdout) for stdout in stdouts))
        for section, stdouts in runs.items()
    }


def test_key_paths_name_list_items_and_nested_objects() -> None:
    data = {"a": 1, "by": [{"name": "x", "sub": {"k": 1}}], "o": {"p": [1, 2]}}
    assert key_paths(data) == {"a", "by", "by[].name", "by[].sub", "by[].sub.k", "o", "o.p"}
    assert printed_keys('[{"number": "XF2025-0001", "co_depts": ["教务处"]}]') == {
        "number",
        "co_depts",
    }


def test_every_json_command_has_a_section(printed: dict[str, set[str]]) -> None:
    documented = documented_keys()
    assert sorted(set(printed) - set(documented)) == [], "docs/json.md lacks these sections"


def test_every_printed_key_is_documented(printed: dict[str, set[str]]) -> None:
    documented = documented_keys()
    missing = {
        section: sorted(keys - documented.get(section, set()))
        for section, keys in printed.items()
        if keys - documented.get(section, set())
    }
    assert not missing, f"printed but not in docs/json.md: {missing}"


def test_every_documented_key_is_printed(printed: dict[str, set[str]]) -> None:
    documented = documented_keys()
    stale = {
        section: sorted(keys - printed.get(section, set()))
        for section, keys in documented.items()
        if keys - printed.get(section, set())
    }
    assert not stale, f"in docs/json.md but printed by no run (renamed? add a run?): {stale}"


# --- commands ---------------------------------------------------------------------------------


def test_every_command_in_help_has_a_section_in_the_command_reference() -> None:
    import typer

    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    help_text = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"}).stdout
    root = typer.main.get_command(app)
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        assert name in help_text, name
        assert f"## `xinfang {name}`" in text, f"docs/commands.md has no section for {name}"
        for sub in getattr(command, "commands", {}):
            assert f"### `xinfang {name} {sub}`" in text, (name, sub)


def test_the_docs_index_and_the_readme_link_every_document() -> None:
    index = (DOCS / "README.md").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for doc in sorted(DOCS.glob("*.md")):
        if doc.name != "README.md":
            assert f"({doc.name}" in index, f"docs/README.md does not link {doc.name}"
            assert f"(docs/{doc.name}" in readme, f"README.md does not link docs/{doc.name}"


# --- nothing outside the repository ------------------------------------------------------------

# Spelled in pieces so that this file does not name them itself.
OUTSIDE = re.compile(
    "|".join(
        (
            re.escape("contract" + ".md"),
            re.escape("domain" + ".md"),
            re.escape("../" + "shared"),
            re.escape("shared" + "/contract"),
            re.escape("shared" + "/domain"),
            r"\bthe " + "contract" + r"\b",
            "contract" + "'s",
            "contract" + r" ?的",
            "contract" + r" ?规定",
            "合同" + "规定",
        )
    ),
    re.IGNORECASE,
)
SKIPPED_DIRS = {".git", ".venv", "demo", "__pycache__", ".mypy_cache", ".ruff_cache"}
SKIPPED_DIRS |= {".pytest_cache", ".hypothesis", "build", "dist"}


def _repository_files() -> list[Path]:
    files = []
    for path in sorted(ROOT.rglob("*")):
        parts = set(path.relative_to(ROOT).parts)
        if (
            path.is_file()
            and not parts & SKIPPED_DIRS
            and not any(p.endswith(".egg-info") for p in parts)
        ):
            files.append(path)
    return files


def test_no_file_refers_to_documents_outside_the_repository() -> None:
    found = []
    for path in _repository_files():
        try:
            text = path.read_text(encoding="utf-8")
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if OUTSIDE.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()[:100]}")
    assert not found, "refer to docs/ instead:\n" + "\n".join(found)


# --- version ------------------------------------------------------------------------------------


def test_pyproject_the_program_and_the_changelog_agree_on_the_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    version = project["version"]
    assert __version__ == version
    printed = CliRunner().invoke(app, ["--version"]).stdout.strip()
    assert printed == f"xinfang {version}"
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", changelog, re.MULTILINE)
    assert headings and headings[0].strip("[] ") == "未发布", "CHANGELOG.md opens with 未发布"
    released = [h for h in headings[1:] if re.match(r"\[\d+\.\d+\.\d+\]", h)]
    assert released, "CHANGELOG.md has no release heading such as ## [0.1.0] - 2026-11-29"
    assert released[0].startswith(f"[{version}]"), (
        f"the newest release in CHANGELOG.md is {released[0]}, pyproject says {version}"
    )
    assert re.fullmatch(r"\[\d+\.\d+\.\d+\] - \d{4}-\d{2}-\d{2}", released[0])


def test_the_taxonomy_reference_shows_the_default_file_as_it_is() -> None:
    default = (ROOT / "src" / "xinfang_cli" / "default_taxonomy.toml").read_text(encoding="utf-8")
    text = (DOCS / "taxonomy.md").read_text(encoding="utf-8")
    assert f"```toml\n{default}```" in text, "docs/taxonomy.md: copy the default file again"
    settings = tomllib.loads(default)
    for table in ("settings", "risk", "calendar"):
        for key in settings[table]:
            assert f"`{key}`" in text, f"docs/taxonomy.md does not explain {table}.{key}"
    for key in {k for item in settings["categories"] for k in item}:
        assert f"`{key}`" in text, f"docs/taxonomy.md does not explain categories.{key}"


def test_the_case_file_reference_has_every_column() -> None:
    from xinfang_cli.casefile import CASE_COLUMNS, DERIVED_COLUMNS

    text = (DOCS / "casefile.md").read_text(encoding="utf-8")
    missing = [
        f"{header} ({key})"
        for key, header in CASE_COLUMNS + DERIVED_COLUMNS
        if f"| {header} | `{key}` |" not in text
    ]
    assert not missing, f"docs/casefile.md has no row for: {missing}"


FIGURE_KEYS = [
    "repeat",
    "collective",
    "bypass",
    "not_accepted",
    "closed",
    "open",
    "overdue_open",
    "first_time_one_time",
    "closed_on_time",
    "decided_in_time",
    "rated",
    "dissatisfied",
    "aided",
]
NOT_FIGURES = {"year", "collective_threshold", "scorecard_min_cases", "warn_days"}


def test_every_report_figure_is_defined_in_words() -> None:
    """Each number of both reports (a top-level integer or number in docs/json.md) is in
    docs/figures.md, and so is each `list --figure` key."""
    figures = (DOCS / "figures.md").read_text(encoding="utf-8")
    numeric = re.compile(r"^\|\s*`([a-z_]+)`\s*\|\s*(integer|number)")
    keys: set[str] = set(FIGURE_KEYS)
    section = None
    for line in (DOCS / "json.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            section = line
        elif section and "report" in section and (row := numeric.match(line)):
            keys.add(row.group(1))
    undefined = sorted(k for k in keys - NOT_FIGURES if f"`{k}`" not in figures)
    assert not undefined, f"docs/figures.md does not define: {undefined}"


def test_the_json_examples_parse_and_use_documented_keys() -> None:
    """Each ```json example in docs/json.md is JSON whose keys its section documents ("…" marks
    the keys left out of an example)."""
    documented = documented_keys()
    section = None
    block: list[str] | None = None
    for line in (DOCS / "json.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            match = SECTION.match(line)
            section = match.group(1) if match else None
        elif line == "```json":
            block = []
        elif line == "```" and block is not None:
            assert section is not None, "a JSON example outside a command's section"
            keys = printed_keys("\n".join(block))
            unknown = sorted(
                k for k in keys if not k.endswith("…") and k not in documented[section]
            )
            assert not unknown, f"{section}: the example uses undocumented keys {unknown}"
            block = None
        elif block is not None:
            block.append(line)


def test_the_case_file_example_imports(xf: Callable[..., Run], tmp_path: Path) -> None:
    text = (DOCS / "casefile.md").read_text(encoding="utf-8")
    example = text.split("```csv\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "例子.csv"
    path.write_text(example, encoding="utf-8")
    r = xf("import", str(path))
    assert r.exit_code == 0, r.stderr
    assert "已导入 2 件" in r.stdout + r.stderr
    shown = json.loads(xf("show", "XF2025-0001", "--json").stdout)
    assert (shown["status"], shown["rating"]) == ("closed", "satisfied")
