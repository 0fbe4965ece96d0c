"""Notifications: what a person is told, how (in the app, by email, in a work-chat group), and
whether it arrived.

- `Notification` is the in-app record (the bell and the list); one per person and event.
- `Delivery` is one message on one outside channel (an email, or a post to a group robot), with
  its attempts, the next retry and the last error. Failed deliveries are what HR sees.
- `RobotChannel` is a DingTalk, Feishu/Lark or WeCom group robot of a company or a department;
  its webhook address and signing secret are stored encrypted (see `crypto`), or named as
  environment variables.
- `Preference` is a person's choice of events, channels, quiet hours and language.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from kaohe.web.org.models import Company, Department


class EventKind(models.TextChoices):
    TARGETS = "targets", "目标责任书待确认 Targets to acknowledge"
    SELF_REVIEW = "self_review", "自评开始 Self-rating started"
    RATING_REQUEST = "rating_request", "评分邀请 Rating request"
    REVIEW = "review", "待考评/审核 Review waiting"
    INTERVIEW = "interview", "绩效面谈 Feedback interview"
    RESULT_PUBLISHED = "result_published", "结果已发布 Result published"
    APPEAL_FILED = "appeal_filed", "收到申诉 Appeal filed"
    APPEAL_REVIEW = "appeal_review", "申诉待复核 Appeal to re-review"
    APPEAL_DECIDED = "appeal_decided", "申诉已处理 Appeal decided"
    DISPUTE_DECIDED = "dispute_decided", "争议已裁定 Dispute decided"
    APPEAL_WINDOW = "appeal_window", "申诉期明日截止 Appeal window closes tomorrow"
    OVERDUE_DIGEST = "overdue_digest", "逾期事项日报 Daily overdue digest"


# Events a group robot posts unless HR chooses otherwise: work waiting on someone, and the daily
# overdue counts. Results, appeals and appeal windows are personal matters and go to the person only.
ROBOT_DEFAULT_EVENTS = [EventKind.TARGETS, EventKind.SELF_REVIEW, EventKind.RATING_REQUEST, EventKind.REVIEW,
                        EventKind.INTERVIEW, EventKind.OVERDUE_DIGEST]


class Medium(models.TextChoices):
    IN_APP = "in_app", "站内 In the app"
    EMAIL = "email", "邮件 Email"
    CHAT = "chat", "工作群 Work chat"


class RobotKind(models.TextChoices):
    DINGTALK = "dingtalk", "钉钉 DingTalk"
    FEISHU = "feishu", "飞书 Feishu / Lark"
    WECOM = "wecom", "企业微信 WeCom"


class Language(models.TextChoices):
    ZH = "zh-hans", "简体中文"
    EN = "en", "English"


class Preference(models.Model):
    """A person's notification choices. No row: everything on, Chinese, no quiet hours."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="kaohe_notify_preference")
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ZH)
    # event kind → media turned OFF, e.g. {"overdue_digest": ["email"]}; absent means all on
    muted = models.JSONField(default=dict, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)  # local time of the person's company
    quiet_end = models.TimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def wants(self, kind: str, medium: str) -> bool:
        return medium not in (self.muted or {}).get(kind, [])


class RobotChannel(models.Model):
    """A group robot: company-wide (no department) or for one department and those below it."""

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="robot_channels")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="robot_channels")
    kind = models.CharField(max_length=16, choices=RobotKind.choices)
    name = models.CharField(max_length=100)
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ZH)
    enabled = models.BooleanField(default=True)
    events = models.JSONField(default=list, blank=True)  # event kinds posted here
    # Either stored (Fernet-encrypted, never shown back in full) or read from the environment.
    webhook_encrypted = models.TextField(blank=True)
    secret_encrypted = models.TextField(blank=True)
    webhook_env = models.CharField(max_length=100, blank=True)
    secret_env = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["company", "name"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.name}"


class Notification(models.Model):
    """One thing one person is told. Rendered in the reader's language when shown."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                  related_name="kaohe_notifications")
    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    params = models.JSONField(default=dict, blank=True)
    url = models.CharField(max_length=300, blank=True)  # a path of this site
    # the same event told to several people shares a group key (a robot posts it once)
    group_key = models.CharField(max_length=120, blank=True)
    dedup_key = models.CharField(max_length=160, unique=True)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.recipient_id}"


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "待发送 Pending"
        SENT = "sent", "已发送 Sent"
        FAILED = "failed", "发送失败 Failed"

    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    notification = models.ForeignKey(Notification, on_delete=models.CASCADE, null=True, blank=True,
                                     related_name="deliveries")
    medium = models.CharField(max_length=16, choices=Medium.choices)  # email or chat
    robot = models.ForeignKey(RobotChannel, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="deliveries")
    address = models.CharField(max_length=254, blank=True)  # the email address; blank for robots
    recipient_label = models.CharField(max_length=200, blank=True)  # whom, for the pages and the dry run
    language = models.CharField(max_length=8, choices=Language.choices, default=Language.ZH)
    subject = models.CharField(max_length=300)
    body = models.TextField()
    link = models.CharField(max_length=500, blank=True)  # absolute
    kind = models.CharField(max_length=32, choices=EventKind.choices)
    dedup_key = models.CharField(max_length=200, unique=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField()
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.medium} {self.status} {self.subject[:40]}"
