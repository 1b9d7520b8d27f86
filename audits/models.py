"""Audits: the year's programme, versioned audit tools, samples of case records, case audits and answers.

Workflow status (planned ... reported; not started ... moderated) is kept apart from the result
(Yes / Partly / No / Not applicable, and the overall grade), as STYLE.md asks.
"""

from django.conf import settings
from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from cases.models import Child, Team, Worker
from cases.standards import AUDIT_KEYS, metric_choices
from common.models import PublicIdModel


class Agency(models.TextChoices):
    SOCIAL_CARE = "social_care", "Children's social care"
    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"


class AuditProgramme(PublicIdModel):
    """A year's plan of themed audits, aligned to inspection readiness, reviewed every three months."""

    title = models.CharField(max_length=200)
    year_start = models.DateField(help_text="The first day of the year the programme covers.")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-year_start"]

    def __str__(self) -> str:
        return self.title


class ProgrammeReview(models.Model):
    programme = models.ForeignKey(AuditProgramme, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    note = models.TextField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-reviewed_on"]

    def __str__(self) -> str:
        return f"Review of {self.programme} on {self.reviewed_on:%d/%m/%Y}"


class AuditTool(PublicIdModel):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def latest_version(self) -> "ToolVersion | None":
        return self.versions.order_by("-number").first()


class ToolVersion(PublicIdModel):
    """A fixed set of questions. A version in use is never changed: editing makes a new version."""

    tool = models.ForeignKey(AuditTool, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    partly_counts_half = models.BooleanField(
        default=True, help_text="Partly counts a half in results; off, it counts nothing."
    )
    change_note = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["tool", "-number"]
        constraints = [models.UniqueConstraint(fields=["tool", "number"], name="tool_version_unique_number")]

    def __str__(self) -> str:
        return f"{self.tool.name} v{self.number}"

    @property
    def in_use(self) -> bool:
        return self.audits.exists()


class Section(models.Model):
    version = models.ForeignKey(ToolVersion, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveIntegerField()
    title = models.CharField(max_length=200)

    class Meta:
        ordering = ["version", "order"]
        constraints = [models.UniqueConstraint(fields=["version", "order"], name="section_unique_order")]

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        RATING = "rating", "Yes / Partly / No / Not applicable"
        TEXT = "text", "Free text"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveIntegerField()
    code = models.CharField(max_length=20, help_text="A short reference, unique within the tool version.")
    text = models.CharField(max_length=500)
    guidance = models.TextField(blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.RATING)
    applies_if = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dependants",
        help_text="Asked only where this earlier question's answer is one of `applies_if_values`.",
    )
    applies_if_values = models.JSONField(default=list, blank=True)
    subsample_only = models.BooleanField(default=False, help_text="Asked only of the audit's sub-sample.")
    # The population metric the question measures too, so recorded data and findings can be compared.
    measures = models.CharField(
        max_length=30, choices=[("", "Nothing else"), *metric_choices(AUDIT_KEYS)], blank=True
    )

    class Meta:
        ordering = ["section__order", "order"]
        constraints = [models.UniqueConstraint(fields=["section", "order"], name="question_unique_order")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class Grade(models.TextChoices):
    """Ofsted's four-point scale."""

    OUTSTANDING = "outstanding", "Outstanding"
    GOOD = "good", "Good"
    REQUIRES_IMPROVEMENT = "requires_improvement", "Requires improvement to be good"
    INADEQUATE = "inadequate", "Inadequate"


class Audit(PublicIdModel):
    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        SAMPLING = "sampling", "Sampling"
        IN_PROGRESS = "in_progress", "In progress"
        IN_MODERATION = "in_moderation", "In moderation"
        COMPLETE = "complete", "Complete"
        REPORTED = "reported", "Reported"

    class FrameType(models.TextChoices):
        S47 = "s47", "S47 enquiries"
        STRATEGY = "strategy", "Strategy discussions"
        REFERRAL = "referral", "Referrals"

    programme = models.ForeignKey(
        AuditProgramme, null=True, blank=True, on_delete=models.SET_NULL, related_name="audits"
    )
    title = models.CharField(max_length=200)
    theme = models.CharField(max_length=200, blank=True)
    planned_month = models.DateField(help_text="The first day of the month the audit is planned for.")
    tool_version = models.ForeignKey(ToolVersion, on_delete=models.PROTECT, related_name="audits")
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PLANNED)
    lead = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    agencies = models.JSONField(
        default=list, blank=True, help_text="For a multi-agency audit, the agencies auditing each case."
    )
    due_date = models.DateField(null=True, blank=True)
    reaudit_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reaudits"
    )
    # The sampling frame and parameters, kept so the same parameters give the same sample.
    frame_type = models.CharField(max_length=10, choices=FrameType.choices, default=FrameType.S47)
    frame_start = models.DateField(null=True, blank=True)
    frame_end = models.DateField(null=True, blank=True)
    frame_teams = models.ManyToManyField(Team, blank=True, related_name="+")
    frame_outcome = models.CharField(max_length=10, blank=True)
    sample_size = models.PositiveIntegerField(null=True, blank=True)
    sample_percent = models.PositiveIntegerField(null=True, blank=True)
    stratify_by_team = models.BooleanField(default=False)
    exclude_recently_audited = models.BooleanField(default=True)
    subsample_percent = models.PositiveIntegerField(null=True, blank=True)
    # The double-scoring sub-sample: cases scored twice, blind, by two auditors (a percentage or a count).
    double_percent = models.PositiveIntegerField(null=True, blank=True)
    double_count = models.PositiveIntegerField(null=True, blank=True)
    seed = models.BigIntegerField(null=True, blank=True)
    sample_confirmed_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    locked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()
    # Set by a service before save(): simple-history writes them on the history row.
    _change_reason: str
    _history_user: User | None

    class Meta:
        ordering = ["-planned_month", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(frame_end__isnull=True)
                | Q(frame_start__isnull=True)
                | Q(frame_end__gte=models.F("frame_start")),
                name="audit_frame_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(sample_percent__isnull=True) | Q(sample_percent__gte=1, sample_percent__lte=100),
                name="audit_sample_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def multi_agency(self) -> bool:
        return len(self.agencies) > 1

    @property
    def locked(self) -> bool:
        return self.locked_at is not None


class CaseAudit(PublicIdModel):
    """One case in an audit's sample, audited by one auditor (from one agency in a multi-agency audit)."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned to auditor"
        MODERATED = "moderated", "Moderated"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="case_audits")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="case_audits")
    record_id = models.BigIntegerField(help_text="The id of the sampled record (of the audit's frame type).")
    record_date = models.DateField(help_text="The sampled record's date (S47 start, discussion, referral).")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    agency = models.CharField(max_length=15, choices=Agency.choices, default=Agency.SOCIAL_CARE)
    in_subsample = models.BooleanField(default=False)
    # 1 for every case audit; 2 for the second, blind scoring of a case in the double-scoring sub-sample.
    scoring = models.PositiveSmallIntegerField(default=1)
    # On a first scoring whose pair a moderator has reconciled (ReconciledAnswer holds the agreed answers).
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    auditor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="case_audits"
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    grade = models.CharField(max_length=25, choices=Grade.choices, blank=True)
    grade_note = models.TextField(blank=True)
    grade_themes: "models.ManyToManyField[Theme, models.Model]" = models.ManyToManyField(
        "Theme", blank=True, related_name="graded_case_audits", help_text="Themes of the overall grade note."
    )
    escalated = models.BooleanField(default=False, help_text="An Inadequate grade, flagged for escalation.")
    submitted_at = models.DateTimeField(null=True, blank=True)
    # Optimistic locking of the grade: a save names the revision it started from; a stale one is refused.
    revision = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()
    # Set by a service before save(): simple-history writes them on the history row.
    _change_reason: str
    _history_user: User | None

    class Meta:
        ordering = ["audit", "record_date", "child__child_id", "agency", "scoring"]
        constraints = [
            models.UniqueConstraint(
                fields=["audit", "record_id", "agency", "scoring"],
                name="case_audit_unique_record_agency_scoring",
            ),
            models.CheckConstraint(
                condition=Q(scoring__in=[1, 2]), name="case_audit_scoring_first_or_second"
            ),
        ]

    def __str__(self) -> str:
        second = " second scoring" if self.scoring == 2 else ""
        return f"{self.audit} / {self.child.child_id} ({self.get_agency_display()}{second})"


class Theme(PublicIdModel):
    """A learning theme (voice of the child, information sharing...) that findings are tagged with.

    Managed by QA leads; a deactivated theme keeps its tags but is no longer offered to auditors.
    """

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Answer(models.Model):
    class Value(models.TextChoices):
        YES = "yes", "Yes"
        PARTLY = "partly", "Partly"
        NO = "no", "No"
        NOT_APPLICABLE = "na", "Not applicable"

    case_audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(max_length=6, choices=Value.choices, blank=True)
    text = models.TextField(blank=True, help_text="The answer to a free-text question.")
    evidence = models.TextField(blank=True, help_text="Evidence notes.")
    # The case record's own answer (audits.suggestions) when the answer was last saved, and why the auditor
    # answered otherwise: an answer that differs from `record_value` needs a reason.
    record_value = models.CharField(
        max_length=6,
        choices=Value.choices,
        blank=True,
        help_text="The case record's answer when this was saved; blank where the record held none.",
    )
    override_reason = models.TextField(
        blank=True, help_text="Why the answer differs from the case record's answer."
    )
    themes: "models.ManyToManyField[Theme, AnswerTheme]" = models.ManyToManyField(
        Theme, through="AnswerTheme", blank=True, related_name="answers"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    # Optimistic locking per answer: a save names the revision it started from; a stale one is refused.
    revision = models.PositiveIntegerField(default=1)
    history = HistoricalRecords()
    # Set by a service before save(): simple-history writes them on the history row.
    _change_reason: str
    _history_user: User | None

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case_audit", "question"], name="answer_unique_question")
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: {self.get_value_display() or self.text[:30]}"


class AnswerTheme(models.Model):
    """A finding tagged with a learning theme by its auditor; a moderator confirms the tag (or removes it)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="theme_tags")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="answer_tags")
    tagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    tagged_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["answer", "theme"], name="answer_theme_unique")]

    def __str__(self) -> str:
        return f"{self.answer_id}: {self.theme_id}"

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None


