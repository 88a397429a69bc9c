"""The rules of a case's life (README “一件案件的一生”), written once.

Each step — registering, accepting (受理), rejecting (不予受理), extending (延期), closing (办结),
rating (评价) — has a check that takes the case as it stands and the proposed step and returns the
list of problems, as values. A single command raises the first (`raise_first`); the importer
collects every problem of every row. A problem names the case field it is about (so the importer
can name the column) and whether it is a refusal of the case's state (exit 1) or a wrong value
(exit 2). The checks read a case through the `State` protocol, so a stored case row and a row
being planned from a file are checked alike. Pure: no database, no clock (`today` is passed in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from . import deadlines
from .errors import InputError, NotAllowed
from .labels import FIELD_LABELS, NOTICE_LABELS, REVIEW_LEVEL_LABELS, STATUS_LABELS
from .text import field_problem


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a proposed step. `message` may hold `{option}`: where the value came
    from a command-line option, the option is named there (“（--reason）”); a file row names its
    column instead."""

    field: str | None
    message: str
    refusal: bool = False  # the case's state does not allow the step (exit 1), else exit 2
    option: str | None = None

    def text(self, *, options: bool = True) -> str:
        shown = f"（{self.option}）" if options and self.option else ""
        return self.message.replace("{option}", shown)


def raise_first(problems: list[Problem]) -> None:
    """A single step: the first problem, as the error the CLI turns into its exit code."""
    if problems:
        first = problems[0]
        raise (NotAllowed if first.refusal else InputError)(first.text())


class State(Protocol):
    """The parts of a case the rules read (a stored Case, or a case planned from a file row)."""

    @property
    def number(self) -> str | None: ...
    @property
    def status(self) -> str: ...
    @property
    def received_on(self) -> date: ...
    @property
    def accepted_on(self) -> date | None: ...
    @property
    def handle_due(self) -> date | None: ...
    @property
    def extended_days(self) -> int | None: ...
    @property
    def extended_on(self) -> date | None: ...
    @property
    def extend_max_days(self) -> int: ...
    @property
    def closed_on(self) -> date | None: ...
    @property
    def rating(self) -> str | None: ...
    @property
    def rated_on(self) -> date | None: ...
    @property
    def day_mode(self) -> str: ...
    @property
    def roll_over(self) -> bool: ...


class Counted(Protocol):
    """What counting a limit needs: the case's way of counting days."""

    @property
    def day_mode(self) -> str: ...
    @property
    def roll_over(self) -> bool: ...


def due(case: Counted, start: date, days: int, calendar: deadlines.WorkCalendar) -> date:
    """A limit of `days` from `start`, counted the way the case was registered to count it."""
    mode: deadlines.DayMode = "working" if case.day_mode == "working" else "calendar"
    return deadlines.due_date(start, days, mode=mode, roll_over=case.roll_over, calendar=calendar)


# --- shared pieces ----------------------------------------------------------------------------
def check_date(
    field: str, on: date, *, today: date, after: date | None = None, after_field: str = ""
) -> list[Problem]:
    """A step's date: not in the future, not before the step it follows."""
    what = FIELD_LABELS[field]
    if on > today:
        return [Problem(field, f"{what} {on} 晚于今天（{today}），请检查。")]
    if after is not None and on < after:
        return [Problem(field, f"{what} {on} 早于{FIELD_LABELS[after_field]} {after}，请检查。")]
    return []


def _status(case: State, allowed: tuple[str, ...], action: str) -> list[Problem]:
    if case.status in allowed:
        return []
    wanted = "、".join(STATUS_LABELS[s] for s in allowed)
    hint = ""
    if case.status == "registered" and "handling" in allowed:
        hint = f"请先用 xinfang assign {case.number} 受理交办。"
    elif case.status == "handling" and "closed" in allowed:
        hint = f"请先用 xinfang close {case.number} 办结。"
    current = STATUS_LABELS.get(case.status, case.status)
    return [
        Problem(
            "status",
            f"案件 {case.number} 当前状态为“{current}”，不能{action}（只有“{wanted}”的案件可以）。{hint}",
            refusal=True,
        )
    ]


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


