"""The office's taxonomy: groups, categories, departments, channels, enumerations, limits, words.

The default lives in `default_taxonomy.toml` beside this module; a ledger keeps every version it
has loaded (table `taxonomy_versions`) and uses the newest. This module parses and validates a
taxonomy, resolves what a user typed (a Chinese label or an English key) to the stored key, and
suggests the nearest valid names when it cannot.
"""

from __future__ import annotations

import difflib
import hashlib
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from importlib import resources
from typing import Any

from .errors import FileFormatError, NotFoundError, toml_reason

# The enumerations a taxonomy defines as {key: Chinese label}, with the word a message uses.
ENUM_KINDS: dict[str, str] = {
    "channels": "信访形式",
    "identities": "身份",
    "natures": "性质",
    "outcomes": "办理结果类型",
    "ratings": "满意度",
    "activities": "工作活动",
}

# Enumerations a taxonomy written before they existed may lack: their defaults apply.
ENUM_DEFAULTS: dict[str, dict[str, str]] = {
    "activities": {
        "reception_day": "校领导接待日",
        "face_to_face": "院长书记面对面",
        "class_survey": "学情调研",
        "special_survey": "专项调研",
        "joint_meeting": "联席会议",
        "situation_meeting": "形势分析会",
        "hazard_screening": "矛盾隐患排查",
        "training": "专题培训",
        "criticism": "通报批评",
        "admonition": "约谈提醒",
    },
}

# The case fields that hold a value of one of those enumerations, and which one.
FIELD_ENUMS: dict[str, str] = {
    "channel": "channels",
    "identity": "identities",
    "nature": "natures",
    "outcome": "outcomes",
    "rating": "ratings",
    "activity_kind": "activities",
}


@dataclass(frozen=True)
class Category:
    key: str
    name: str
    group: str
    lead: str
    keywords: tuple[str, ...]
    accept_days: int
    handle_days: int
    extend_max_days: int
    day_mode: str


@dataclass(frozen=True)
class Limits:
    """The time limits a case is registered under (kept with the case: a later taxonomy edit
    never moves its deadlines) and how its days are counted."""

    accept_days: int
    handle_days: int
    extend_max_days: int
    day_mode: str  # calendar | working
    roll_over: bool


