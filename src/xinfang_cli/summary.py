"""The opening paragraph of the year-end summary (`report annual --markdown`), in the form of the
office's own document: 全年共受理信访事项N件(次)，同比…；初信初访一次性办结率…，重复访…，越级访…；
师生信访满意度达…%。 followed by the shares of the four groups. Built from the annual report's
JSON dict only, so its figures are the report's.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from .figures import integer_shares, num


def _change_words(pct: float | None, now: int, before: int, up: str, down: str) -> str:
    if before == 0:
        return ""
    if now == before:
        return "与上年持平"
    if pct == 0:
        return "与上年基本持平"
    assert pct is not None
    return f"同比{up if pct > 0 else down}{num(abs(pct))}%"


def annual_markdown(r: dict[str, Any]) -> str:
    """The seed's opening paragraph with our figures, then the shares of the four groups."""
    total, previous = r["total"], r["previous_total"]
    # Before the year is over the paragraph says so, and draws no 同比 against a whole last year.
    complete = r.get("complete", True)
    if complete:
        period = "全年"
    else:
        as_of = date.fromisoformat(r["as_of"])
        period = f"截至{as_of.month}月{as_of.day}日，{r['year']}年"
    if total == 0:
        first = f"{period}未受理信访事项"
        if previous and complete:
            first += f"（上年{previous}件(次)）"
        return first + "。\n"
    head = f"{period}共受理信访事项{total}件(次)"
    change = (
        _change_words(r["total_change_pct"], total, previous, "上升", "下降") if complete else ""
    )
    if change:
        head += "，" + change
    middle = []
    if r["one_time_rate_pct"] is not None:
        middle.append(f"初信初访一次性办结率{num(r['one_time_rate_pct'])}%")
    middle.append(_repeat_words(r) if complete else f"重复访{r['repeat']}件(次)")
    middle.append("越级访实现“零发生”" if r["bypass"] == 0 else f"越级访{r['bypass']}件(次)")
    parts = [head, "，".join(p for p in middle if p)]
    if r["satisfaction_pct"] is not None:
        parts.append(f"师生信访满意度达{num(r['satisfaction_pct'])}%")
    first = "；".join(parts) + "。"
    return first + "\n\n" + _shares_sentence(r) + "\n\n" + rounding_note(r) + "\n"


def rounding_note(r: dict[str, Any]) -> str:
    """One line under the paragraph: how its percentages are rounded, with the total's change
    worked out, so a reader who finds 18.6 in last year's draft sees why we print 18.7."""
    complete = r.get("complete", True)
    note = (
        f"注：比率{'与同比变化' if complete else ''}四舍五入保留一位小数，小数为0时省略"
        "（如29%即29.0%）；各类占比取整数，合计为100%"
    )
    total, previous = r["total"], r["previous_total"]
    if complete and previous and total != previous:
        exact = Fraction(abs(total - previous) * 100, previous)
        hundredths = f"{float(exact):.2f}"
        words, a, b = ("上升", total, previous) if total > previous else ("下降", previous, total)
        note += (
            f"；同比{words}{num(abs(r['total_change_pct']))}%由（{a}−{b}）÷{previous}"
            f"={hundredths}%得出"
        )
    return note + "。"


def _repeat_words(r: dict[str, Any]) -> str:
    now, before = r["repeat"], r["previous_repeat"]
    if r["previous_total"] == 0 or before == 0:
        # no earlier year to compare with (or nothing to compare against): the count itself
        return "无重复访" if now == 0 else f"重复访{now}件(次)"
    if now == before:
        return "重复访与上年持平"
    pct = r["repeat_change_pct"]
    return f"重复访同比{'增加' if pct > 0 else '减少'}{num(abs(pct))}%"


def _shares_sentence(r: dict[str, Any]) -> str:
    groups = [g for g in r["by_group"] if g["count"] or g["name"] != "未分类"]
    shares = integer_shares([g["count"] for g in groups])
    named = [
        f"{g['name']}类(占比{s}%)"
        for g, s in zip(groups, shares, strict=True)
        if g["name"] != "未分类"
    ]
    rest = [s for g, s in zip(groups, shares, strict=True) if g["name"] == "未分类"]
    sentence = "将信访事项划分为" + "、".join(named)
    if rest:
        sentence += f"，另有未分类事项(占比{rest[0]}%)"
    return sentence + "。"