def check_text(field: str, value: str | None, option: str | None = None) -> list[Problem]:
    """A text a person typed: no control characters (line breaks only in 具体内容/办理结果), no
    longer than the field is stored (`text.MAX_LENGTH`)."""
    problem = field_problem(field, value)
    if problem is None:
        return []
    return [Problem(field, f"{FIELD_LABELS.get(field, field)}{{option}}{problem}", option=option)]


# --- the steps --------------------------------------------------------------------------------
def check_register(*, received_on: date, today: date) -> list[Problem]:
    return check_date("received_on", received_on, today=today)


def check_repeat(*, original: str, original_received: date, received_on: date) -> list[Problem]:
    """A repeat petition names an earlier case about the same matter."""
    if original_received > received_on:
        return [
            Problem(
                "repeat_of",
                f"原件 {original} 的信访日期 {original_received} 晚于本件的信访日期 {received_on}。",
            )
        ]
    return []


def check_assign(case: State, *, on: date, today: date, leader: str | None = None) -> list[Problem]:
    """受理: only a registered case, dated on or after its receipt."""
    problems = _status(case, ("registered",), "受理交办")
    return problems or check_text("leader", leader, "--leader") + check_date(
        "accepted_on", on, today=today, after=case.received_on, after_field="received_on"
    )


def check_reject(
    case: State, *, reason: str | None, on: date, today: date, referral: str | None = None
) -> list[Problem]:
    """不予受理: only a registered case, with a reason."""
    problems = _status(case, ("registered",), "作不予受理决定")
    if problems:
        return problems
    problems += check_text("reject_reason", reason, "--reason")
    problems += check_text("referral", referral, "--referral")
    if _blank(reason):
        problems.append(
            Problem("reject_reason", "不予受理必须写明理由{option}。", option="--reason")
        )
    return problems + check_date(
        "rejected_on", on, today=today, after=case.received_on, after_field="received_on"
    )


def check_extend(
    case: State,
    *,
    days: int,
    reason: str | None,
    on: date,
    today: date,
    approver: str | None = None,
) -> list[Problem]:
    """延期 (Art. 34): once, at most the case's limit, with a reason, while handling and before
    the case is overdue."""
    problems = _status(case, ("handling",), "延期")
    if problems:
        return problems
    if case.extended_days is not None:
        return [
            Problem(
                "extended_days",
                f"案件 {case.number} 已于 {case.extended_on} 延期 {case.extended_days} 天；"
                "《信访工作条例》第三十四条规定只能延期一次。",
                refusal=True,
            )
        ]
    if not 1 <= days <= case.extend_max_days:
        problems.append(
            Problem(
                "extended_days",
                f"延期天数必须在 1 到 {case.extend_max_days} 天之间（现为 {days}）。",
            )
        )
    if _blank(reason):
        problems.append(
            Problem("extend_reason", "延期必须写明理由{option}，并告知信访人。", option="--reason")
        )
    problems += check_text("extend_reason", reason, "--reason")
    problems += check_text("extend_approver", approver, "--approver")
    dated = check_date(
        "extended_on", on, today=today, after=case.accepted_on, after_field="accepted_on"
    )
    problems += dated
    if not dated and case.handle_due is not None and on > case.handle_due:
        problems.append(
            Problem(
                "extended_on",
                f"延期日期 {on} 晚于原办结期限 {case.handle_due}：案件已于 {case.handle_due} 到期，"
                "超期后不能再延期。",
                refusal=True,
            )
        )
    return problems


def check_close(
    case: State,
    *,
    outcome: str | None,
    result: str | None,
    on: date,
    today: date,
) -> list[Problem]:
    """办结: while handling, with one of 三到位一处理 and the result, not before the acceptance
    or the extension."""
    problems = _status(case, ("handling",), "办结")
    if problems:
        return problems
    dated = check_date(
        "closed_on", on, today=today, after=case.accepted_on, after_field="accepted_on"
    )
    if not dated and case.extended_on and on < case.extended_on:
        dated = [Problem("closed_on", f"办结日期 {on} 早于延期日期 {case.extended_on}，请检查。")]
    problems += dated
    if _blank(outcome):
        problems.append(
            Problem(
                "outcome",
                "办结必须填写办理结果类型（解决到位、教育到位、帮扶到位、依法处理）{option}。",
                option="--outcome",
            )
        )
    if _blank(result):
        problems.append(Problem("result", "办结必须填写办理结果{option}。", option="--result"))
    return problems + check_text("result", result, "--result")


