"""Cycles, sheets and everything recorded on a sheet along the workflow.

Scores are never overwritten: each scoring, calibration or appeal adjustment adds a
`ScoreVersion`, and the sheet points at the current one. KPI values are kept per
computation; a recompute supersedes the previous computation instead of editing it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kaohe.web.org.models import Company, Employee, Level, Position

SCORE = {"max_digits": 12, "decimal_places": 4}


class PeriodKind(models.TextChoices):
    MONTHLY = "monthly", "月度 Monthly"
    QUARTERLY = "quarterly", "季度 Quarterly"
    ANNUAL = "annual", "年度 Annual"


class SchemeSnapshot(models.Model):
    """A frozen copy of one scheme as it was when a cycle used it.

    `version` counts the distinct contents seen for one scheme id; a sheet points at
    its snapshot, so later edits of the library never change an open cycle.
    """

    scheme_id = models.CharField(max_length=64)
    version = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    content = models.JSONField()  # Scheme.model_dump(mode="json")
    position_code = models.CharField(max_length=64)
    level = models.CharField(max_length=16, choices=Level.choices)
    period = models.CharField(max_length=16, choices=PeriodKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("scheme_id", "version"), ("scheme_id", "sha256")]

    def __str__(self) -> str:
        return f"{self.scheme_id} v{self.version}"

    def scheme(self):  # type: ignore[no-untyped-def]
        from kaohe.scheme.models import Scheme

        return Scheme.model_validate(self.content)


class Cycle(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "进行中 Open"
        CLOSED = "closed", "已结束 Closed"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="cycles")
    name = models.CharField(max_length=200)
    period = models.CharField(max_length=16, choices=PeriodKind.choices)
    label = models.CharField(max_length=16)  # 2026-10, 2026-Q4, 2026 (as in the plans table)
    start = models.DateField()
    end = models.DateField()  # inclusive
    positions = models.ManyToManyField(Position, blank=True)  # empty: every position with a scheme
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    rating_deadline = models.DateTimeField(null=True, blank=True)
    # step → last day ("YYYY-MM-DD") chosen when the cycle was opened (see services.cycles.DEADLINE_STEPS)
    deadlines = models.JSONField(default=dict, blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("company", "period", "label")]
        ordering = ["-start"]

    def __str__(self) -> str:
        return self.name


class SheetState(models.TextChoices):
    DRAFT = "draft", "草稿 Draft"
    TARGETS_SET = "targets_set", "目标已下达 Targets set"
    TARGETS_ACKNOWLEDGED = "targets_acknowledged", "目标已确认 Targets acknowledged"
    SELF_REVIEW = "self_review", "自评 Self-review"
    SUPERVISOR_REVIEW = "supervisor_review", "考评 Supervisor review"
    REVIEWER_APPROVAL = "reviewer_approval", "审核 Reviewer approval"
    CALIBRATION = "calibration", "校准 Calibration"
    PUBLISHED = "published", "已发布 Published"
    INTERVIEWED = "interviewed", "已面谈 Interviewed"
    ACKNOWLEDGED = "acknowledged", "已确认 Acknowledged"
    APPEALED = "appealed", "申诉中 Under appeal"
    CLOSED = "closed", "已归档 Closed"


class Sheet(models.Model):
    """One employee's appraisal in one cycle. `version` is the optimistic lock."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="sheets")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="sheets")
    scheme = models.ForeignKey(SchemeSnapshot, on_delete=models.PROTECT, related_name="sheets")
    state = models.CharField(max_length=32, choices=SheetState.choices, default=SheetState.DRAFT)
    version = models.PositiveIntegerField(default=1)
    current_score = models.ForeignKey("ScoreVersion", on_delete=models.SET_NULL, null=True, blank=True,
                                      related_name="+")
    returned_reason = models.TextField(blank=True)  # the reviewer's reason when sent back
    published_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    appeal_deadline = models.DateField(null=True, blank=True)
    # HR may leave an incomplete sheet out of publishing and approving, always with a reason
    excluded_reason = models.TextField(blank=True)
    excluded_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("cycle", "employee")]
        ordering = ["cycle", "employee__code"]

    def __str__(self) -> str:
        return f"{self.cycle} · {self.employee}"

    @property
    def company_id(self) -> int:
        return self.cycle.company_id


