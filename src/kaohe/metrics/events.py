"""Canonical event tables of Kaohe, as code.

Every operational record that feeds a KPI lands in one of these tables
(see docs/contracts/events-and-kpis.md). Importers validate against these
schemas; the generator writes them; the KPI catalog reads them.

Conventions:
- timestamps (``ts``) are naive UTC, microsecond precision;
- ``date`` columns are local calendar dates of the company;
- durations are float seconds;
- a column marked ``required`` may never be empty; the others are nullable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import pyarrow as pa

# Logical type name -> Arrow type used in the store.
ARROW_TYPES: dict[str, pa.DataType] = {
    "str": pa.string(),
    "float": pa.float64(),
    "int": pa.int64(),
    "bool": pa.bool_(),
    "ts": pa.timestamp("us"),
    "date": pa.date32(),
}

# Columns every stored row carries besides the canonical ones: the import batch
# and the row number in the source file, for provenance.
BATCH_COLUMN = "_batch_id"
ROW_COLUMN = "_source_row"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of ARROW_TYPES
    required: bool = True
    enum: tuple[str, ...] | None = None
    min: float | None = None
    max: float | None = None
    pattern: str | None = None  # regex a str value must match fully
    employee_ref: bool = False  # value must be a known employee when an org table is given

    def __post_init__(self) -> None:
        if self.type not in ARROW_TYPES:
            raise ValueError(f"column {self.name}: unknown type {self.type!r}")

    @property
    def arrow_type(self) -> pa.DataType:
        return ARROW_TYPES[self.type]

    @property
    def regex(self) -> re.Pattern[str] | None:
        return re.compile(self.pattern) if self.pattern else None


@dataclass(frozen=True)
class NotBefore:
    """Row check: ``later`` must not be earlier than ``earlier`` (both nullable)."""

    later: str
    earlier: str

    def describe(self) -> str:
        return f"{self.later} is before {self.earlier}"


@dataclass(frozen=True)
class RequiredWhen:
    """Row check: ``column`` must be filled when ``when_column`` has one of ``values``."""

    column: str
    when_column: str
    values: tuple[str, ...]

    def describe(self) -> str:
        return f"{self.column} is empty although {self.when_column} is {'/'.join(self.values)}"


Check = NotBefore | RequiredWhen


@dataclass(frozen=True)
class TableSchema:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    checks: tuple[Check, ...] = field(default=())
    title_zh: str = ""

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name} has no column {name!r}")

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    def arrow_schema(self, with_batch: bool = True) -> pa.Schema:
        fields = [pa.field(c.name, c.arrow_type, nullable=not c.required) for c in self.columns]
        if with_batch:
            fields += [pa.field(BATCH_COLUMN, pa.string(), nullable=False),
                       pa.field(ROW_COLUMN, pa.int64(), nullable=False)]
        return pa.schema(fields)


def _c(name: str, type_: str, *, required: bool = True, **kw: object) -> Column:
    return Column(name, type_, required, **kw)  # type: ignore[arg-type]


def _opt(name: str, type_: str, **kw: object) -> Column:
    return Column(name, type_, False, **kw)  # type: ignore[arg-type]



CALLS = TableSchema(
    "calls",
    (
        _c("call_id", "str"),
        _c("queue", "str"),
        _c("direction", "str", enum=("in", "out")),
        _opt("customer_id", "str"),
        _opt("agent_id", "str", employee_ref=True),
        _c("offered_at", "ts"),
        _opt("answered_at", "ts"),
        _c("ended_at", "ts"),
        _c("talk_s", "float", min=0.0),
        _c("hold_s", "float", min=0.0),
        _c("acw_s", "float", min=0.0),
        _c("outcome", "str", enum=("answered", "abandoned", "other")),
        _c("transferred", "bool"),
        _opt("disposition", "str"),
        # seconds the call rang at the agent before the answer (inbound), or the dialing time
        # before the callee answered (outbound); empty when the source does not record it
        _opt("ring_s", "float", min=0.0),
    ),
    key=("call_id",),
    checks=(
        NotBefore("answered_at", "offered_at"),
        NotBefore("ended_at", "offered_at"),
        NotBefore("ended_at", "answered_at"),
        RequiredWhen("answered_at", "outcome", ("answered",)),
    ),
    title_zh="通话记录",
)

AGENT_STATES = TableSchema(
    "agent_states",
    (
        _c("agent_id", "str", employee_ref=True),
        _c("state", "str", enum=("login", "ready", "not_ready", "talk", "hold", "acw", "break", "logout")),
        _opt("reason", "str"),
        _c("start_at", "ts"),
        _c("end_at", "ts"),
    ),
    key=("agent_id", "start_at"),
    checks=(NotBefore("end_at", "start_at"),),
    title_zh="座席状态",
)

SCHEDULES = TableSchema(
    "schedules",
    (
        _c("agent_id", "str", employee_ref=True),
        _c("start_at", "ts"),
        _c("end_at", "ts"),
        _c("activity", "str", enum=("work", "break", "training", "meeting")),
    ),
    key=("agent_id", "start_at", "activity"),
    checks=(NotBefore("end_at", "start_at"),),
    title_zh="排班",
)

QA_EVALUATIONS = TableSchema(
    "qa_evaluations",
    (
        _c("eval_id", "str"),
        _c("agent_id", "str", employee_ref=True),
        _opt("call_id", "str"),
        _c("evaluated_at", "ts"),
        _c("score", "float", min=0.0, max=100.0),
        _c("critical_fail", "bool"),
        _opt("evaluator_id", "str", employee_ref=True),
    ),
    key=("eval_id",),
    title_zh="质检评分",
)

SURVEYS = TableSchema(
    "surveys",
    (
        _c("survey_id", "str"),
        _opt("agent_id", "str", employee_ref=True),
        _opt("customer_id", "str"),
        _opt("call_id", "str"),
        _opt("ticket_id", "str"),
        _c("answered_at", "ts"),
        _opt("csat", "int", min=1, max=5),
        _opt("nps", "int", min=0, max=10),
    ),
    key=("survey_id",),
    title_zh="满意度调查",
)

TICKETS = TableSchema(
    "tickets",
    (
        _c("ticket_id", "str"),
        _c("type", "str", enum=("complaint", "repair", "inquiry")),
        _opt("customer_id", "str"),
        _opt("owner_id", "str", employee_ref=True),
        _opt("caused_by_id", "str", employee_ref=True),
        _c("created_at", "ts"),
        _opt("first_response_at", "ts"),
        _opt("resolved_at", "ts"),
        _opt("closed_at", "ts"),
        _c("reopened_count", "int", min=0.0),
        _c("escalated", "bool"),
    ),
    key=("ticket_id",),
    checks=(
        NotBefore("first_response_at", "created_at"),
        NotBefore("resolved_at", "created_at"),
        NotBefore("closed_at", "created_at"),
    ),
    title_zh="工单",
)

CALLBACKS = TableSchema(
    "callbacks",
    (
        _c("visit_id", "str"),
        _c("customer_id", "str"),
        _c("employee_id", "str", employee_ref=True),
        _c("visited_at", "ts"),
        _c("kind", "str", enum=("callback", "visit")),
        _c("complaint", "bool"),
    ),
    key=("visit_id",),
    title_zh="回访",
)

CUSTOMERS = TableSchema(
    "customers",
    (
        _c("customer_id", "str"),
        _opt("owner_id", "str", employee_ref=True),
        _c("segment", "str", enum=("key", "regular")),
        _opt("acquired_at", "ts"),
        _opt("churned_at", "ts"),
    ),
    key=("customer_id",),
    checks=(NotBefore("churned_at", "acquired_at"),),
    title_zh="客户",
)

FORECASTS = TableSchema(
    "forecasts",
    (
        _c("queue", "str"),
        _c("interval_start", "ts"),
        _c("interval_minutes", "int", min=1),
        _c("forecast_calls", "float", min=0.0),
        _opt("forecaster_id", "str", employee_ref=True),
    ),
    key=("queue", "interval_start"),
    title_zh="话务预测",
)

ATTENDANCE = TableSchema(
    "attendance",
    (
        _c("employee_id", "str", employee_ref=True),
        _c("date", "date"),
        _c("kind", "str", enum=("late", "early_leave", "absent", "leave")),
        _c("count", "int", min=0.0),
        _opt("minutes", "float", min=0.0),
    ),
    key=("employee_id", "date", "kind"),
    title_zh="考勤",
)

TRAINING = TableSchema(
    "training",
    (
        _c("employee_id", "str", employee_ref=True),
        _c("course_id", "str"),
        _c("date", "date"),
        _c("hours", "float", min=0.0),
        _opt("exam_score", "float", min=0.0, max=100.0),
        _opt("passed", "bool"),
    ),
    key=("employee_id", "course_id", "date"),
    title_zh="培训",
)

PLANS = TableSchema(
    "plans",
    (
        _c("employee_id", "str", employee_ref=True),
        _c("period", "str", pattern=r"\d{4}(-(0[1-9]|1[0-2])|-Q[1-4])?"),
        _c("measure", "str"),
        _c("kind", "str", enum=("plan", "budget", "report")),
        _c("target", "float"),
        _opt("actual", "float"),
        _opt("due_at", "ts"),
        _opt("delivered_at", "ts"),
    ),
    key=("employee_id", "period", "measure"),
    title_zh="计划·预算·报告",
)

INCIDENTS = TableSchema(
    "incidents",
    (
        _c("incident_id", "str"),
        _c("employee_id", "str", employee_ref=True),
        _c("occurred_at", "ts"),
        _c(
            "type",
            "str",
            enum=("report_error", "data_loss", "complaint_caused", "info_error", "major_incident",
                  "missed_followup"),
        ),
        _opt("severity", "str"),
    ),
    key=("incident_id",),
    title_zh="差错事故",
)

ORG = TableSchema(
    "org",
    (
        _c("employee_id", "str"),
        _c("name", "str"),
        _opt("team_id", "str"),  # managers and directors belong to no team
        _c("department_id", "str"),
        _c("center_id", "str"),
        _c("position_id", "str"),
    ),
    key=("employee_id",),
    title_zh="组织",
)

# Optional dimension: which team / department / center owns a queue, so calls that never
# reached an agent (abandons in the queue) count for that unit (see kaohe.metrics.attribution).
QUEUES = TableSchema(
    "queues",
    (
        _c("queue", "str"),
        _opt("team_id", "str"),
        _opt("department_id", "str"),
        _opt("center_id", "str"),
    ),
    key=("queue",),
    title_zh="队列归属",
)

# Aggregates of a vendor's interval report (Avaya CMS agent/split intervals, Genesys Cloud
# aggregates, Alibaba Cloud historical agent reports): sums and counts per agent and/or queue
# per interval. Centers whose platform exports only aggregates load these; the call and
# agent-time KPIs read them like records, but no per-call drill-down exists. ``agent_id``
# empty = a queue (split) row; ``queue`` empty = an agent row over all its queues.
INTERVAL_STATS = TableSchema(
    "interval_stats",
    (
        _c("interval_start", "ts"),
        _c("interval_minutes", "int", min=1),
        _opt("queue", "str"),
        _opt("agent_id", "str", employee_ref=True),
        _opt("offered", "int", min=0),            # inbound calls offered (answered + abandoned)
        _opt("answered", "int", min=0),           # inbound calls answered
        _opt("abandoned", "int", min=0),          # inbound calls abandoned (short ones included)
        _opt("short_abandoned", "int", min=0),    # abandons within the report's short-abandon time
        _opt("answered_within", "int", min=0),    # answered within sl_threshold_s
        _opt("abandoned_within", "int", min=0),   # abandoned within sl_threshold_s
        _opt("sl_threshold_s", "float", min=0.0),  # the report's service-level threshold
        _opt("answer_wait_s", "float", min=0.0),  # Σ wait of answered calls (ASA numerator)
        _opt("ring_s", "float", min=0.0),         # Σ ring time of answered calls
        _opt("handled", "int", min=0),            # calls handled by agents (inbound and outbound)
        _opt("outbound", "int", min=0),           # outbound calls handled
        _opt("dial_s", "float", min=0.0),         # Σ dialing time of outbound calls
        _opt("talk_s", "float", min=0.0),
        _opt("hold_s", "float", min=0.0),
        _opt("acw_s", "float", min=0.0),
        _opt("acw_count", "int", min=0),          # handled calls with after-call work
        _opt("transferred", "int", min=0),
        _opt("staffed_s", "float", min=0.0),      # logged-in time
        _opt("ready_s", "float", min=0.0),        # available (idle) time
        _opt("not_ready_s", "float", min=0.0),    # aux / not-ready time (breaks excluded)
        _opt("break_s", "float", min=0.0),
    ),
    key=("interval_start", "queue", "agent_id"),
    title_zh="区间报表汇总",
)

TABLES: dict[str, TableSchema] = {
    t.name: t
    for t in (CALLS, AGENT_STATES, SCHEDULES, QA_EVALUATIONS, SURVEYS, TICKETS, CALLBACKS, CUSTOMERS,
              FORECASTS, ATTENDANCE, TRAINING, PLANS, INCIDENTS, ORG, QUEUES, INTERVAL_STATS)
}


def get_table(name: str) -> TableSchema:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"unknown table {name!r}; known tables: {', '.join(TABLES)}") from None
