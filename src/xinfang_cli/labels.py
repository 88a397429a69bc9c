"""The Chinese words for the ledger's own keys: case statuses, audit actions and fields,
reminder kinds, risk levels and the two ways of counting days.

Enumerations the office can change (channels, outcomes, ratings…) live in the taxonomy; these
are the ones the program itself defines. Everything a person reads takes its word from here, so
`history`, `verify`, `list`, the reports and the overdue check say the same thing.
"""

from __future__ import annotations

STATUS_LABELS = {
    "registered": "已登记",
    "handling": "办理中",
    "closed": "已办结",
    "not_accepted": "不予受理",
    "voided": "已作废",
}

# What a clerk may type for a status (list --status): the keys, the labels, a few usual words.
STATUS_ALIASES = {
    **{key: key for key in STATUS_LABELS},
    **{label: key for key, label in STATUS_LABELS.items()},
    "待受理": "registered",
    "办结": "closed",
    "open": "open",
    "未办结": "open",
}
# The petition office's own row of a department table: cases it has not yet accepted or
# rejected, which have no lead department (the overdue check, both reports).
PENDING_GROUP = "信访办（待受理）"

STATUS_CHOICES = ("已登记", "办理中", "已办结", "不予受理", "未办结")

# What `list --search` looks in (records.search_words / _matches), as its help says it.
SEARCHED = (
    "编号、反映问题、具体内容、办理结果、单位、信访人姓名（保密案件除外）；"
    "完整的电话或身份证号，或电话的后四位。多个词以空格分隔，须全部匹配"
)

DAY_MODE_LABELS = {"calendar": "自然日", "working": "工作日"}

ACTION_LABELS = {
    "init": "初始化账本",
    "taxonomy_load": "更新分类体系",
    "register": "登记",
    "import": "导入",
    "classify": "分类",
    "assign": "受理交办",
    "reject": "不予受理",
    "extend": "延期",
    "close": "办结",
    "rate": "评价",
    "reveal": "查看个人信息",
    "remind": "督办提醒",
    "amend": "更正登记信息",
    "reassign": "改派",
    "void": "作废",
    "reopen": "撤销办结/不予受理",
    "recount": "更正期限（补充节假日安排）",
    "restore": "从备份恢复",
    "purge": "清除个人信息",
    "activity_add": "记录工作活动",
    "activity_delete": "删除工作活动",
    "link": "加注同一信访人标记",
}

FIELD_LABELS = {
    "number": "编号",
    "received_on": "信访日期",
    "channel": "信访形式",
    "name": "信访人",
    "identity": "身份",
    "unit": "单位",
    "phone": "联系电话",
    "id_number": "身份证号",
    "persons": "人数",
    "summary": "反映问题",
    "content": "具体内容",
    "nature": "性质",
    "category": "事项类别",
    "group_key": "分组",
    "repeat_of": "原件编号",
    "bypass": "越级",
    "confidential": "保密",
    "status": "状态",
    "accept_days": "受理时限",
    "handle_days": "办结时限",
    "extend_max_days": "延期上限",
    "day_mode": "计日方式",
    "roll_over": "节假日顺延",
    "accept_due": "受理期限",
    "accepted_on": "受理日期",
    "lead_dept": "主办单位",
    "co_depts": "协办单位",
    "leader": "包案领导",
    "rejected_on": "不予受理日期",
    "reject_reason": "不予受理理由",
    "referral": "转办渠道",
    "handle_due": "原办结期限",
    "extended_days": "延期天数",
    "extend_reason": "延期理由",
    "extended_on": "延期日期",
    "extend_approver": "延期批准人",
    "due_on": "办结期限",
    "closed_on": "办结日期",
    "outcome": "办理结果类型",
    "result": "办理结果",
    "aid_fen": "帮扶金额",
    "rating": "满意度",
    "rated_on": "评价日期",
    "provisional": "暂定期限",
    "voided_on": "作废日期",
    "purged_on": "个人信息清除日期",
    "activity": "活动编号",
    "activity_kind": "活动类别",
    "people": "人次",
    "note": "备注",
    "petitioner_ref": "同一信访人标记",
    "redacted_events": "无法再核对内容的旧操作日志",
    "void_reason": "作废理由",
    "reassigned_on": "改派日期",
    "reopened_on": "撤销日期",
    "reason": "原因",
    "kind": "提醒类型",
    "due": "期限",
    "as_of": "检查日期",
}

# The morning check's reminders (overdue --new records them as events).
ACCEPT_OVERDUE = "accept_overdue"
HANDLE_OVERDUE = "handle_overdue"
DUE_SOON = "due_soon"
REMINDER_LABELS = {
    ACCEPT_OVERDUE: "受理超期",
    HANDLE_OVERDUE: "办结超期",
    DUE_SOON: "临期",
}
STAGE_LABELS = {"accept": "受理", "handle": "办结"}

LEVELS = ("red", "orange", "yellow")
LEVEL_LABELS = {"red": "红色", "orange": "橙色", "yellow": "黄色"}


def day_unit(mode: str) -> str:
    """How a count of days in this mode is written after the number: 天 or 个工作日."""
    return "个工作日" if mode == "working" else "天"
