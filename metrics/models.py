"""Stored metric figures (snapshots), the targets administrators set, and each recomputation run."""

import datetime

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from cases.models import Team
from cases.standards import PERCENT_KEYS, MetricKey, metric_choices
from common.figures import Figure
from common.models import PublicIdModel


class MetricSnapshot(models.Model):
    """One metric's figure for one month and one team (team empty: all teams together).

    Written only by `metrics.services.metrics_recompute`, which replaces a metric's rows as a whole;
    the pages and the API read nothing else.
    """

    class Source(models.TextChoices):
        RECORDS = "records", "Case records"
        AUDIT = "audit", "Auditors' findings"

    metric = models.CharField(max_length=40, choices=MetricKey.choices)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.RECORDS)
    period = models.DateField(help_text="The first day of the month.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # Partly counts a half in audit figures, so the numerator may end in .5.
    numerator = models.DecimalField(max_digits=12, decimal_places=1)
    denominator = models.PositiveIntegerField()
    related_count = models.PositiveIntegerField(
        null=True, blank=True, help_text="The count reported beside the metric (e.g. open and overdue)."
    )
    unknown_count = models.PositiveIntegerField(
        default=0,
        help_text="Records of the month left out of the denominator: their sources did not hold the fields "
        "the metric reads (e.g. consent, for an enquiry imported from Annex A List 5 alone).",
    )
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["metric", "source", "period"]
        constraints = [
            # One row per metric, source, month and team, with "all teams" (team NULL) counted as a team:
            # two partial unique indexes, as PostgreSQL 15's NULLS NOT DISTINCT is not there on SQLite.
            models.UniqueConstraint(
                fields=["metric", "source", "period", "team"],
                condition=Q(team__isnull=False),
                name="metric_snapshot_unique_per_team",
            ),
            models.UniqueConstraint(
                fields=["metric", "source", "period"],
                condition=Q(team__isnull=True),
                name="metric_snapshot_unique_all_teams",
            ),
        ]
        indexes = [models.Index(fields=["period", "team"], name="metric_snapshot_period_team")]

    def __str__(self) -> str:
        value = self.figure if self.denominator else _count(self.numerator)
        return f"{self.metric} {self.source} {self.period:%Y-%m} {self.team or 'all teams'}: {value}"

    @property
    def figure(self) -> Figure:
        return Figure(float(self.numerator), self.denominator)


def _count(value) -> str:
    return str(int(value)) if value == int(value) else str(value)


class MetricTarget(models.Model):
    """The target an administrator sets for a metric, for its red / amber / green status."""

    metric = models.CharField(max_length=40, choices=metric_choices(PERCENT_KEYS), unique=True)
    target_percent = models.PositiveSmallIntegerField(help_text="Green at or above this percentage.")
    amber_percent = models.PositiveSmallIntegerField(
        help_text="Amber at or above this percentage (and below the target); red below it."
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()
    # Set by a service before save(): simple-history writes them on the history row.
    _change_reason: str
    _history_user: User | None

    class Meta:
        ordering = ["metric"]
        constraints = [
            models.CheckConstraint(condition=Q(target_percent__lte=100), name="metric_target_at_most_100"),
            models.CheckConstraint(
                condition=Q(amber_percent__lte=F("target_percent")), name="metric_target_amber_not_above"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_metric_display()}: {self.target_percent}%"

    def status(self, percent: int | None) -> str | None:
        """The status of a percentage: green, amber or red; None when there is no figure."""
        if percent is None:
            return None
        if percent >= self.target_percent:
            return "green"
        return "amber" if percent >= self.amber_percent else "red"


class MetricRun(PublicIdModel):
    """One recomputation of every metric: queued by a trigger, claimed and run by a worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Recalculate button"
        IMPORT = "import", "After an import"
        NIGHTLY = "nightly", "Nightly"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    trigger = models.CharField(max_length=10, choices=Trigger.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    steps_done = models.PositiveSmallIntegerField(default=0)
    steps_total = models.PositiveSmallIntegerField(default=0)
    snapshot_count = models.PositiveIntegerField(default=0)
    # A refresh after an import: per model written, the earliest date its rows held (ISO), so only the
    # months from then on are counted again (metrics.services.metrics_refresh). Empty: everything.
    since = models.JSONField(default=dict, blank=True)
    # A recomputation of everything compares what it counted with what was stored: the figures it
    # corrected (a refresh that missed a change). None until a recomputation of everything has finished.
    corrected_count = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="metric_run_status_created")]

    def __str__(self) -> str:
        return f"Metrics run {self.created_at:%Y-%m-%d %H:%M} ({self.get_status_display()})"

    @property
    def refresh_from(self) -> datetime.date | None:
        """The first month a refresh counts again; None for a recomputation of everything (or a refresh
        of rows that held no date, which changes no month's figure)."""
        days = [datetime.date.fromisoformat(day) for day in self.since.values() if day]
        return min(days).replace(day=1) if days else None

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class TrustedCouncilKey(models.Model):
    """Another council's public key: a benchmark pack signed with it is imported (metrics.benchmark).

    Added by an administrator (the Django admin or `manage.py benchmark_trust`) from the key file the
    other council sent, after checking its fingerprint with them by telephone or in person.
    """

    council_code = models.CharField(
        max_length=20,
        unique=True,
        help_text="The code the other council sets as COUNCIL_CODE (its packs name it).",
    )
    council_name = models.CharField(max_length=200)
    public_key_pem = models.TextField(help_text="The council's Ed25519 public key, PEM (BEGIN PUBLIC KEY).")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["council_name"]

    def __str__(self) -> str:
        return f"{self.council_name} ({self.council_code})"


class BenchmarkPack(models.Model):
    """Another council's benchmark pack, imported after its signature was checked: its content as signed
    (aggregate figures only, small numbers already hidden by the council that made it). One per council
    and period: importing the same period again replaces it."""

    council_code = models.CharField(max_length=20)
    council_name = models.CharField(max_length=200)
    first_month = models.DateField()
    last_month = models.DateField()
    content = models.JSONField(help_text="The pack as signed (metrics.benchmark, PACK_FORMAT).")
    key_id = models.CharField(max_length=64, help_text="The fingerprint of the key that signed it.")
    created_at = models.DateTimeField(help_text="When the other council made the pack.")
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["council_name", "-last_month"]
        constraints = [
            models.UniqueConstraint(
                fields=["council_code", "first_month", "last_month"], name="benchmark_pack_unique_period"
            ),
            models.CheckConstraint(
                condition=Q(first_month__lte=F("last_month")), name="benchmark_pack_first_not_after_last"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.council_name} {self.first_month:%b %Y} to {self.last_month:%b %Y}"