@dataclass(frozen=True)
class Taxonomy:
    source: str
    number_prefix: str
    day_mode: str
    roll_over: bool
    accept_days: int
    handle_days: int
    extend_max_days: int
    collective_threshold: int
    warn_days: int
    risk: dict[str, float]
    holidays: frozenset[date]
    workdays: frozenset[date]
    groups: dict[str, str]
    categories: dict[str, Category]
    departments: tuple[str, ...]
    enums: dict[str, dict[str, str]]
    sensitive_words: tuple[str, ...]
    topic_words: tuple[str, ...]
    # the scorecard marks a department with fewer rated or assigned cases 样本较少
    scorecard_min_cases: int = 5
    # 回访: a closed case without a rating this many days after closing awaits a call back
    followup_days: int = 7
    # who writes the letters, and whom the petitioner asks for 复查 and 复核 (处理意见书)
    office_name: str = "信访办公室"
    review_body: str = "学校信访工作领导小组"
    final_review_body: str = "上级主管部门"
    # Old ledgers' words: header synonyms (their header → our column's header or key) and value
    # aliases ({"departments"|"categories"|"channels": {alias: name}}), used by import and by
    # every command that takes such a value.
    header_synonyms: dict[str, str] = field(default_factory=dict)
    aliases: dict[str, dict[str, str]] = field(default_factory=dict)
    # what `resolve`, `category` and `department` found for a text already seen (an import asks
    # the same few questions a million times)
    _found: dict[tuple[str, str], Any] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def limits(self, category: str | None) -> Limits:
        """The limits of a category (its own, or the defaults it inherits); the defaults when
        the case is not classified yet."""
        found = self.categories.get(category) if category else None
        if found is None:
            return Limits(
                self.accept_days,
                self.handle_days,
                self.extend_max_days,
                self.day_mode,
                self.roll_over,
            )
        return Limits(
            found.accept_days,
            found.handle_days,
            found.extend_max_days,
            found.day_mode,
            self.roll_over,
        )

    # --- resolving what users type -------------------------------------------------------
    def unalias(self, kind: str, text: str) -> str:
        """The name an office's own word stands for (学工部 → 学生工作部), else the text."""
        value = text.strip()
        return self.aliases.get(kind, {}).get(value, value)

    def resolve(self, kind: str, text: str) -> str:
        """The key of an enumerated value typed as its key, its Chinese label or an alias."""
        found = self._found.get((kind, text))
        if found is None:
            found = self._found[(kind, text)] = self._resolve(kind, text)
        return str(found)

    def _resolve(self, kind: str, text: str) -> str:
        value = self.unalias(kind, text)
        table = self.enums[kind]
        if value in table:
            return value
        for key, label in table.items():
            if label == value or key.lower() == value.lower():
                return key
        near = [table.get(n, n) for n in _nearest(value, list(table.values()) + list(table))]
        raise NotFoundError(
            f"未知的{ENUM_KINDS[kind]}“{text}”。{_hint(near)}可选：{'、'.join(table.values())}",
            _unique(near),
        )

    def label(self, kind: str, key: str | None) -> str:
        if key is None:
            return ""
        return self.enums[kind].get(key, key)

    def category(self, text: str) -> Category:
        found = self._found.get(("\0categories", text))
        if found is None:
            found = self._found[("\0categories", text)] = self._category(text)
        return found  # type: ignore[no-any-return]

    def _category(self, text: str) -> Category:
        value = self.unalias("categories", text)
        if value in self.categories:
            return self.categories[value]
        for category in self.categories.values():
            if category.name == value:
                return category
        names = [c.name for c in self.categories.values()]
        near = [self.category_name(n) for n in _nearest(value, names + list(self.categories))]
        raise NotFoundError(
            f"未知的事项类别“{text}”。{_hint(near)}可选：{'、'.join(names)}", _unique(near)
        )

    def category_name(self, key: str | None) -> str:
        if key is None:
            return ""
        category = self.categories.get(key)
        return category.name if category else key

    def group_name(self, key: str | None) -> str:
        if key is None:
            return ""
        return self.groups.get(key, key)

    def group(self, text: str) -> str:
        value = text.strip()
        if value in self.groups:
            return value
        for key, name in self.groups.items():
            if name == value or name + "类" == value:
                return key
        near = _nearest(value, list(self.groups.values()))
        raise NotFoundError(
            f"未知的事项分组“{text}”。{_hint(near)}可选：{'、'.join(self.groups.values())}",
            _unique(near),
        )

    def department(self, text: str) -> str:
        found = self._found.get(("\0departments", text))
        if found is None:
            found = self._found[("\0departments", text)] = self._department(text)
        return str(found)

    def _department(self, text: str) -> str:
        value = self.unalias("departments", text)
        if value in self.departments:
            return value
        near = _nearest(value, list(self.departments))
        raise NotFoundError(
            f"未知的单位“{text}”。{_hint(near)}全部单位见 xinfang taxonomy show。", _unique(near)
        )

    def suggest_category(self, text: str) -> tuple[Category | None, list[str]]:
        """The category whose keywords occur most often in `text`, and the keywords that matched."""
        best: Category | None = None
        best_hits: list[str] = []
        for category in self.categories.values():
            hits = [word for word in category.keywords if word in text]
            if len(hits) > len(best_hits):
                best, best_hits = category, hits
        return best, best_hits


def _nearest(value: str, candidates: list[str]) -> list[str]:
    """The names nearest to what was typed, nearest first."""
    close = difflib.get_close_matches(value, candidates, n=3, cutoff=0.3)
    if not close:
        # Chinese names are short: a shared character is the best hint we have.
        close = [c for c in candidates if value and any(ch in c for ch in value)][:3]
    return close


def _unique(names: list[str]) -> list[str]:
    return list(dict.fromkeys(names))


def _hint(names: list[str]) -> str:
    return f"您是不是要找：{'、'.join(_unique(names))}？" if names else ""


def default_source() -> str:
    return resources.files("xinfang_cli").joinpath("default_taxonomy.toml").read_text("utf-8")


def default_taxonomy() -> Taxonomy:
    return parse_taxonomy(default_source())


