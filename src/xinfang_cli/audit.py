"""The append-only audit log: writing events sealed in a hash chain, and reading them back.

Each event's hash covers the previous event's hash and its own content, so an edited, deleted or
reordered event breaks the chain (checked by `xinfang verify`). Events are written in the same
transaction as the change they record.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from .figures import format_yuan
from .labels import (
    DAY_MODE_LABELS,
    DECISION_LABELS,
    FIELD_LABELS,
    METHOD_LABELS,
    NOTICE_LABELS,
    REMINDER_LABELS,
    REVIEW_LEVEL_LABELS,
    STATUS_LABELS,
)
from .models import Event
from .privacy import mask_id_number, mask_name, mask_phone
from .taxonomy import FIELD_ENUMS, Taxonomy

GENESIS = "0" * 64

# The letter events' fields whose values are keys, and the words people read for them.
LETTER_WORDS = {
    "notice_kind": NOTICE_LABELS,
    "template_kind": NOTICE_LABELS,
    "method": METHOD_LABELS,
    "review_level": REVIEW_LEVEL_LABELS,
    "decision": DECISION_LABELS,
}


def describe_value(
    field: str, value: Any, *, taxonomy: Taxonomy | None, hide_name: bool = True
) -> str:
    """A value recorded for a case field, as `history` and `verify` show it: Chinese labels,
    是/否, 元, 天 — and personal data masked (the name only when `hide_name`)."""
    if value is None or value == "":
        return "（空）"
    if is_purged(value):
        return "（已清除）"
    if field == "phone":
        return mask_phone(str(value))
    if field == "id_number":
        return mask_id_number(str(value))
    if field == "name" and hide_name:
        return mask_name(str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    if field == "status":
        return STATUS_LABELS.get(str(value), str(value))
    if field == "aid_fen" and isinstance(value, int):
        return format_yuan(value) + " 元"
    if field in ("accept_days", "handle_days", "extend_max_days", "extended_days"):
        return f"{value} 天"
    if field == "day_mode":
        return DAY_MODE_LABELS.get(str(value), str(value))
    if field == "provisional":  # "accept_due:2027 due_on:2027"
        parts = [item.partition(":") for item in str(value).split()]
        names = "、".join(FIELD_LABELS.get(name, name) for name, _, _ in parts)
        years = sorted({y for _, _, ys in parts for y in ys.split(",") if y})
        return f"{names}暂定（{'、'.join(years)}年无节假日数据）"
    if field == "kind":  # a 督办提醒 (overdue --new) event
        return REMINDER_LABELS.get(str(value), str(value))
    if field in LETTER_WORDS:
        return LETTER_WORDS[field].get(str(value), str(value))
    if taxonomy is not None and isinstance(value, str):
        if field in FIELD_ENUMS:
            return taxonomy.label(FIELD_ENUMS[field], value)
        if field == "category":
            return taxonomy.category_name(value)
        if field == "group_key":
            return taxonomy.group_name(value)
    return str(_plain(value))


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _plain(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    return value


# The petitioner's personal values: an event seals a salted digest of each, not the value, so a
# retention purge can erase the value (keeping the digest) and the chain stays checkable.
PERSONAL = ("name", "phone", "id_number", "unit")


def is_purged(value: Any) -> bool:
    """A personal value a purge erased: {"purged": digest}."""
    return isinstance(value, dict) and set(value) == {"purged"}


def digest(salt: str, field: str, value: Any) -> str:
    """What an event seals for a personal value (its digest, or the one a purge kept)."""
    if is_purged(value):
        return str(value["purged"])
    return hashlib.sha256(f"{salt}|{field}|{value}".encode()).hexdigest()


def sealed_changes(changes: str, salt: str, data: dict[str, Any] | None = None) -> str:
    """An event's changes as sealed: personal values replaced by their salted digests.
    `data`: the changes already parsed (a bulk load has them in hand; saves reading them back)."""
    if not any(f'"{field}"' in changes for field in PERSONAL):
        return changes
    data = json.loads(changes) if data is None else dict(data)
    for field in PERSONAL:
        pair = data.get(field)
        if isinstance(pair, list):
            data[field] = [None if v is None else digest(salt, field, v) for v in pair]
    return _COMPACT.encode(data)


# json.dumps with options builds an encoder per call; a bulk load seals a million events.
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


_string = json.encoder.encode_basestring  # type: ignore[attr-defined]  # JSON text of a str, as the encoder writes it


_NOTHING = (None, False, "")
_OPENINGS: dict[str, str] = {}  # a field's `"name":[null,` as bulk_changes writes it


def bulk_changes(pairs: Iterable[tuple[str, Any]], salt: str) -> tuple[str, str]:
    """A new case's changes `{field: [null, value]}` for those of the (field, value) `pairs`
    with a value, as stored (compact JSON) and as sealed (`sealed_changes` of that text, byte
    for byte), written field by field: a bulk load seals a million of them, and encoding each
    one three times over would be a third of its time."""
    fragments: list[str] = []
    personal: list[tuple[int, str, Any]] = []
    openings = _OPENINGS
    for name, value in pairs:
        if value in _NOTHING:
            continue
        opening = openings.get(name)
        if opening is None:
            opening = openings[name] = f"{_string(name)}:[null,"
        kind = type(value)
        if kind is str:
            text = _string(value)
        elif kind is date:
            text = f'"{value.isoformat()}"'
        elif value is True:
            text = "true"
        elif kind is int:
            text = str(value)
        else:
            text = _COMPACT.encode(_plain(value))
        if name in PERSONAL:
            personal.append((len(fragments), name, value))
        fragments.append(f"{opening}{text}]")
    stored = "{" + ",".join(fragments) + "}"
    if not personal:
        return stored, stored
    for index, name, value in personal:
        fragments[index] = f"{openings[name]}{_string(digest(salt, name, value))}]"
    return stored, "{" + ",".join(fragments) + "}"


def seal(event: Event) -> str:
    """The hash of an event: its content and the hash of the one before it. An event with a salt
    seals digests of its personal values (`sealed_changes`); one without seals them as written."""
    salt = getattr(event, "salt", None)
    return seal_content(
        event.prev_hash,
        event.case_number,
        event.at,
        event.on_date.isoformat() if event.on_date else None,
        event.actor,
        event.action,
        event.changes if salt is None else sealed_changes(event.changes, salt),
        event.reason,
        salt,
    )


def seal_content(
    prev_hash: str,
    case_number: str | None,
    at: str,
    on_date: str | None,
    actor: str,
    action: str,
    sealed: str,
    reason: str | None,
    salt: str | None,
) -> str:
    """The hash over an event's content as sealed (`seal`; a bulk load calls it directly)."""
    content = [prev_hash, case_number, at, on_date, actor, action, sealed, reason]
    if salt is not None:
        content.append(salt)
    payload = _COMPACT.encode(content)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(8)


