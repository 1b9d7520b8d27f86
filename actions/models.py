"""Action plans: issues identified by an audit (or a population metric) and the actions taken on them.

Workflow status (not started ... complete) is kept apart from the RAG rating, which is worked out from
status and due date on the day it is read (`Action.rag_on`, and `actions.selectors.rag_annotation` for
lists), never stored, so it cannot go stale.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from actions.storage import evidence_storage
from cases.standards import PERCENT_KEYS, metric_choices
from common.figures import Figure
from common.models import PublicIdModel

# An action not yet started that is due within this many days is amber (DOMAIN: action plan RAG).
AMBER_WITHIN_DAYS = 14


class ActionPlan(PublicIdModel):
    """A plan belongs to an audit, or stands alone for a theme (e.g. after a population metric fell)."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    audit = models.ForeignKey(
        "audits.Audit", null=True, blank=True, on_delete=models.PROTECT, related_name="action_plans"
    )
    theme = models.CharField(
        max_length=200, blank=True, help_text="For a plan that does not follow an audit."
    )
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    review_date = models.DateField(help_text="When the plan is next reviewed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(audit__isnull=False) | ~Q(theme=""), name="action_plan_has_audit_or_theme"
            )
        ]

    def __str__(self) -> str:
        return self.title


class PlanIssue(PublicIdModel):
    """An issue identified, with the evidence that showed it: audit questions or a population metric,
    and the figure at the time (e.g. "consent decision recorded 41% (7 of 17)")."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="issues")
    order = models.PositiveIntegerField(default=0)
    description = models.TextField(help_text="The issue identified, in the words the panel will read.")
    questions = models.ManyToManyField("audits.Question", blank=True, related_name="plan_issues")
    metric = models.CharField(max_length=40, choices=metric_choices(PERCENT_KEYS), blank=True)
    figure_label = models.CharField(max_length=200, blank=True, help_text='e.g. "Consent decision recorded".')
    # Partly counts a half in audit figures, so the numerator may end in .5.
    figure_numerator = models.DecimalField(max_digits=12, decimal_places=1, null=True, blank=True)
    figure_denominator = models.PositiveIntegerField(null=True, blank=True)
    figure_recorded_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "id"]
        verbose_name = "issue identified"
        verbose_name_plural = "issues identified"
        constraints = [
            models.CheckConstraint(
                condition=Q(figure_denominator__isnull=True, figure_numerator__isnull=True)
                | Q(
                    figure_denominator__isnull=False, figure_numerator__isnull=False, figure_numerator__gte=0
                ),
                name="plan_issue_figure_complete",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]

    @property
    def figure(self) -> Figure | None:
        if (
            self.figure_denominator is None or self.figure_numerator is None
        ):  # both or neither (the constraint)
            return None
        return Figure(float(self.figure_numerator), self.figure_denominator)

    @property
    def figure_text(self) -> str:
        """ "Consent decision recorded: 41% (7 of 17)", or "" where no figure was recorded."""
        figure = self.figure
        if figure is None:
            return ""
        return f"{self.figure_label}: {figure}" if self.figure_label else str(figure)


class Action(PublicIdModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        AWAITING_SIGN_OFF = "awaiting_sign_off", "Complete, awaiting sign-off"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    class Priority(models.TextChoices):
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"
        COMPLETE = "complete", "Complete"
        CANCELLED = "cancelled", "Cancelled"

    CLOSED = (Status.COMPLETE, Status.CANCELLED)

    issue = models.ForeignKey(PlanIssue, on_delete=models.CASCADE, related_name="actions")
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_actions"
    )
    lead = models.CharField(
        max_length=200, help_text='The officer or role leading it, e.g. "Domestic violence co-ordinator".'
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.MEDIUM)
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    cancelled_reason = models.TextField(blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        constraints = [
            # Complete only with a manager's sign-off, recorded with who and when.
            models.CheckConstraint(
                condition=~Q(status="complete") | Q(signed_off_by__isnull=False, signed_off_at__isnull=False),
                name="action_complete_needs_sign_off",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancelled_reason=""),
                name="action_cancelled_needs_reason",
            ),
        ]
        indexes = [models.Index(fields=["owner", "status", "due_date"], name="action_owner_status_due")]

    def __str__(self) -> str:
        return self.description[:80]

    def rag_on(self, today: datetime.date) -> str:
        """Overdue is red; due within 14 days and not started is amber; otherwise green."""
        if self.status == self.Status.COMPLETE:
            return self.Rag.COMPLETE
        if self.status == self.Status.CANCELLED:
            return self.Rag.CANCELLED
        if self.due_date < today:
            return self.Rag.RED
        if self.status == self.Status.NOT_STARTED and self.due_date <= today + datetime.timedelta(
            days=AMBER_WITHIN_DAYS
        ):
            return self.Rag.AMBER
        return self.Rag.GREEN


class ProgressUpdate(models.Model):
    """A dated note by the action's owner (or a manager), with any evidence files."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    written_on = models.DateField()
    note = models.TextField()
    status_after = models.CharField(max_length=20, choices=Action.Status.choices, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-written_on", "-id"]

    def __str__(self) -> str:
        return f"Update on {self.written_on:%d/%m/%Y}"


class Evidence(PublicIdModel):
    """A file attached to a progress update. Stored outside the web root and served only through a view
    that checks the reader may see the action (see actions.storage)."""

    class Scan(models.TextChoices):
        NOT_SCANNED = "not_scanned", "Not scanned"
        CLEAN = "clean", "Clean"
        INFECTED = "infected", "Infected"

    update = models.ForeignKey(ProgressUpdate, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(max_length=300, storage=evidence_storage)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan = models.CharField(max_length=12, choices=Scan.choices, default=Scan.NOT_SCANNED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name_plural = "evidence"

    def __str__(self) -> str:
        return self.original_name


class ReminderSent(models.Model):
    """One row per person, kind and day: the claim that makes reminder sending idempotent."""

    class Kind(models.TextChoices):
        OWNER_DAILY = "owner_daily", "Owner's daily reminder"
        MANAGER_WEEKLY = "manager_weekly", "Manager's weekly digest"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_on = models.DateField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    action_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-sent_on"]
        constraints = [
            # One email per person per day at most, whatever the kind.
            models.UniqueConstraint(fields=["user", "sent_on"], name="reminder_one_per_person_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.user} on {self.sent_on}"