def parse_taxonomy(source: str) -> Taxonomy:
    """Parse and validate a taxonomy TOML document; every problem is a Chinese FileFormatError."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise FileFormatError(f"分类体系文件不是有效的 TOML：{toml_reason(exc)}。") from exc
    problems: list[str] = []

    settings = _table(data, "settings", problems)
    day_mode = str(settings.get("day_mode", "calendar"))
    if day_mode not in ("calendar", "working"):
        problems.append("settings.day_mode 只能是 calendar（自然日）或 working（工作日）")

    def positive(table: dict[str, Any], name: str, default: int, where: str) -> int:
        value = table.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            problems.append(f"{where}.{name} 必须是正整数（现为 {value!r}）")
            return default
        return value

    accept_days = positive(settings, "accept_days", 15, "settings")
    handle_days = positive(settings, "handle_days", 60, "settings")
    extend_max = positive(settings, "extend_max_days", 30, "settings")

    groups: dict[str, str] = {}
    for item in _list(data, "groups", problems):
        key, name = str(item.get("key", "")).strip(), str(item.get("name", "")).strip()
        if not key or not name:
            problems.append("每个 [[groups]] 都需要 key 和 name")
        elif key in groups:
            problems.append(f"分组 key 重复：{key}")
        else:
            groups[key] = name

    departments = tuple(d.strip() for d in _strings(data, "departments", "departments", problems))
    if not departments:
        problems.append("departments 不能为空")
    if len(set(departments)) != len(departments):
        problems.append("departments 中有重复的单位")

    categories: dict[str, Category] = {}
    for item in _list(data, "categories", problems):
        key, name = str(item.get("key", "")).strip(), str(item.get("name", "")).strip()
        where = f"类别 {name or key or '?'}"
        if not key or not name:
            problems.append("每个 [[categories]] 都需要 key 和 name")
            continue
        if key in categories or any(c.name == name for c in categories.values()):
            problems.append(f"类别重复：{key} {name}")
            continue
        group = str(item.get("group", ""))
        if group not in groups:
            problems.append(f"{where} 的 group “{group}” 不在 [[groups]] 中")
        lead = str(item.get("lead", ""))
        if lead not in departments:
            problems.append(f"{where} 的牵头单位 “{lead}” 不在 departments 中")
        mode = str(item.get("day_mode", day_mode))
        if mode not in ("calendar", "working"):
            problems.append(f"{where} 的 day_mode 只能是 calendar 或 working")
        categories[key] = Category(
            key=key,
            name=name,
            group=group,
            lead=lead,
            keywords=tuple(_strings(item, "keywords", f"{where} 的 keywords", problems)),
            accept_days=positive(item, "accept_days", accept_days, where),
            handle_days=positive(item, "handle_days", handle_days, where),
            extend_max_days=positive(item, "extend_max_days", extend_max, where),
            day_mode=mode,
        )
    if not categories:
        problems.append("至少需要一个 [[categories]]")

    enums: dict[str, dict[str, str]] = {}
    for kind, word in ENUM_KINDS.items():
        table = data.get(kind, ENUM_DEFAULTS.get(kind))
        if not isinstance(table, dict) or not table:
            problems.append(f"缺少 [{kind}]（{word}）")
            enums[kind] = {}
            continue
        if not all(isinstance(v, str) and v.strip() for v in table.values()):
            problems.append(f'[{kind}]（{word}）的每一项都应为 键 = "中文名称"')
        enums[kind] = {str(k): str(v) for k, v in table.items()}

    calendar = _table(data, "calendar", problems)
    holidays = _dates(calendar.get("holidays", []), "calendar.holidays", problems)
    workdays = _dates(calendar.get("workdays", []), "calendar.workdays", problems)
    # A day in both lists would make every later open of the ledger fail: refuse it here.
    if holidays & workdays:
        both = "、".join(d.isoformat() for d in sorted(holidays & workdays))
        problems.append(f"calendar 中 {both} 同时被列为节假日和调休工作日")
    weekdays = sorted(d for d in workdays if d.weekday() < 5)
    if weekdays:
        shown = "、".join(f"{d.isoformat()}（星期{'一二三四五'[d.weekday()]}）" for d in weekdays)
        problems.append(f"calendar.workdays 是调休上班日，应为周六或周日：{shown} 不是周末")

    risk_defaults = {
        "category_red_min": 5,
        "category_red_ratio": 2.0,
        "category_orange_min": 3,
        "category_orange_pct": 50.0,
        "petitioner_cases": 3,
        "petitioner_window_days": 90,
        "topic_surge_pct": 50.0,
        "topic_surge_min": 3,
    }
    risk_table = _table(data, "risk", problems)
    risk: dict[str, float] = {}
    for k, v in risk_defaults.items():
        value = risk_table.get(k, v)
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            problems.append(f"risk.{k} 必须是非负数（现为 {value!r}）")
            value = v
        risk[k] = float(value)
    roll_over = settings.get("roll_over", False)
    if not isinstance(roll_over, bool):
        problems.append(f"settings.roll_over 只能是 true 或 false（现为 {roll_over!r}）")
    sensitive_words = _strings(data, "sensitive_words", "sensitive_words", problems)
    topic_words = _strings(data, "topic_words", "topic_words", problems)
    followup_days = positive(settings, "followup_days", 7, "settings")
    letter_names = tuple(
        _name_setting(settings, name, default, problems)
        for name, default in (
            ("office_name", "信访办公室"),
            ("review_body", "学校信访工作领导小组"),
            ("final_review_body", "上级主管部门"),
        )
    )

    header_synonyms = _header_synonyms(data, problems)
    aliases = _aliases(data, departments, categories, enums, problems)

    if problems:
        raise FileFormatError("分类体系文件有误：\n  - " + "\n  - ".join(problems))
    return Taxonomy(
        source=source,
        number_prefix=str(settings.get("number_prefix", "XF")),
        day_mode=day_mode,
        roll_over=roll_over is True,
        accept_days=accept_days,
        handle_days=handle_days,
        extend_max_days=extend_max,
        collective_threshold=positive(settings, "collective_threshold", 5, "settings"),
        warn_days=positive(settings, "warn_days", 7, "settings"),
        scorecard_min_cases=positive(settings, "scorecard_min_cases", 5, "settings"),
        risk=risk,
        holidays=holidays,
        workdays=workdays,
        groups=groups,
        categories=categories,
        departments=departments,
        enums=enums,
        sensitive_words=tuple(sensitive_words),
        topic_words=tuple(topic_words),
        followup_days=followup_days,
        office_name=letter_names[0],
        review_body=letter_names[1],
        final_review_body=letter_names[2],
        header_synonyms=header_synonyms,
        aliases=aliases,
    )


def _name_setting(settings: dict[str, Any], name: str, default: str, problems: list[str]) -> str:
    value = settings.get(name, default)
    if not isinstance(value, str) or not value.strip():
        problems.append(f"settings.{name} 必须是非空文字（现为 {value!r}）")
        return default
    return value.strip()


def _header_synonyms(data: dict[str, Any], problems: list[str]) -> dict[str, str]:
    """[headers]: our column = [their headers…] → {their header: our column}."""
    table = _table(data, "headers", problems)
    out: dict[str, str] = {}
    for column, words in table.items():
        if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
            problems.append(f'headers.{column} 应为表头名称的列表，如 ["信访时间", "来信日期"]')
            continue
        for word in words:
            if word.strip() in out and out[word.strip()] != column:
                problems.append(f"headers 中“{word}”同时对应 {out[word.strip()]} 和 {column}")
            out[word.strip()] = column
    return out


def _aliases(
    data: dict[str, Any],
    departments: tuple[str, ...],
    categories: dict[str, Category],
    enums: dict[str, dict[str, str]],
    problems: list[str],
) -> dict[str, dict[str, str]]:
    """[aliases.departments|categories|channels]: 别称 = "正式名称"; every name must exist."""
    table = _table(data, "aliases", problems)
    valid = {
        "departments": set(departments),
        "categories": {c.name for c in categories.values()} | set(categories),
        "channels": set(enums.get("channels", {}).values()) | set(enums.get("channels", {})),
    }
    out: dict[str, dict[str, str]] = {}
    for kind, pairs in table.items():
        if kind not in valid:
            problems.append(f"aliases.{kind}：只能为 departments、categories 或 channels 设别称")
            continue
        if not isinstance(pairs, dict):
            problems.append(f'aliases.{kind} 应为“别称 = "正式名称"”的表')
            continue
        for alias, name in pairs.items():
            if not isinstance(name, str) or name.strip() not in valid[kind]:
                problems.append(f"aliases.{kind}.{alias} 指向的“{name}”不在分类体系中")
                continue
            out.setdefault(kind, {})[alias.strip()] = name.strip()
    return out


def _table(data: dict[str, Any], name: str, problems: list[str]) -> dict[str, Any]:
    value = data.get(name, {})
    if not isinstance(value, dict):
        problems.append(f"[{name}] 必须是表")
        return {}
    return value


def _list(data: dict[str, Any], name: str, problems: list[str]) -> list[dict[str, Any]]:
    value = data.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        problems.append(f"[[{name}]] 必须是表数组")
        return []
    return value


def _strings(table: dict[str, Any], name: str, where: str, problems: list[str]) -> list[str]:
    """A list of strings (a lone string would otherwise be read character by character)."""
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.append(f'{where} 必须是字符串列表，如 ["甲", "乙"]')
        return []
    return value


def _dates(values: Any, where: str, problems: list[str]) -> frozenset[date]:
    """Days and ranges as the State Council's notice reads: "2027-01-01", "2027-02-05..2027-02-11"
    (both ends included), or TOML dates."""
    out: set[date] = set()
    if not isinstance(values, list):
        problems.append(f'{where} 必须是日期列表，如 ["2027-01-01", "2027-02-05..2027-02-11"]')
        return frozenset()
    for value in values:
        if isinstance(value, date):
            out.add(value)
            continue
        first, dots, last = str(value).strip().partition("..")
        try:
            start = date.fromisoformat(first.strip())
            end = date.fromisoformat(last.strip()) if dots else start
        except ValueError:
            problems.append(
                f"{where} 中的“{value}”不是 YYYY-MM-DD 日期或 YYYY-MM-DD..YYYY-MM-DD 区间"
            )
            continue
        if end < start or (end - start).days > 366:
            problems.append(f"{where} 中的区间“{value}”有误：结束日期应在开始日期之后、一年以内")
            continue
        out.update(start + timedelta(days=n) for n in range((end - start).days + 1))
    return frozenset(out)
