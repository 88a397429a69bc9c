"""Risk signals for the monthly situation meeting (docs/figures.md, 风险预警).

Each rule is a small function over facts `reports.py` has already selected in SQL (the month's
flagged cases, the cases overdue or due soon, the category counts, the frequent petitioners) and
returns alerts that say why, in words a leader reads. Thresholds come from the taxonomy
(`[risk]`, `collective_threshold`, `warn_days`, `sensitive_words`). `monthly_alerts` runs every
rule and merges the alerts about one case or category into one, at the highest level found.

Alerts never carry personal data, and a confidential case (检举控告) never shows its text:
Art. 30 forbids letting the accused learn of the accusation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any

from .figures import change_pct, num, round1
from .labels import LEVELS, day_unit
from .taxonomy import Taxonomy

CONFIDENTIAL_TEXT = "（保密案件，内容不予显示）"


@dataclass(frozen=True)
class RiskSettings:
    collective_threshold: int
    warn_days: int
    sensitive_words: tuple[str, ...]
    category_red_min: int
    category_red_ratio: Fraction
    category_orange_min: int
    category_orange_pct: Fraction
    petitioner_cases: int
    petitioner_window_days: int
    topic_surge_pct: Fraction
    topic_surge_min: int

    @classmethod
    def from_taxonomy(cls, tax: Taxonomy) -> RiskSettings:
        r = tax.risk
        # str() first: 1.3 in a TOML file means exactly 13/10, not the nearest binary float.
        return cls(
            collective_threshold=tax.collective_threshold,
            warn_days=tax.warn_days,
            sensitive_words=tax.sensitive_words,
            category_red_min=int(r["category_red_min"]),
            category_red_ratio=Fraction(str(r["category_red_ratio"])),
            category_orange_min=int(r["category_orange_min"]),
            category_orange_pct=Fraction(str(r["category_orange_pct"])),
            petitioner_cases=int(r["petitioner_cases"]),
            petitioner_window_days=int(r["petitioner_window_days"]),
            topic_surge_pct=Fraction(str(r["topic_surge_pct"])),
            topic_surge_min=int(r["topic_surge_min"]),
        )


@dataclass(frozen=True)
class Alert:
    level: str
    reason: str
    rule: str
    case: str | None = None
    category: str | None = None
    summary: str | None = None


@dataclass(frozen=True)
class CaseFacts:
    """A case received in the month that is collective, bypass, a repeat or holds a sensitive word."""

    number: str
    summary: str
    content: str
    confidential: bool
    persons: int
    bypass: bool
    repeat_of: str | None


@dataclass(frozen=True)
class DeadlineFacts:
    """An open case, received any time, overdue or due soon at the month's end (or as-of)."""

    number: str
    summary: str
    confidential: bool
    stage: str  # "accept" (受理告知) or "handle" (办结)
    due: date
    lead_dept: str | None
    overdue: bool
    days_overdue: int
    days_left: int
    day_mode: str  # calendar | working: how days_left is counted


@dataclass(frozen=True)
class CategoryFacts:
    name: str
    count: int
    previous: int


@dataclass(frozen=True)
class PetitionerFacts:
    numbers: tuple[str, ...]  # oldest first
    window_days: int
    summary: str | None = None  # of the latest case, already hidden when confidential


def _shown(summary: str, confidential: bool) -> str:
    return CONFIDENTIAL_TEXT if confidential else summary


def _rise(count: int, previous: int, pct: Fraction) -> bool:
    """Up by at least `pct` percent; from nothing, any count is a rise."""
    return (count - previous) * 100 >= pct * previous and count > previous


# --- categories and topics ----------------------------------------------------------------
def category_risk(count: int, previous: int, s: RiskSettings) -> tuple[str | None, list[str]]:
    """red: ≥ red_min cases and ≥ red_ratio × last month; orange: ≥ orange_min and up ≥ pct."""
    if count >= s.category_red_min and count >= s.category_red_ratio * previous:
        if previous:
            times = Fraction(count, previous)
            return "red", [f"本月{count}件，是上月（{previous}件）的{_times(times)}倍"]
        return "red", [f"本月{count}件，上月无此类事项"]
    if count >= s.category_orange_min and _rise(count, previous, s.category_orange_pct):
        if previous:
            return "orange", [
                f"本月{count}件，较上月（{previous}件）上升{num(change_pct(count, previous))}%"
            ]
        return "orange", [f"本月{count}件，上月无此类事项"]
    return None, []


def topic_surges(count: int, previous: int, s: RiskSettings) -> bool:
    return count >= s.topic_surge_min and _rise(count, previous, s.topic_surge_pct)


def _times(value: Fraction) -> str:
    return num(round1(value))


def category_surges(categories: Iterable[CategoryFacts], s: RiskSettings) -> list[Alert]:
    out = []
    for c in categories:
        level, reasons = category_risk(c.count, c.previous, s)
        if level:
            out.append(Alert(level, "；".join(reasons), "category_surge", category=c.name))
    return out


# --- cases received in the month ------------------------------------------------------------
def collective_cases(cases: Iterable[CaseFacts], s: RiskSettings) -> list[Alert]:
    return [
        Alert(
            "red",
            f"集体访（{c.persons}人）",
            "collective",
            case=c.number,
            summary=_shown(c.summary, c.confidential),
        )
        for c in cases
        if c.persons >= s.collective_threshold
    ]