class ModerationChange(models.Model):
    """A moderator's change to an answer or grade, with the reason; the original is kept here."""

    case_audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="moderation_changes")
    question = models.ForeignKey(Question, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    field = models.CharField(max_length=20, help_text="value, evidence or grade")
    before = models.TextField(blank=True)
    after = models.TextField(blank=True)
    reason = models.TextField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["changed_at"]

    def __str__(self) -> str:
        return f"{self.field}: {self.before} -> {self.after}"


class ReconciledAnswer(models.Model):
    """The answer a moderator agreed for a question the two blind scorings of a case answered differently.

    Held against the first scoring; both scorings' own answers stay as their auditors gave them.
    """

    case_audit = models.ForeignKey(CaseAudit, on_delete=models.CASCADE, related_name="reconciled_answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    value = models.CharField(max_length=6, choices=Answer.Value.choices)
    first_value = models.CharField(max_length=6, choices=Answer.Value.choices, blank=True)
    second_value = models.CharField(max_length=6, choices=Answer.Value.choices, blank=True)
    reason = models.TextField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case_audit", "question"], name="reconciled_answer_unique_question"
            )
        ]

    def __str__(self) -> str:
        return f"{self.question.code}: agreed {self.get_value_display()}"


class AuditorProfile(models.Model):
    """Which agency a user audits for (partner agency auditors see only their agency's work)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="auditor_profile"
    )
    agency = models.CharField(max_length=15, choices=Agency.choices, default=Agency.SOCIAL_CARE)

    def __str__(self) -> str:
        return f"{self.user} ({self.get_agency_display()})"


class PractitionerProfile(models.Model):
    """Which worker of the case records a user is: a practitioner sees the feedback on the cases allocated
    to that worker, and on those where that worker is the manager who gave management oversight."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="practitioner_profile"
    )
    worker = models.OneToOneField(Worker, on_delete=models.CASCADE, related_name="practitioner_profile")

    def __str__(self) -> str:
        return f"{self.user} is {self.worker}"