def check_rate(
    case: State,
    *,
    on: date,
    today: date,
    replace: bool = False,
    reason: str | None = None,
    old_label: str = "",
) -> list[Problem]:
    """满意度评价 of a closed case. The rating feeds 满意率, so a second one is refused unless
    the clerk says it corrects the first and why."""
    problems = _status(case, ("closed",), "评价")
    if problems:
        return problems
    if case.rating is not None and not replace:
        return [
            Problem(
                "rating",
                f"案件 {case.number} 已于 {case.rated_on} 评价为“{old_label or case.rating}”。"
                "如确需更正，请加 --replace 并用 --reason 写明原因。",
                refusal=True,
            )
        ]
    if replace and case.rating is not None and _blank(reason):
        problems.append(Problem("rating", "更正评价必须写明原因{option}。", option="--reason"))
    problems += check_text("reason", reason, "--reason")
    return problems + check_date(
        "rated_on", on, today=today, after=case.closed_on, after_field="closed_on"
    )


# --- corrections ------------------------------------------------------------------------------
def _reason(field: str, reason: str | None, what: str) -> list[Problem]:
    if _blank(reason):
        return [Problem(field, f"{what}必须写明原因{{option}}。", option="--reason")]
    return check_text(field, reason, "--reason")


def check_amend(
    case: State,
    *,
    received_on: date | None,
    reason: str | None,
    today: date,
    rejected_on: date | None = None,
) -> list[Problem]:
    """更正 the registration: any case but a voided one, with a reason; a new date of receipt
    may not be in the future nor after the case was accepted or rejected."""
    if case.status == "voided":
        return [Problem("status", f"案件 {case.number} 已作废，不能更正。", refusal=True)]
    problems = _reason("reason", reason, "更正")
    if received_on is not None:
        problems += check_date("received_on", received_on, today=today)
        for later, field in ((case.accepted_on, "accepted_on"), (rejected_on, "rejected_on")):
            if later is not None and received_on > later:
                problems.append(
                    Problem(
                        "received_on",
                        f"信访日期 {received_on} 晚于{FIELD_LABELS[field]} {later}：案件已在此前"
                        "作出决定，不能把信访日期改到它之后。",
                        refusal=True,
                    )
                )
    return problems


def check_reassign(
    case: State,
    *,
    reason: str | None,
    on: date,
    today: date,
    changed: bool,
    leader: str | None = None,
) -> list[Problem]:
    """改派: only while handling, with a reason, dated between the acceptance and today."""
    problems = _status(case, ("handling",), "改派")
    if problems:
        return problems
    problems = _reason("reason", reason, "改派") + check_text("leader", leader, "--leader")
    problems += check_date(
        "reassigned_on", on, today=today, after=case.accepted_on, after_field="accepted_on"
    )
    if not changed:
        problems.append(Problem("lead_dept", "改派后的主办单位、协办单位和包案领导与现在相同。"))
    return problems


def check_void(case: State, *, reason: str | None) -> list[Problem]:
    """作废 (entered by mistake, a duplicate): any case not voided already, with a reason."""
    if case.status == "voided":
        return [Problem("status", f"案件 {case.number} 已经作废。", refusal=True)]
    return _reason("reason", reason, "作废")


def check_reopen(
    case: State, *, reason: str | None, on: date, today: date, rejected_on: date | None
) -> list[Problem]:
    """撤销办结或不予受理: back to handling / registered, with a reason, dated after the step it
    undoes."""
    if case.status not in ("closed", "not_accepted"):
        current = STATUS_LABELS.get(case.status, case.status)
        hint = {
            "registered": "尚未作出受理决定，无需撤销；如系误登记请用 xinfang void。",
            "handling": "案件仍在办理中，无需撤销；如需换单位请用 xinfang reassign。",
            "voided": "已作废的案件不能恢复。",
        }.get(case.status, "")
        return [
            Problem(
                "status",
                f"案件 {case.number} 当前状态为“{current}”，只有“已办结”或“不予受理”的案件"
                f"可以撤销。{hint}",
                refusal=True,
            )
        ]
    undone = case.closed_on if case.status == "closed" else rejected_on
    field = "closed_on" if case.status == "closed" else "rejected_on"
    return _reason("reason", reason, "撤销") + check_date(
        "reopened_on", on, today=today, after=undone, after_field=field
    )