class ResponsibilityLetter(models.Model):
    """目标责任书 issued to the employee, filled from the library template and the sheet's scheme."""

    sheet = models.OneToOneField(Sheet, on_delete=models.CASCADE, related_name="letter")
    title = models.CharField(max_length=300)
    content = models.JSONField()  # parties, purpose, targets table, rewards, penalties, terms
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    issued_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                        blank=True, related_name="+")


class UploadBatch(models.Model):
    """One uploaded file of operational records: validated first, loaded on confirm."""

    class Status(models.TextChoices):
        CHECKING = "checking", "校验中 Checking"
        VALIDATED = "validated", "已校验 Validated"
        REJECTED = "rejected", "有错误 Rejected"
        LOADING = "loading", "导入中 Loading"
        LOADED = "loaded", "已导入 Loaded"

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="uploads")
    table = models.CharField(max_length=64)
    mapping = models.CharField(max_length=200, blank=True)
    timezone = models.CharField(max_length=64, blank=True)  # zone of naive times in the file
    file_name = models.CharField(max_length=300)
    stored_path = models.CharField(max_length=500)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=16, choices=Status.choices)
    rows_read = models.PositiveIntegerField(default=0)
    rows_loaded = models.PositiveIntegerField(default=0)
    batch_id = models.CharField(max_length=64, blank=True)  # the event store's batch id
    column_mapping = models.ForeignKey("ColumnMapping", on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="uploads")
    report = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    loaded_at = models.DateTimeField(null=True, blank=True)
    # the rows correct records already loaded: a stored row with the same key is replaced (Store.supersede)
    correct = models.BooleanField(default=False)


class ColumnMapping(models.Model):
    """How the files of one source (a vendor's export) map onto a table: saved once, reused after.

    `columns` maps each canonical column of `table` to the header in the file ("" = not in the file).
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="column_mappings")
    table = models.CharField(max_length=64)
    source = models.CharField(max_length=200)  # the name HR gives the source, e.g. "话务系统导出"
    headers = models.JSONField(default=list)  # the headers of the file the mapping was made for
    columns = models.JSONField(default=dict)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        unique_together = [("company", "table", "source")]
        ordering = ["table", "source"]

    def __str__(self) -> str:
        return self.source

    def as_mapping(self) -> dict:
        """The ingest layer's mapping dict (kaohe.metrics.ingest.mapping)."""
        return {"table": self.table, "columns": {k: v for k, v in self.columns.items() if v}}