class Feedback(PublicIdModel):
    """A moderated case audit's findings, sent to the case's allocated worker and their team manager.

    Workflow (sent, emailed, reminded, answered) is kept here; the worker's answer is a FeedbackResponse.
    The team manager is the manager who gave the case's management oversight (S47Enquiry.oversight_manager):
    the case records name no manager for a team.
    """

    case_audit = models.OneToOneField(CaseAudit, on_delete=models.CASCADE, related_name="feedback")
    worker = models.ForeignKey(Worker, on_delete=models.PROTECT, related_name="feedback")
    manager = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback_managed"
    )
    sent_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    respond_by = models.DateField(help_text="FEEDBACK_RESPONSE_WORKING_DAYS working days after it was sent.")
    remind_on = models.DateField(help_text="The first day the one reminder may go out, if no response.")
    # Claimed with a conditional UPDATE ... WHERE ... IS NULL, so each is sent once whoever runs it.
    emailed_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["respond_by", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remind_on__lte=models.F("respond_by")), name="feedback_reminder_not_after_due"
            )
        ]

    def __str__(self) -> str:
        # Not the case audit's: that names the child, and this shows where no child may be named (the
        # Django admin's delete page of a worker lists the feedback that protects it).
        return f"Feedback {self.uuid} to {self.worker}"


class FeedbackResponse(models.Model):
    """The worker's answer to their feedback: once, with a comment where they partly agree or disagree."""

    class Answer(models.TextChoices):
        AGREE = "agree", "Agree"
        PARTLY = "partly", "Partly agree"
        DISAGREE = "disagree", "Disagree"

    feedback = models.OneToOneField(Feedback, on_delete=models.CASCADE, related_name="response")
    answer = models.CharField(max_length=10, choices=Answer.choices)
    comment = models.TextField(blank=True)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    responded_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(answer="agree") | ~Q(comment=""), name="feedback_response_comment_unless_agree"
            )
        ]

    def __str__(self) -> str:
        return self.get_answer_display()