# --- letters and reviews (Arts. 23, 33–36) ----------------------------------------------------
REVIEW_DAYS = 30  # to ask for 复查/复核, and to answer it: calendar days, start day not counted
REVIEW_LEVELS = ("review", "final_review")
# Which letter answers which review level.
ANSWER_NOTICE = {"review": "review_answer", "final_review": "final_review_answer"}
NO_MORE = "复核后同一事实和理由不再受理"


class ReviewState(Protocol):
    """A review (复查/复核) as the rules read it."""

    @property
    def level(self) -> str: ...
    @property
    def requested_on(self) -> date: ...
    @property
    def due_on(self) -> date: ...
    @property
    def decided_on(self) -> date | None: ...


def review_due(requested_on: date) -> date:
    """A review is answered within 30 days of its request (start day not counted)."""
    return requested_on + timedelta(days=REVIEW_DAYS)


def letter_basis(
    case: State, kind: str, reviews: list[ReviewState]
) -> tuple[date | None, str | None, list[Problem]]:
    """The step a letter reports — (its date, the field naming it, or the refusal): a 受理告知书
    exists from acceptance, a 处理意见书 from closing, a 复查意见书 from the 复查 decision…"""
    number = case.number
    decided = {r.level: r.decided_on for r in reviews if r.decided_on is not None}
    title = NOTICE_LABELS[kind]
    if case.status == "voided":
        return (
            None,
            None,
            [Problem("status", f"案件 {number} 已作废，不能生成{title}。", refusal=True)],
        )
    if kind == "accept":
        if case.accepted_on is None:
            return (
                None,
                None,
                _no_letter(case, title, "尚未受理", f"请先用 xinfang assign {number} 受理交办。"),
            )
        return case.accepted_on, "accepted_on", []
    if kind == "reject":
        rejected_on = getattr(case, "rejected_on", None)
        if case.status != "not_accepted" or rejected_on is None:
            return (
                None,
                None,
                _no_letter(
                    case, title, "不是“不予受理”", f"请先用 xinfang reject {number} 作出决定。"
                ),
            )
        return rejected_on, "rejected_on", []
    if kind == "extend":
        if case.extended_on is None:
            return (
                None,
                None,
                _no_letter(case, title, "没有延期", f"请先用 xinfang extend {number} 延期。"),
            )
        return case.extended_on, "extended_on", []
    if kind == "reply":
        if case.status != "closed" or case.closed_on is None:
            return (
                None,
                None,
                _no_letter(case, title, "尚未办结", f"请先用 xinfang close {number} 办结。"),
            )
        return case.closed_on, "closed_on", []
    level = "review" if kind == "review_answer" else "final_review"
    on = decided.get(level)
    if on is None:
        word = REVIEW_LEVEL_LABELS[level]
        return (
            None,
            None,
            _no_letter(
                case,
                title,
                f"没有已作出决定的{word}",
                f"请先用 xinfang review decide {number} 记录{word}决定。",
            ),
        )
    return on, "decided_on", []


def _no_letter(case: State, title: str, why: str, hint: str) -> list[Problem]:
    return [Problem("status", f"案件 {case.number} {why}，不能生成{title}。{hint}", refusal=True)]


def check_notice(
    case: State, kind: str, reviews: list[ReviewState], *, on: date, today: date
) -> list[Problem]:
    """A letter: only when the case's state has the step it reports, dated on or after it."""
    basis, field, problems = letter_basis(case, kind, reviews)
    if problems or basis is None or field is None:
        return problems
    return check_date("letter_date", on, today=today, after=basis, after_field=field)


