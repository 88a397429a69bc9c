"""The command reference in docs/ is what the application says: regenerate it with `make docs`."""

import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent


def test_the_command_reference_is_current() -> None:
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_reference
    finally:
        sys.path.pop(0)
    committed = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    assert committed == gen_reference.render(), "docs/commands.md is stale: run `make docs`"


def test_every_command_has_a_section() -> None:
    import typer

    from xinfang_cli.cli.main import app

    text = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    root = typer.main.get_command(app)
    for name, command in root.commands.items():  # type: ignore[attr-defined]
        assert f"`xinfang {name}`" in text, name
        for sub in getattr(command, "commands", {}):
            assert f"`xinfang {name} {sub}`" in text, (name, sub)