def bypass_cases(cases: Iterable[CaseFacts], s: RiskSettings) -> list[Alert]:
    return [
        Alert("red", "越级访", "bypass", case=c.number, summary=_shown(c.summary, c.confidential))
        for c in cases
        if c.bypass
    ]


def sensitive_cases(cases: Iterable[CaseFacts], s: RiskSettings) -> list[Alert]:
    out = []
    for c in cases:
        text = f"{c.summary}\n{c.content}"
        words = [w for w in s.sensitive_words if w in text]
        if words:
            quoted = "、".join(f"“{w}”" for w in words)
            out.append(
                Alert(
                    "red",
                    f"内容涉及敏感词{quoted}",
                    "sensitive",
                    case=c.number,
                    summary=_shown(c.summary, c.confidential),
                )
            )
    return out


def repeat_cases(cases: Iterable[CaseFacts], s: RiskSettings) -> list[Alert]:
    return [
        Alert(
            "yellow",
            f"重复信访（原件{c.repeat_of}）",
            "repeat",
            case=c.number,
            summary=_shown(c.summary, c.confidential),
        )
        for c in cases
        if c.repeat_of
    ]


# --- deadlines ------------------------------------------------------------------------------
def _who(d: DeadlineFacts) -> str:
    """Who owes the step: the lead department, or the petition office for an acceptance."""
    return d.lead_dept or ""


def overdue_cases(items: Iterable[DeadlineFacts], s: RiskSettings) -> list[Alert]:
    out = []
    for d in items:
        if not d.overdue:
            continue
        if d.stage == "accept":
            reason = f"受理告知已超期{d.days_overdue}天（期限{d.due}）"
        else:
            reason = f"{_who(d)}办结已超期{d.days_overdue}天（期限{d.due}）"
        out.append(
            Alert(
                "orange",
                reason,
                "overdue",
                case=d.number,
                summary=_shown(d.summary, d.confidential),
            )
        )
    return out


def due_soon_cases(items: Iterable[DeadlineFacts], s: RiskSettings) -> list[Alert]:
    out = []
    for d in items:
        if d.overdue:
            continue
        unit = day_unit(d.day_mode)
        left = "今天到期" if d.days_left == 0 else f"还剩{d.days_left}{unit}"
        if d.stage == "accept":
            reason = f"须于{d.due}前告知是否受理（{left}）"
        else:
            reason = f"{_who(d)}须于{d.due}前办结（{left}）"
        out.append(
            Alert(
                "yellow",
                reason,
                "due_soon",
                case=d.number,
                summary=_shown(d.summary, d.confidential),
            )
        )
    return out


# --- petitioners ----------------------------------------------------------------------------
def frequent_petitioners(groups: Iterable[PetitionerFacts], s: RiskSettings) -> list[Alert]:
    """Named on the petitioner's latest case; the petitioner is not named (personal data)."""
    return [
        Alert(
            "orange",
            f"同一信访人{g.window_days}天内信访{len(g.numbers)}次（{'、'.join(g.numbers)}）",
            "petitioner",
            case=g.numbers[-1],
            summary=g.summary,
        )
        for g in groups
    ]


# --- all together ---------------------------------------------------------------------------
CaseRule = Callable[[Iterable[CaseFacts], RiskSettings], list[Alert]]
CASE_RULES: tuple[CaseRule, ...] = (collective_cases, bypass_cases, sensitive_cases, repeat_cases)


def monthly_alerts(
    *,
    cases: list[CaseFacts],
    deadlines: list[DeadlineFacts],
    categories: list[CategoryFacts],
    petitioners: list[PetitionerFacts],
    taxonomy: Taxonomy,
    settings: RiskSettings | None = None,
) -> list[dict[str, Any]]:
    """Every rule's alerts, merged per case or category, red first."""
    s = settings or RiskSettings.from_taxonomy(taxonomy)
    raw: list[Alert] = category_surges(categories, s)
    for rule in CASE_RULES:
        raw += rule(cases, s)
    raw += frequent_petitioners(petitioners, s)
    raw += overdue_cases(deadlines, s)
    raw += due_soon_cases(deadlines, s)
    return merge(raw)


def merge(alerts: Iterable[Alert]) -> list[dict[str, Any]]:
    """One alert per case or category: the highest level; its reasons, gravest first."""
    grouped: dict[tuple[str, str], list[Alert]] = {}
    for a in alerts:
        subject = ("category", a.category) if a.category else ("case", a.case or "")
        grouped.setdefault(subject, []).append(a)
    out = []
    for (kind, name), items in grouped.items():
        items = sorted(items, key=lambda a: LEVELS.index(a.level))  # stable: rule order kept
        entry: dict[str, Any] = {"level": items[0].level, kind: name}
        entry["reason"] = "；".join(a.reason for a in items)
        if kind == "case":
            entry["summary"] = next((a.summary for a in items if a.summary is not None), None)
        entry["rules"] = [a.rule for a in items]
        out.append(entry)
    # Red first; within a level the categories (in the order given) before the cases (by number).
    out.sort(key=lambda e: (LEVELS.index(e["level"]), "case" in e, e.get("case") or ""))
    return out
