"""Help text is documentation: every command has Chinese help and a README example."""

import re
from pathlib import Path

import typer

from xinfang_cli.cli.main import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _commands() -> list[tuple[str, typer.models.CommandInfo]]:
    found: list[tuple[str, typer.models.CommandInfo]] = []
    for info in app.registered_commands:
        found.append((info.name or "", info))
    for group in app.registered_groups:
        assert group.typer_instance is not None
        for info in group.typer_instance.registered_commands:
            found.append((f"{group.name} {info.name}", info))
    return found


def test_every_command_is_in_the_readme_with_an_example() -> None:
    missing = [
        name for name, _ in _commands() if not re.search(rf"xinfang( --\S+ \S+)* {name}\b", README)
    ]
    assert not missing, f"README has no example for: {missing}"


def test_every_command_and_option_has_chinese_help() -> None:
    import inspect

    for name, info in _commands():
        callback = info.callback
        assert callback is not None
        doc = inspect.getdoc(callback) or ""
        assert CHINESE.search(doc), f"{name} has no Chinese help"
        for param in inspect.signature(callback).parameters.values():
            for meta in getattr(param.annotation, "__metadata__", ()):
                if isinstance(meta, (typer.models.OptionInfo, typer.models.ArgumentInfo)):
                    assert meta.help and CHINESE.search(meta.help), (
                        f"{name} {param.name} has no help"
                    )


def test_readme_starts_with_the_two_quick_start_commands() -> None:
    head = README[: README.index("## 账本在哪里")]
    assert "make demo" in head and "make test" in head


def test_the_readme_shows_the_sample_datas_real_2025_report(xf, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("COLUMNS", "100")
    sample = Path(__file__).parent.parent / "sample_data" / "cases.csv"
    assert xf("import", str(sample)).exit_code == 0
    r = xf("report", "annual", "--year", "2025", "--as-of", "2026-01-31")
    assert r.exit_code == 0
    assert r.stdout.rstrip() in README, "README's sample annual report is out of date"
    md = xf("report", "annual", "--year", "2025", "--as-of", "2026-01-31", "--markdown").stdout
    first = md.splitlines()[0]
    assert first in README
    assert first.startswith("全年共受理信访事项327件(次)，同比下降18.7%；初信初访一次性办结率92.3%")