class Job(models.Model):
    """A long step (validating or loading a file) run in the background, with its progress."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中 Queued"
        RUNNING = "running", "进行中 Running"
        DONE = "done", "已完成 Done"
        FAILED = "failed", "失败 Failed"

    kind = models.CharField(max_length=32)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="+")
    upload = models.ForeignKey(UploadBatch, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    message_zh = models.TextField(blank=True)
    message_en = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))


class KpiComputation(models.Model):
    """One computation of the KPI values of a cycle, with where they came from."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="computations")
    number = models.PositiveIntegerField()  # 1, 2, … per cycle
    computed_at = models.DateTimeField()
    computed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    source = models.CharField(max_length=32, default="metrics")  # metrics | manual
    engine_version = models.CharField(max_length=64, blank=True)
    batches = models.JSONField(default=list)  # event-store batch ids used
    row_counts = models.JSONField(default=dict)  # table → rows read

    class ReadFrom(models.TextChoices):
        ROLLUPS = "rollups", "按日汇总 Daily rollups"
        RECORDS = "records", "明细记录 Records"
        MIXED = "mixed", "部分汇总、部分明细 Partly rollups, partly records"

    # where compute_kpis read the values from ("" for values given directly)
    read_from = models.CharField(max_length=16, choices=ReadFrom.choices, blank=True, default="")
    superseded_by = models.ForeignKey("self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        unique_together = [("cycle", "number")]
        ordering = ["cycle", "-number"]


class KpiValue(models.Model):
    computation = models.ForeignKey(KpiComputation, on_delete=models.CASCADE, related_name="values")
    employee = models.ForeignKey(Employee, on_delete=models.PROTECT, related_name="kpi_values")
    kpi = models.CharField(max_length=64)
    params_key = models.CharField(max_length=200, blank=True)  # canonical "k=v;k=v", "" without params
    scope = models.CharField(max_length=16, default="self")  # self | team | department | center
    value = models.DecimalField(max_digits=20, decimal_places=6, null=True, blank=True)  # None: no data
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    unit = models.CharField(max_length=16, blank=True)

    class Meta:
        unique_together = [("computation", "employee", "kpi", "params_key", "scope")]
        indexes = [models.Index(fields=["employee", "kpi"])]


class RaterRole(models.TextChoices):
    SELF = "self", "自评 Self"
    SUPERVISOR = "supervisor", "考评 Supervisor"
    REVIEWER = "reviewer", "审评 Reviewer"
    PEER = "peer", "同事 Peer"
    CUSTOMER = "customer", "内部客户 Customer"
    QA = "qa", "质检 QA"


class Rating(models.Model):
    """A manual rating of one indicator (or, with `indicator` empty, of the whole sheet).

    Created as a request with a deadline; `submitted_at` is set when the rater rates.
    """

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="ratings")
    indicator = models.CharField(max_length=64)
    role = models.CharField(max_length=16, choices=RaterRole.choices)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="kaohe_ratings")
    score = models.DecimalField(**SCORE, null=True, blank=True)
    counts = models.JSONField(null=True, blank=True)  # for count items entered by a rater
    comment = models.TextField(blank=True)
    deadline = models.DateTimeField(null=True, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        unique_together = [("sheet", "indicator", "role", "rater")]
        ordering = ["sheet", "indicator", "role"]


class ScoreVersion(models.Model):
    class Kind(models.TextChoices):
        COMPUTED = "computed", "计算 Computed"
        CALIBRATION = "calibration", "校准 Calibration"
        APPEAL = "appeal", "申诉调整 Appeal adjustment"

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="score_versions")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=Kind.choices)
    total = models.DecimalField(**SCORE, null=True, blank=True)
    grade = models.CharField(max_length=8, blank=True)
    complete = models.BooleanField(default=False)
    result = models.JSONField()  # the SheetResult with its traces
    kpi_computation = models.ForeignKey(KpiComputation, on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="+")
    reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        unique_together = [("sheet", "number")]
        ordering = ["sheet", "number"]


class Interview(models.Model):
    """绩效面谈: recorded by the supervisor, confirmed by both sides."""

    sheet = models.OneToOneField(Sheet, on_delete=models.CASCADE, related_name="interview")
    held_on = models.DateField()
    strengths = models.TextField()
    gaps = models.TextField()
    improvement_plan = models.TextField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    supervisor_confirmed_at = models.DateTimeField(null=True, blank=True)
    employee_confirmed_at = models.DateTimeField(null=True, blank=True)


class Appeal(models.Model):
    class Outcome(models.TextChoices):
        PENDING = "pending", "待处理 Pending"
        UPHELD = "upheld", "维持 Upheld"
        ADJUSTED = "adjusted", "调整 Adjusted"

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="appeals")
    reason = models.TextField()
    # [{"kind": "text", "note": …} | {"kind": "kpi", "kpi_value_id": …, "note": …}]
    evidence = models.JSONField(default=list)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField()
    re_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="kaohe_appeals_to_review")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")
    outcome = models.CharField(max_length=16, choices=Outcome.choices, default=Outcome.PENDING)
    decision = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    score_before = models.ForeignKey(ScoreVersion, on_delete=models.PROTECT, null=True, related_name="+")
    score_after = models.ForeignKey(ScoreVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+")


class AppealFile(models.Model):
    """A file the employee attached to an appeal (image, PDF or workbook), kept with its checksum."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="files")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    stored_path = models.CharField(max_length=500)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["appeal", "pk"]


class CompetencyRating(models.Model):
    """One competency of the position's model, rated by self and supervisor (levels 1–5)."""

    sheet = models.ForeignKey(Sheet, on_delete=models.CASCADE, related_name="competency_ratings")
    competency = models.CharField(max_length=64)
    name_zh = models.CharField(max_length=200)
    dimension = models.CharField(max_length=32)
    required_level = models.PositiveSmallIntegerField()
    self_level = models.PositiveSmallIntegerField(null=True, blank=True)
    supervisor_level = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        unique_together = [("sheet", "competency")]

    @property
    def gap(self) -> int | None:
        """Required level minus the supervisor's rating (positive: below requirement)."""
        if self.supervisor_level is None:
            return None
        return self.required_level - self.supervisor_level