class AuditLog:
    """Writes events for one transaction, keeping the chain's tip in memory between writes."""

    def __init__(self, session: Session, actor: str) -> None:
        self.session = session
        self.actor = actor
        self._tip: str | None = None

    def _last_hash(self) -> str:
        if self._tip is None:
            bind = self.session.get_bind()
            if bind.dialect.name == "postgresql":
                # Serialise writers so two events never claim the same predecessor.
                self.session.execute(text("LOCK TABLE events IN EXCLUSIVE MODE"))
            last = self.session.exec(select(Event.hash).order_by(col(Event.id).desc()).limit(1))
            self._tip = last.first() or GENESIS
        return self._tip

    def tip(self) -> str:
        """The hash the next event links to."""
        return self._last_hash()

    def advance(self, tip: str) -> None:
        """After events written without `record` (a bulk load), the chain's new tip."""
        self._tip = tip

    def record(
        self,
        action: str,
        *,
        case_number: str | None = None,
        changes: dict[str, tuple[Any, Any]] | None = None,
        reason: str | None = None,
        on_date: date | None = None,
        at: str | None = None,
    ) -> Event:
        event = Event(
            case_number=case_number,
            at=at or utc_now(),
            on_date=on_date,
            actor=self.actor,
            action=action,
            changes=json.dumps(
                {k: [_plain(old), _plain(new)] for k, (old, new) in (changes or {}).items()},
                ensure_ascii=False,
            ),
            reason=reason,
            prev_hash=self._last_hash(),
            hash="",
            salt=new_salt(),
        )
        event.hash = seal(event)
        self._tip = event.hash
        self.session.add(event)
        return event


def events_for(session: Session, case_number: str) -> list[Event]:
    return list(
        session.exec(select(Event).where(Event.case_number == case_number).order_by(col(Event.id)))
    )
