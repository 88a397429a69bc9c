"""Writes docs/commands.md, the command reference, from the Typer application itself: every
command and sub-command, its help, its arguments and options. `make docs` runs it; a test fails
when the committed file differs from what the application says (so it never drifts)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import typer

from xinfang_cli.cli.main import app

OUT = Path(__file__).resolve().parent.parent / "docs" / "commands.md"

HEAD = """# 命令参考 Command reference

本文件由 `make docs`（`tools/gen_reference.py`）根据程序本身生成，请勿手工修改；`make test` 会检查它是否与程序一致。
每个命令也可用 `xinfang 命令 --help` 查看同样的说明。日期、枚举值的写法见 [README](../README.md)。

全局选项（写在命令之前）：

{globals}
"""


def _cell(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\\\|")


def _option_names(param: Any) -> str:
    names = list(param.opts) + list(getattr(param, "secondary_opts", []) or [])
    shown = " / ".join(f"`{n}`" for n in names)
    if param.param_type_name == "option" and not param.is_flag:
        shown += f" {param.metavar or '值'}"
    return shown


def _notes(param: Any) -> str:
    notes = []
    if param.required:
        notes.append("必填")
    if param.param_type_name == "option" and getattr(param, "multiple", False):
        notes.append("可重复")
    if getattr(param, "envvar", None):
        notes.append(f"环境变量 `{param.envvar}`")
    default = param.default
    if (
        param.param_type_name == "option"
        and not param.is_flag
        and default not in (None, "", [], ())
        and param.show_default is not False
    ):
        notes.append(f"默认 `{default}`")
    return "；".join(notes)


def _params_table(command: Any) -> list[str]:
    params = [p for p in command.params if not getattr(p, "hidden", False) and p.name != "help"]
    if not params:
        return []
    lines = ["| 参数或选项 | 说明 | 备注 |", "|---|---|---|"]
    for p in params:
        if p.param_type_name == "argument":
            name = f"`{(p.metavar or p.name).upper()}`（参数）"
        else:
            name = _option_names(p)
        lines.append(f"| {name} | {_cell(p.help)} | {_notes(p)} |")
    return lines


def _command(path: str, command: Any, level: int) -> list[str]:
    lines = [f"{'#' * level} `{path}`", ""]
    doc = (command.help or "").strip()
    if doc:
        lines += [doc, ""]
    subcommands = getattr(command, "commands", None)
    if subcommands:
        lines += ["子命令：" + "、".join(f"`{path} {name}`" for name in sorted(subcommands)), ""]
        for name in sorted(subcommands):
            lines += _command(f"{path} {name}", subcommands[name], level + 1)
        return lines
    lines += _params_table(command)
    return [*lines, ""]


def render() -> str:
    root = typer.main.get_command(app)
    globals_ = "\n".join(_params_table(root))
    lines = [HEAD.format(globals=globals_)]
    for name in sorted(root.commands):  # type: ignore[attr-defined]
        lines += _command(f"xinfang {name}", root.commands[name], 2)  # type: ignore[attr-defined]
    return "\n".join(lines).rstrip() + "\n"


def main() -> int:
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(render(), encoding="utf-8")
    print(f"wrote {OUT.relative_to(Path.cwd()) if OUT.is_relative_to(Path.cwd()) else OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
