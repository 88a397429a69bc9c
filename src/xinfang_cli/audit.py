"""The append-only audit log: writing events sealed in a hash chain, and reading them back.

Each event's hash covers the previous event's hash and its own content, so an edited, deleted or
reordered event breaks the chain (checked by `xinfang verify`). Events are written in the same
transaction as the change they record.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from .figures import format_yuan
from .labels import DAY_MODE_LABELS, REMINDER_LABELS, STATUS_LABELS
from .models import Event
from .privacy import mask_id_number, mask_name, mask_phone
from .taxonomy import FIELD_ENUMS, Taxonomy

GENESIS = "0" * 64


def describe_value(
    field: str, value: Any, *, taxonomy: Taxonomy | None, hide_name: bool = True
) -> str:
    """A value recorded for a case field, as `history` and `verify` show it: Chinese labels,
    是/否, 元, 天 — and personal data masked (the name only when `hide_name`)."""
    if value is None or value == "":
        return "（空）"
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
    if field == "kind":  # a 督办提醒 (overdue --new) event
        return REMINDER_LABELS.get(str(value), str(value))
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


def seal(event: Event) -> str:
    """The hash of an event: its content and the hash of the one before it."""
    payload = json.dumps(
        [
            event.prev_hash,
            event.case_number,
            event.at,
            event.on_date.isoformat() if event.on_date else None,
            event.actor,
            event.action,
            event.changes,
            event.reason,
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


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
        )
        event.hash = seal(event)
        self._tip = event.hash
        self.session.add(event)
        return event


def events_for(session: Session, case_number: str) -> list[Event]:
    return list(
        session.exec(select(Event).where(Event.case_number == case_number).order_by(col(Event.id)))
    )
