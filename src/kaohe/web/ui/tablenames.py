"""People's names for the event tables and their columns, in the page's language (no raw codes on pages)."""

from __future__ import annotations

from kaohe.metrics.events import TABLES

from .formatting import is_english

TABLE_EN = {
    "calls": "Calls", "agent_states": "Agent states", "schedules": "Schedules", "qa_evaluations": "QA evaluations",
    "surveys": "Satisfaction surveys", "tickets": "Tickets", "callbacks": "Callbacks", "customers": "Customers",
    "forecasts": "Traffic forecasts", "attendance": "Attendance", "training": "Training",
    "plans": "Plans, budgets and reports", "incidents": "Errors and incidents", "org": "Organisation",
    "queues": "Queue ownership", "interval_stats": "Interval report totals",
}

# column → (zh, en); a column not listed is shown by its words ("talk_s" → "talk s")
COLUMNS = {
    "call_id": ("通话编号", "Call id"), "queue": ("队列/技能组", "Queue"), "direction": ("呼叫方向", "Direction"),
    "customer_id": ("客户编号", "Customer id"), "agent_id": ("座席工号", "Agent id"),
    "offered_at": ("进线时间", "Offered at"), "answered_at": ("接起时间", "Answered at"),
    "ended_at": ("结束时间", "Ended at"), "talk_s": ("通话时长（秒）", "Talk time (s)"),
    "hold_s": ("保持时长（秒）", "Hold time (s)"), "acw_s": ("话后处理时长（秒）", "After-call work (s)"),
    "outcome": ("结果", "Outcome"), "transferred": ("是否转接", "Transferred"),
    "disposition": ("小结", "Disposition"), "ring_s": ("振铃时长（秒）", "Ring time (s)"),
    "state": ("状态", "State"), "start": ("开始", "Start"), "end": ("结束", "End"),
    "started_at": ("开始时间", "Started at"), "employee_id": ("员工工号", "Employee id"),
    "score": ("得分", "Score"), "date": ("日期", "Date"), "ticket_id": ("工单编号", "Ticket id"),
    "created_at": ("创建时间", "Created at"), "resolved_at": ("解决时间", "Resolved at"),
    "survey_id": ("调查编号", "Survey id"), "rating": ("评分", "Rating"),
}


def table_title(name: str) -> str:
    if is_english():
        return TABLE_EN.get(name, name.replace("_", " ").capitalize())
    schema = TABLES.get(name)
    return schema.title_zh if schema is not None and schema.title_zh else name


def column_title(name: str | None) -> str:
    if not name:
        return "—"
    if " → " in name:  # "the file's header → the field": the header is what the user knows
        return name.split(" → ")[0]
    zh, en = COLUMNS.get(name, (None, None))
    if is_english():
        return en or name.replace("_", " ").capitalize()
    return zh or name
