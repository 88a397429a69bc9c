"""`add` on a terminal: options are checked before the first question, a suggestion is taken with
Enter, and what will be registered is confirmed first."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from conftest import Run, ok, show

Xf = Callable[..., Run]


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("xinfang_cli.cli.cases.interactive", lambda: True)


@pytest.mark.usefixtures("terminal")
@pytest.mark.parametrize(
    ("option", "value", "words"),
    [
        ("--received", "2025-12-3O", ("--received", "无法识别的日期", "2025-12-3O")),
        ("--phone", "1381234567", ("--phone", "手机号应为11位")),
        ("--category", "宿舍住宿", ("--category", "宿舍与住宿")),
        ("--repeat-of", "XF2025-0099", ("--repeat-of", "XF2025-0099")),
    ],
)
def test_a_bad_option_fails_before_any_question(
    xf: Xf, option: str, value: str, words: tuple[str, ...]
) -> None:
    r = xf("add", option, value, input="")  # no answers at all: it must not ask
    assert r.exit_code == 2
    for word in words:
        assert word in r.stderr, (word, r.stderr)
    assert "信访形式：" not in r.stderr  # not a single prompt was shown
    assert xf("list", "--json").exit_code == 2 or xf("list", "--json").stdout.strip() in ("", "[]")


@pytest.mark.usefixtures("terminal")
def test_enter_takes_the_suggested_name_and_the_case_is_confirmed(xf: Xf) -> None:
    answers = "\n".join(
        [
            "来访",  # 信访形式
            "",  # 信访人姓名: anonymous
            "宿舍307水龙头漏水",  # 反映问题
            "招生收费",  # 事项类别: a typo → 您是不是要找：招生与收费？
            "",  # Enter takes 招生与收费 (not the keyword suggestion 宿舍与住宿)
            "",  # 确认登记？ Enter = yes
        ]
    )
    r = ok(xf("add", input=answers + "\n"))
    assert "您是不是要找：招生与收费" in r.stderr
    assert "即将登记" in r.stderr and "确认登记" in r.stderr
    number = r.stdout.strip()
    assert show(xf, number)["category"] == "admission"


@pytest.mark.usefixtures("terminal")
def test_answering_no_registers_nothing(xf: Xf) -> None:
    r = ok(
        xf(
            "add",
            "--channel",
            "来信",
            "--anonymous",
            "--summary",
            "图书馆空调不制冷",
            "--category",
            "校园设施与环境",
            input="n\n",
        )
    )
    assert "已取消，未登记" in r.stderr and r.stdout == ""
    listed = xf("list", "--json")
    assert listed.exit_code == 2 or listed.stdout.strip() == "[]"


def test_without_a_terminal_nothing_asks(xf: Xf) -> None:
    r = ok(xf("add", "--channel", "来信", "--summary", "图书馆空调不制冷"))
    assert "确认登记" not in r.stderr and r.stdout.strip() == "XF2025-0001"
