"""Reading the values people type into a case: trimmed text, counts, yes/no, and a whole
registration (`CaseInput`) with its enumerations resolved through the taxonomy and its phone and
ID numbers validated. Used alike by `add` and by the importer's row checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from .dates import parse_date
from .errors import InputError, XinfangError
from .labels import FIELD_LABELS
from .privacy import validate_id_number, validate_phone
from .taxonomy import Taxonomy
from .text import field_problem


def clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def check_text(key: str, value: str | None) -> None:
    """A text field typed by a person: no control characters (line breaks only where the field
    has several lines), no longer than the field is stored. The error names the field."""
    problem = field_problem(key, value)
    if problem:
        raise InputError(f"{FIELD_LABELS.get(key, key)}{problem}")


# More people than any petition has had, and far inside what a ledger's integer column holds.
MAX_PERSONS = 1_000_000


def parse_persons(text: str | int) -> int:
    try:
        value = int(str(text).strip())
    except ValueError:
        raise InputError(f"人数“{text}”不是整数。") from None
    if value < 1:
        raise InputError(f"人数必须至少为 1（现为 {value}）。")
    if value > MAX_PERSONS:
        raise InputError(f"人数最多为 {MAX_PERSONS}（现为 {value}）。")
    return value


def parse_bool(text: str) -> bool:
    value = text.strip().lower()
    if value in ("是", "true", "1", "yes", "y", "t"):
        return True
    if value in ("否", "false", "0", "no", "n", "f"):
        return False
    raise InputError(f"“{text}”不是是/否（也可写 true/false、1/0）。")


@dataclass
class CaseInput:
    """A case as the clerk described it, already read into keys and dates."""

    received_on: date
    channel: str
    summary: str
    name: str | None = None
    identity: str | None = None
    unit: str | None = None
    phone: str | None = None
    id_number: str | None = None
    persons: int = 1
    content: str | None = None
    nature: str | None = None
    category: str | None = None
    repeat_of: str | None = None
    bypass: bool = False
    confidential: bool | None = None  # None: the default (检举控告 are confidential)
    number: str | None = None


def build_input(tax: Taxonomy, raw: dict[str, Any]) -> CaseInput:
    """Validate registration fields typed as text (keys or Chinese labels) into a CaseInput."""
    for key in ("name", "unit", "summary", "content", "phone", "id_number", "repeat_of"):
        if isinstance(raw.get(key), str):
            check_text(key, raw[key])
    summary = clean(raw.get("summary"))
    if not summary:
        raise InputError("反映问题（--summary）不能为空。")
    received = raw.get("received_on")
    if not isinstance(received, date):
        raise InputError("缺少信访日期（--received）。")
    channel = clean(raw.get("channel"))
    if not channel:
        raise InputError("缺少信访形式（--channel）。")
    phone = clean(raw.get("phone"))
    id_number = clean(raw.get("id_number"))
    identity = clean(raw.get("identity"))
    nature = clean(raw.get("nature"))
    category = clean(raw.get("category"))
    persons = raw.get("persons")
    return CaseInput(
        received_on=received,
        channel=tax.resolve("channels", channel),
        summary=summary,
        name=clean(raw.get("name")),
        identity=tax.resolve("identities", identity) if identity else None,
        unit=clean(raw.get("unit")),
        phone=validate_phone(phone) if phone else None,
        id_number=validate_id_number(id_number) if id_number else None,
        persons=parse_persons(persons) if persons not in (None, "") else 1,
        content=clean(raw.get("content")),
        nature=tax.resolve("natures", nature) if nature else None,
        category=tax.category(category).key if category else None,
        repeat_of=clean(raw.get("repeat_of")),
        bypass=bool(raw.get("bypass", False)),
        confidential=raw.get("confidential"),
        number=clean(raw.get("number")),
    )


# --- one field at a time, named by its option --------------------------------------------------
# The registration fields a clerk types, and the option of `add` / `amend` that carries each.
OPTIONS = {
    "received_on": "--received",
    "channel": "--channel",
    "name": "--name",
    "identity": "--identity",
    "unit": "--unit",
    "phone": "--phone",
    "id_number": "--id-number",
    "persons": "--persons",
    "summary": "--summary",
    "content": "--content",
    "nature": "--nature",
    "category": "--category",
    "repeat_of": "--repeat-of",
    "bypass": "--bypass",
    "confidential": "--confidential",
}
REQUIRED = frozenset({"received_on", "channel", "summary"})


def read_field(tax: Taxonomy, key: str, text: str, *, today: date) -> Any:
    """One registration field typed as text → its stored value (None: cleared, for a field that
    may be empty). Errors name the option the value came from: “--received：无法识别的日期…”."""
    value = text.strip()
    try:
        check_text(key, value)
        if not value:
            if key in REQUIRED:
                raise InputError(f"{FIELD_LABELS[key]}不能为空。")
            return None
        if key == "received_on":
            return parse_date(value, today=today)
        if key == "channel":
            return tax.resolve("channels", value)
        if key == "identity":
            return tax.resolve("identities", value)
        if key == "nature":
            return tax.resolve("natures", value)
        if key == "category":
            return tax.category(value).key
        if key == "phone":
            return validate_phone(value)
        if key == "id_number":
            return validate_id_number(value)
        if key == "persons":
            return parse_persons(value)
        if key == "repeat_of":
            return value.upper()
        return value
    except XinfangError as exc:
        raise exc.prefixed(f"{OPTIONS.get(key, key)}：") from None


def read_fields(tax: Taxonomy, given: dict[str, str | None], *, today: date) -> dict[str, Any]:
    """Every field given (not None) read by `read_field`, in the order of OPTIONS."""
    return {
        key: read_field(tax, key, given[key] or "", today=today)
        for key in OPTIONS
        if given.get(key) is not None
    }
