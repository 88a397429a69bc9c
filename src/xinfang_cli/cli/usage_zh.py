"""Typer's own usage errors (unknown option, missing value, not an integer…) told in Chinese.

Typer prints these itself before our commands run; we replace its printer so the clerk sees the
same one-line Chinese message on stderr as for every other bad input (exit code 2 is unchanged).
"""

import importlib.util
import re
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

from .common import done

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^'(?P<v>.*)' is not a valid integer( range)?\.?$"), "“{v}”不是整数"),
    (re.compile(r"^'(?P<v>.*)' is not a valid float( range)?\.?$"), "“{v}”不是数字"),
    (re.compile(r"^'(?P<v>.*)' is not a valid boolean\.?$"), "“{v}”不是是/否"),
    (re.compile(r"^'?(?P<v>.*?)'? is not one of (?P<c>.*)\.?$"), "“{v}”不在可选值 {c} 之中"),
    (re.compile(r"^Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"^Input should be a valid number.*$"), "应为数字"),
    (re.compile(r"^Input should be a valid boolean.*$"), "应为是/否"),
    (re.compile(r"^Input should be greater than or equal to (?P<v>\S+?)\.?$"), "应不小于 {v}"),
    (re.compile(r"^Input should be less than or equal to (?P<v>\S+?)\.?$"), "应不大于 {v}"),
    (
        re.compile(r"^No such command '(?P<v>.*)'\. Did you mean '(?P<m>.*)'\?$"),
        "没有命令“{v}”，您是不是要用 {m}",
    ),
    (
        re.compile(r"^No such command '(?P<v>.*)'\.?$"),
        "没有命令“{v}”，运行 xinfang --help 查看全部命令",
    ),
    (
        re.compile(r"^Got unexpected extra argument(?:s|\(s\))? \((?P<v>.*)\)$"),
        "多余的参数：{v}",
    ),
    (re.compile(r"^Option '(?P<v>.*)' requires an argument\.?$"), "选项 {v} 需要一个值"),
    (re.compile(r"^Option '(?P<v>.*)' does not take a value\.?$"), "选项 {v} 不带值"),
    (re.compile(r"^No such option: (?P<v>\S+)$"), "没有选项 {v}"),
]


def _hint(exc: Any) -> str:
    hint = getattr(exc, "param_hint", None)
    param = getattr(exc, "param", None)
    if hint is None and param is not None:
        hint = param.get_error_hint()
    if isinstance(hint, (list, tuple)):
        hint = " / ".join(str(h) for h in hint)
    return str(hint or "").replace("'", "")


def _translate(text: str) -> str:
    for pattern, template in _PATTERNS:
        match = pattern.match(text.strip())
        if match:
            return template.format(**match.groupdict())
    return text


def chinese_message(exc: Any) -> str:
    kind = type(exc).__name__
    if kind == "NoSuchOption":
        message = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            message += f"，您是不是要用：{'、'.join(sorted(exc.possibilities))}"
        command = getattr(getattr(exc, "ctx", None), "command", None)
        if command is not None and command.name == "amend":
            fields = [
                name
                for param in command.params
                for name in getattr(param, "opts", [])
                if name.startswith("--") and name not in ("--reason", "--help")
            ]
            message += f"。可更正的项：{'、'.join(fields)}"
        return message + "。"
    if kind == "MissingParameter":
        what = "参数" if getattr(exc.param, "param_type_name", "") == "argument" else "选项"
        return f"缺少必填{what} {_hint(exc).upper() if what == '参数' else _hint(exc)}。"
    if kind == "BadParameter":
        return f"{_hint(exc)} 的值无效：{_translate(exc.message)}。"
    return _translate(str(getattr(exc, "message", exc))) + "。"


def print_usage_error(exc: Any) -> None:
    if type(exc).__name__ == "NoArgsIsHelpError":
        return
    done(f"错误：{chinese_message(exc)}")
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        done(f"运行 {ctx.command_path} --help 查看用法。")


def install() -> None:
    after_import("typer.rich_utils", _chinese_rich_utils)
    _chinese_help_chrome()
    _chinese_completion_options()


# Typer's headings, in the language of the rest of the interface.
RICH_UTILS_WORDS = {
    "OPTIONS_PANEL_TITLE": "选项",
    "COMMANDS_PANEL_TITLE": "命令",
    "ARGUMENTS_PANEL_TITLE": "参数",
    "ERRORS_PANEL_TITLE": "错误",
    "REQUIRED_LONG_STRING": "[必填]",
    "DEFAULT_STRING": "[默认：{}]",
    "ENVVAR_STRING": "[环境变量：{}]",
    "ABORTED_TEXT": "已取消。",
    "RICH_HELP": "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。",
}


def _chinese_rich_utils(rich_utils: Any) -> None:
    for name, words in RICH_UTILS_WORDS.items():
        setattr(rich_utils, name, words)
    rich_utils.rich_format_error = print_usage_error
    _folding_option_help(rich_utils)


def after_import(name: str, configure: Callable[[ModuleType], None]) -> None:
    """Run `configure(module)` once `name` is imported, without importing it now: Typer loads
    its Rich help renderer (and Rich's Markdown) only to print help or an error, and a command
    that prints neither should not pay for it."""
    if name in sys.modules:
        configure(sys.modules[name])
        return

    class Finder:  # a meta path finder (importlib.abc costs more to import than it saves)
        def find_spec(self, fullname: str, path: Any, target: Any = None) -> Any:
            if fullname != name:
                return None
            sys.meta_path.remove(self)
            spec = importlib.util.find_spec(fullname)
            if spec is None or spec.loader is None:
                return spec
            loader = spec.loader
            run = loader.exec_module

            def exec_module(module: ModuleType) -> None:
                run(module)
                configure(module)

            loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    sys.meta_path.insert(0, Finder())


# What help shows for an argument's name and for a value's type.
ARGUMENT_WORDS = {"number": "编号", "grade": "评价", "file": "文件", "kind": "告知书"}
TYPE_WORDS = {"<str>": "文本", "<int>": "整数", "<float>": "数字", "<path>": "文件", "<bool>": ""}


def _chinese_parameter_words() -> None:
    from typer import core

    parameter = core._TyperParameter
    name_raw = parameter.display_name_raw

    def display_name_raw(self: Any) -> str:
        name = name_raw.fget(self)  # type: ignore[attr-defined]
        if self.metavar is None and getattr(self, "param_type_name", "") == "argument":
            return ARGUMENT_WORDS.get(name, name)
        return str(name)

    parameter.display_name_raw = property(display_name_raw)  # type: ignore[method-assign,assignment]

    for cls in (core.TyperOption, core.TyperArgument):
        type_rich = cls.display_type_rich

        def display_type_rich(self: Any, ctx: Any, _original: Any = type_rich) -> Any:
            shown = _original(self, ctx)
            if isinstance(shown, str) and self.metavar is None:
                return TYPE_WORDS.get(shown, shown)
            return shown

        cls.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _folding_option_help(rich_utils: Any) -> None:
    """Typer lays an option's help out as Rich Columns, which crops a long run of Chinese (one
    "word" to Rich: there are no spaces) with "…". A folding Text wraps it instead."""
    from rich.text import Text

    parameter_help = rich_utils._get_parameter_help

    def folding(*args: Any, **kwargs: Any) -> Any:
        columns = parameter_help(*args, **kwargs)
        items = getattr(columns, "renderables", None)
        if not items or not all(isinstance(item, Text) for item in items):
            return columns
        text = Text(" ").join(items)
        text.overflow = "fold"
        return text

    rich_utils._get_parameter_help = folding


def _chinese_help_chrome() -> None:
    """'Usage:' and the --help option's own help, which Typer's vendored Click hard-codes."""
    try:
        from typer._click import core, formatting
    except ImportError:  # a Typer without the vendored Click: keep its English
        return
    write_usage = formatting.HelpFormatter.write_usage

    def chinese_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = args.replace("[OPTIONS]", "[选项]").replace("COMMAND [ARGS]...", "命令 [参数]...")
        write_usage(self, prog, args, "用法：" if prefix is None else prefix)

    get_help_option = core.Command.get_help_option

    def chinese_help_option(self: Any, ctx: Any) -> Any:
        option = get_help_option(self, ctx)
        if option is not None:
            option.help = "显示此帮助并退出。"
        return option

    _chinese_parameter_words()
    formatting.HelpFormatter.write_usage = chinese_usage  # type: ignore[method-assign]
    core.Command.get_help_option = chinese_help_option  # type: ignore[method-assign]


def _chinese_completion_options() -> None:
    """Typer's --install-completion / --show-completion, with help and messages in Chinese."""
    import sys

    from typer import completion, main

    inspect = completion.get_completion_inspect_parameters

    def install(ctx: Any, param: Any, value: Any) -> Any:
        if not value or ctx.resilient_parsing:
            return value
        shell, path = completion.install(shell=value if isinstance(value, str) else None)
        done(f"已为 {shell} 安装命令补全：{path}。重新打开终端后生效。")
        sys.exit(0)

    def chinese() -> Any:
        install_param, show_param = inspect()
        install_param.default.help = "为当前 shell（bash、zsh、fish）安装命令补全。"
        install_param.default.callback = install
        show_param.default.help = "显示当前 shell 的补全脚本，可复制或自行安装。"
        return install_param, show_param

    main.get_completion_inspect_parameters = chinese  # type: ignore[assignment]