def check_deliver(
    case: State,
    kind: str,
    reviews: list[ReviewState],
    *,
    on: date,
    today: date,
    generated_on: date | None,
) -> list[Problem]:
    """送达: of a letter the case's state allows, not before the step it reports nor before the
    letter's own date."""
    basis, field, problems = letter_basis(case, kind, reviews)
    if problems or basis is None or field is None:
        return problems
    if generated_on is not None and generated_on > basis:
        basis, field = generated_on, "letter_date"
    return check_date("delivered_on", on, today=today, after=basis, after_field=field)


def review_window(
    case: State, reviews: list[ReviewState], delivered: dict[str, date]
) -> tuple[str, date, date, str] | list[Problem]:
    """The next review a petitioner may ask for: (level, the day the window starts, its last
    day, what starts it) — or why none may be asked. The window runs 30 days from the delivery
    of the answer contested (the 处理意见书 for 复查, the 复查意见书 for 复核), or from the
    answer's own date when no delivery is recorded."""
    number = case.number
    by_level = {r.level: r for r in reviews}
    if "final_review" in by_level:
        return [Problem("status", f"案件 {number} 已申请过复核：{NO_MORE}。", refusal=True)]
    if "review" in by_level:
        first = by_level["review"]
        if first.decided_on is None:
            return [
                Problem(
                    "status",
                    f"案件 {number} 的复查尚未作出决定（应于 {first.due_on} 前答复），"
                    "不能申请复核。",
                    refusal=True,
                )
            ]
        notice = ANSWER_NOTICE["review"]
        if notice in delivered:
            return (
                "final_review",
                delivered[notice],
                review_due(delivered[notice]),
                "复查意见书送达",
            )
        return "final_review", first.decided_on, review_due(first.decided_on), "复查决定"
    if case.status != "closed" or case.closed_on is None:
        current = STATUS_LABELS.get(case.status, case.status)
        return [
            Problem(
                "status",
                f"案件 {number} 当前状态为“{current}”，尚未办结答复，不能申请复查。",
                refusal=True,
            )
        ]
    if "reply" in delivered:
        return "review", delivered["reply"], review_due(delivered["reply"]), "处理意见书送达"
    return "review", case.closed_on, review_due(case.closed_on), "办结答复"


def check_review_request(
    case: State,
    reviews: list[ReviewState],
    delivered: dict[str, date],
    *,
    on: date,
    today: date,
) -> list[Problem]:
    """复查/复核 request: the next level, within its window (the 30th day in, the 31st out)."""
    window = review_window(case, reviews, delivered)
    if isinstance(window, list):
        return window
    level, start, last, what = window
    word = REVIEW_LEVEL_LABELS[level]
    if on > today:
        return [Problem("requested_on", f"申请日期 {on} 晚于今天（{today}），请检查。")]
    if on < start:
        return [Problem("requested_on", f"申请日期 {on} 早于{what}（{start}），请检查。")]
    if on > last:
        return [
            Problem(
                "requested_on",
                f"案件 {number_of(case)} 的{word}申请期限已于 {last} 届满（自{what} {start} 起 "
                f"{REVIEW_DAYS} 日），{on} 的申请不予受理。",
                refusal=True,
            )
        ]
    return []


def number_of(case: State) -> str:
    return case.number or ""


def check_review_decide(
    case: State,
    reviews: list[ReviewState],
    *,
    on: date,
    today: date,
    result: str | None,
) -> list[Problem]:
    """复查/复核 decision: of the pending request, dated between the request and today."""
    pending = [r for r in reviews if r.decided_on is None]
    if not pending:
        done_levels = "、".join(REVIEW_LEVEL_LABELS[r.level] for r in reviews)
        why = f"其{done_levels}均已作出决定" if reviews else "没有复查或复核申请"
        return [
            Problem(
                "status",
                f"案件 {case.number} {why}，没有待决定的申请。"
                + ("" if reviews else f"请先用 xinfang review request {case.number} 记录申请。"),
                refusal=True,
            )
        ]
    review = pending[0]
    return check_text("review_result", result, "--result") + check_date(
        "decided_on", on, today=today, after=review.requested_on, after_field="requested_on"
    )
