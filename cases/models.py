"""Case records as the council's case management system holds them.

Fields follow the Ofsted ILACS Annex A lists and the CIN census; fields no national list carries
(S47 end date, consent, chronology, management oversight, attendance) come from the product's own
extract format (docs/import.md).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from common import name_keys
from common.child_ids import normalise_child_id
from common.models import PublicIdModel
from common.workdays import add_working_days

S47_TARGET_WORKING_DAYS = 15  # local standard named in the reference S47 report ("S47 in 15 days")
ICPC_TARGET_WORKING_DAYS = 15  # Working Together: ICPC within 15 working days of the strategy discussion


def s47_target_date(start: datetime.date) -> datetime.date:
    return add_working_days(start, S47_TARGET_WORKING_DAYS)


class SourceHeldFields(models.Model):
    """Which of the fields the compliance measures need this record's sources have never held.

    An Ofsted Annex A List 5 row carries no S47 end date, consent, chronology or management oversight:
    an enquiry imported from it alone is *unknown* on those fields, never a failure. Each import clears
    the bits of the fields its file has columns for (docs/metrics.md, "What a source does not hold"); a
    later import that lacks a column leaves what is known as it was. Records made any other way (the
    admin, the demo data) hold every field they have.

    One bit per field of `SOURCE_FIELDS`, by position: a bitmask, not a set of names, so that measures
    filter on it with one integer AND over a million enquiries (and it is copied like any integer).
    Fields are only ever appended to `SOURCE_FIELDS`, never reordered or removed.
    """

    SOURCE_FIELDS: tuple[str, ...] = ()

    unknown_fields = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="Bits of the fields (SOURCE_FIELDS, by position) that no source of this record held.",
    )

    class Meta:
        abstract = True

    @classmethod
    def source_mask(cls, fields) -> int:
        """The bits of `fields` (those of them that are tracked)."""
        return sum(1 << i for i, name in enumerate(cls.SOURCE_FIELDS) if name in fields)

    @classmethod
    def unknown_without(cls, held) -> int:
        """The bits of a new record whose source held only `held`."""
        return cls.source_mask(set(cls.SOURCE_FIELDS) - set(held))

    def holds(self, *fields: str) -> bool:
        return not self.unknown_fields & self.source_mask(fields)

    @property
    def held(self) -> dict[str, bool]:
        """Whether its sources held each tracked field, for templates: `record.held.consent`."""
        return {name: not self.unknown_fields & (1 << i) for i, name in enumerate(self.SOURCE_FIELDS)}

    @property
    def unknown_field_names(self) -> list[str]:
        return [name for i, name in enumerate(self.SOURCE_FIELDS) if self.unknown_fields & (1 << i)]


class Team(models.Model):
    code = models.CharField(max_length=50, unique=True)
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Worker(models.Model):
    """An allocated social worker or manager, as named in the extracts."""

    code = models.CharField(max_length=100, unique=True, help_text="The council's worker ID, or their name.")
    name = models.CharField(max_length=200)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="workers")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Gender(models.TextChoices):
    MALE = "male", "Male"
    FEMALE = "female", "Female"
    UNKNOWN = "unknown", "Unknown"
    INDETERMINATE = "indeterminate", "Neither"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Unknown"


# Ofsted Annex A / DfE ethnicity codes.
ETHNICITY_CHOICES = [
    ("WBRI", "White British"),
    ("WIRI", "White Irish"),
    ("WOTH", "Any other White background"),
    ("WIRT", "Traveller of Irish heritage"),
    ("WROM", "Gypsy/Roma"),
    ("MWBC", "White and Black Caribbean"),
    ("MWBA", "White and Black African"),
    ("MWAS", "White and Asian"),
    ("MOTH", "Any other mixed background"),
    ("AIND", "Indian"),
    ("APKN", "Pakistani"),
    ("ABAN", "Bangladeshi"),
    ("AOTH", "Any other Asian background"),
    ("BCRB", "Caribbean"),
    ("BAFR", "African"),
    ("BOTH", "Any other Black background"),
    ("CHNE", "Chinese"),
    ("OOTH", "Any other ethnic group"),
    ("REFU", "Refused"),
    ("NOBT", "Information not yet obtained"),
]


class ChildIdField(models.CharField):
    """A child ID, always in its one stored form (common/child_ids.py): `ex 0001` is saved, validated and
    looked up (`child_id=...`, `child_id__in=...`) as `EX0001`, so it is unique in that form.

    The field's own cleaning, as EmailField's: model forms, full_clean(), save(), bulk_create() and
    exact lookups all go through it. (Rows written by COPY, cases/bulk.py, must be written normalised.)
    """

    def to_python(self, value):
        value = super().to_python(value)
        return normalise_child_id(value) if isinstance(value, str) else value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return normalise_child_id(value) if isinstance(value, str) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, str):
            value = normalise_child_id(value)
            setattr(model_instance, self.attname, value)
        return value


MATCH_KEY_FIELDS = (
    "name_words",
    "name_pair",
    "name_word_count",
    "child_id_key",
    "keyed_name",
    "keyed_child_id",
)


def match_keys(name: str, child_id: str) -> dict:
    """The stored keys of a child's name and ID (common.name_keys), by field name: the name's folded
    words, its first and last words as a pair in alphabetical order (what a text's neighbouring words are
    looked up by), and the ID's key."""
    found = name_keys.words(name)
    return {
        "name_words": " ".join(found),
        "name_pair": " ".join(sorted([found[0], found[-1]])) if len(found) >= 2 else "",
        "name_word_count": len(found),
        "child_id_key": name_keys.id_key(child_id),
        "keyed_name": name,
        "keyed_child_id": normalise_child_id(child_id),  # as ChildIdField stores it
    }


class Child(PublicIdModel):
    child_id = ChildIdField(
        "Child ID",
        max_length=50,
        unique=True,
        help_text="The council's child ID. Stored in upper case without spaces: ex 0001 is EX0001.",
    )
    name = models.CharField(max_length=200, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    gender = models.CharField(max_length=20, choices=Gender.choices, default=Gender.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=ETHNICITY_CHOICES, default="NOBT")
    disability = models.CharField(max_length=10, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN)
    # Keys that find the child's name or ID in a panel report's text however it is disguised
    # (common.name_keys), derived from `name` and `child_id` and stored so that finding them among
    # 100,000 children is an indexed lookup. `keyed_name` and `keyed_child_id` are what they were made
    # from: a row whose name or ID changed without its keys (a bulk update) is found by comparing them.
    name_words = models.TextField(blank=True, editable=False, help_text="The name's folded words.")
    name_pair = models.TextField(blank=True, editable=False, help_text="First and last word, sorted.")
    name_word_count = models.PositiveSmallIntegerField(default=0, editable=False)
    child_id_key = models.TextField(
        blank=True, editable=False, help_text="The ID folded, letters and digits."
    )
    keyed_name = models.CharField(max_length=200, blank=True, editable=False)
    keyed_child_id = models.CharField(max_length=50, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=list(MATCH_KEY_FIELDS))

    class Meta:
        ordering = ["child_id"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["name_pair"], name="child_name_pair"),
            models.Index(fields=["name_word_count"], name="child_name_word_count"),
            models.Index(fields=["child_id_key"], name="child_id_key"),
        ]

    def __str__(self) -> str:
        return self.child_id

    def save(self, *args, **kwargs):
        # Derived keys kept with the fields they come from (bulk writes call match_keys_refresh).
        self.__dict__.update(match_keys(self.name, self.child_id))
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and {"name", "child_id"} & set(update_fields):
            kwargs["update_fields"] = {*update_fields, *MATCH_KEY_FIELDS}
        super().save(*args, **kwargs)

    @property
    def age_today(self) -> int | None:
        return self.age_on(datetime.date.today())

    def age_on(self, day: datetime.date) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


class Referral(SourceHeldFields, PublicIdModel):
    class Source(models.TextChoices):
        POLICE = "police", "Police"
        SCHOOL = "school", "School"
        HEALTH = "health", "Health (GP, hospital, health visitor)"
        LA = "local_authority", "Local authority service"
        INDIVIDUAL = "individual", "Individual or family"
        ANONYMOUS = "anonymous", "Anonymous"
        OTHER = "other", "Other"

    class AcknowledgementMethod(models.TextChoices):
        LETTER = "letter", "Letter"
        EMAIL = "email", "Email"
        TELEPHONE = "telephone", "Telephone"

    SOURCE_FIELDS = ("acknowledgement_date", "acknowledgement_method")

    referral_id = models.CharField("Referral ID", max_length=50, unique=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="referrals")
    received_date = models.DateField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.OTHER)
    acknowledgement_date = models.DateField(null=True, blank=True)
    acknowledgement_method = models.CharField(
        max_length=20, choices=AcknowledgementMethod.choices, blank=True
    )
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-received_date"]
        indexes = [
            models.Index(fields=["received_date", "team"]),
            # A drill-down's keyset page and its coverage count (see S47Enquiry's); with the acknowledgement,
            # the recomputation counts the referrals from the index alone.
            models.Index(
                fields=["received_date", "id"],
                include=["team", "unknown_fields", "acknowledgement_date"],
                name="referral_received_keyset",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(acknowledgement_date__isnull=True)
                | Q(acknowledgement_date__gte=F("received_date")),
                name="referral_ack_not_before_received",
            )
        ]

    def __str__(self) -> str:
        return self.referral_id

    @property
    def acknowledged(self) -> bool:
        return self.acknowledgement_date is not None

    def clean(self) -> None:
        if self.acknowledgement_date and self.acknowledgement_date < self.received_date:
            raise ValidationError(
                {
                    "acknowledgement_date": "The acknowledgement date cannot be before the referral was received."
                }
            )


class StrategyDiscussion(SourceHeldFields, PublicIdModel):
    SOURCE_FIELDS = ("social_care_attended", "police_attended", "health_attended", "education_attended")

    discussion_id = models.CharField("Strategy discussion ID", max_length=50, unique=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="strategy_discussions")
    date = models.DateField()
    social_care_attended = models.BooleanField(default=False)
    police_attended = models.BooleanField(default=False)
    health_attended = models.BooleanField(default=False)
    education_attended = models.BooleanField(default=False)
    other_attended = models.CharField(max_length=200, blank=True, help_text="Other agencies, e.g. probation.")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        indexes = [
            models.Index(fields=["date", "team"]),
            # A drill-down's keyset page and its coverage count (see S47Enquiry's); with who attended, the
            # recomputation counts the discussions from the index alone.
            models.Index(
                fields=["date", "id"],
                include=[
                    "team",
                    "unknown_fields",
                    "social_care_attended",
                    "police_attended",
                    "health_attended",
                ],
                name="strategy_date_keyset",
            ),
        ]

    def __str__(self) -> str:
        return self.discussion_id

    @property
    def core_agencies_attended(self) -> bool:
        """Working Together: police, health and children's social care take part."""
        return self.social_care_attended and self.police_attended and self.health_attended

    @property
    def agencies(self) -> list[str]:
        names = [
            label
            for flag, label in (
                (self.social_care_attended, "Social care"),
                (self.police_attended, "Police"),
                (self.health_attended, "Health"),
                (self.education_attended, "Education"),
            )
            if flag
        ]
        if self.other_attended:
            names.append(self.other_attended)
        return names


CONSENT_FIELDS = ["consent", "consent_manager_decision", "consent_not_sought_reason"]


class S47Enquiry(SourceHeldFields, PublicIdModel):
    class Outcome(models.TextChoices):
        NFA = "nfa", "No further action"
        CIN = "cin", "Child in need plan"
        ICPC = "icpc", "Initial child protection conference"

    class Consent(models.TextChoices):
        GIVEN = "given", "Sought and given"
        REFUSED = "refused", "Sought and refused"
        NOT_SOUGHT = "not_sought", "Not sought"
        NOT_RECORDED = "", "Not recorded"

    SOURCE_FIELDS = (
        "end_date",
        "icpc_date",
        "consent",
        "consent_date",
        "consent_not_sought_reason",
        "consent_manager_decision",
        "information_shared_date",
        "management_oversight_date",
        "chronology_on_file",
    )

    # Annex A List 5 carries no enquiry ID: an enquiry is identified by its child and start date.
    enquiry_id = models.CharField(
        "Enquiry ID", max_length=80, blank=True, help_text="The council's own ID, if any."
    )
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="s47_enquiries")
    strategy_discussion = models.ForeignKey(
        StrategyDiscussion, null=True, blank=True, on_delete=models.SET_NULL, related_name="s47_enquiries"
    )
    start_date = models.DateField(help_text="The date of the strategy discussion that started the enquiry.")
    end_date = models.DateField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, blank=True)
    icpc_not_required = models.BooleanField(null=True, blank=True)
    icpc_date = models.DateField("ICPC date", null=True, blank=True)
    icpc_cp_plan = models.BooleanField("ICPC resulted in a CP plan", null=True, blank=True)
    consent = models.CharField(max_length=12, choices=Consent.choices, blank=True)
    consent_date = models.DateField(null=True, blank=True, help_text="When consent was sought.")
    consent_not_sought_reason = models.TextField(blank=True)
    consent_manager_decision = models.BooleanField(
        default=False, help_text="The manager's decision (to proceed or not to seek consent) is recorded."
    )
    information_shared_date = models.DateField(null=True, blank=True)
    management_oversight_date = models.DateField(null=True, blank=True)
    oversight_manager = models.ForeignKey(
        Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    chronology_on_file = models.BooleanField(null=True, blank=True)
    abe_considered = models.BooleanField("ABE considered", null=True, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    worker = models.ForeignKey(Worker, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Stored, not computed per query, so metrics can compare dates in the database.
    # Set by the services from start_date (s47_target_date); refreshed nightly.
    target_date = models.DateField(editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "S47 enquiry"
        verbose_name_plural = "S47 enquiries"
        indexes = [
            models.Index(fields=["start_date", "team"]),
            models.Index(fields=["end_date", "team"]),
            models.Index(fields=["icpc_date"]),
            # Over ten million enquiries (docs/operations.md, "Ten million enquiries"): a drill-down's page
            # is a range of (period date, id) read in order from its cursor, and its coverage is counted
            # from the index alone (team and source bits included: an index-only scan, no table rows).
            # On SQLite `include` is left out; the keys serve as they are.
            *[
                models.Index(
                    fields=[field, "id"],
                    include=["team", "unknown_fields", *also],
                    condition=Q(**{f"{field}__isnull": False}),
                    name=f"s47_{field}_keyset",
                )
                # With the fields each period's measures read, their figures are counted from the index
                # alone too: a recomputation, and the refresh after an import (from its first month on).
                for field, also in (
                    ("start_date", [*CONSENT_FIELDS, "consent_date", "information_shared_date"]),
                    (
                        "end_date",
                        ["target_date", "start_date", "chronology_on_file", "management_oversight_date"],
                    ),
                    ("icpc_date", ["target_date"]),
                )
            ],
            # Late or still open: what open and overdue counts over (metrics.services._add_open_and_overdue,
            # the refresh after an import), a small part of the table, read by end date from the index.
            models.Index(
                fields=["end_date", "target_date"],
                include=["team", "unknown_fields"],
                condition=Q(end_date__isnull=True) | Q(end_date__gt=F("target_date")),
                name="s47_late_or_open",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="s47_end_not_before_start",
            ),
            models.CheckConstraint(
                condition=Q(icpc_date__isnull=True) | Q(icpc_date__gte=F("start_date")),
                name="s47_icpc_not_before_start",
            ),
            models.UniqueConstraint(fields=["child", "start_date"], name="s47_one_per_child_and_start"),
        ]

    def __str__(self) -> str:
        return self.enquiry_id or f"S47 {self.start_date:%d/%m/%Y}"

    def clean(self) -> None:
        errors = {}
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        if self.icpc_date and self.start_date and self.icpc_date < self.start_date:
            errors["icpc_date"] = (
                "The ICPC date cannot be before the strategy discussion that started the S47."
            )
        if self.consent_date and self.consent == self.Consent.NOT_SOUGHT:
            errors["consent_date"] = "A consent date is given but consent is recorded as not sought."
        if errors:
            raise ValidationError(errors)

    # Derived standards (DOMAIN.md). None means "not yet known" (the enquiry is open).
    @property
    def completed_within_target(self) -> bool | None:
        if self.end_date is None:
            return None
        return self.end_date <= self.target_date

    def overdue_on(self, day: datetime.date) -> bool:
        """Open and past its target; an enquiry whose source holds no end date is not known to be open."""
        return self.end_date is None and day > self.target_date and self.holds("end_date")

    @property
    def icpc_within_target(self) -> bool | None:
        if self.icpc_date is None:
            return None
        return self.icpc_date <= add_working_days(self.start_date, ICPC_TARGET_WORKING_DAYS)

    @property
    def consent_recorded(self) -> bool | None:
        """None when its sources held no consent decision (unknown, not "not recorded")."""
        if not self.holds("consent", "consent_manager_decision", "consent_not_sought_reason"):
            return None
        if self.consent == self.Consent.GIVEN:
            return True
        if self.consent == self.Consent.REFUSED:
            return self.consent_manager_decision
        if self.consent == self.Consent.NOT_SOUGHT:
            return self.consent_manager_decision and bool(self.consent_not_sought_reason.strip())
        return False

    @property
    def consent_retrospective(self) -> bool:
        """Consent sought only after the information had already been shared."""
        return bool(
            self.consent_date
            and self.information_shared_date
            and self.consent_date > self.information_shared_date
        )

    @property
    def management_oversight_recorded(self) -> bool | None:
        """None when its sources held no management oversight (unknown, not "not recorded")."""
        if not self.holds("management_oversight_date"):
            return None
        if self.management_oversight_date is None:
            return False
        end = self.end_date or datetime.date.max
        return self.start_date <= self.management_oversight_date <= end


class CPPlan(PublicIdModel):
    class Category(models.TextChoices):
        NEGLECT = "neglect", "Neglect"
        PHYSICAL = "physical", "Physical abuse"
        EMOTIONAL = "emotional", "Emotional abuse"
        SEXUAL = "sexual", "Sexual abuse"
        MULTIPLE = "multiple", "Multiple"

    plan_id = models.CharField("CP plan ID", max_length=80, unique=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="cp_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    category = models.CharField(max_length=20, choices=Category.choices, blank=True)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        verbose_name = "CP plan"
        indexes = [models.Index(fields=["start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="cpplan_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.plan_id

    def clean(self) -> None:
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})


# CLA legal status codes (SSDA903).
LEGAL_STATUS_CHOICES = [
    ("C1", "C1 Interim care order"),
    ("C2", "C2 Full care order"),
    ("D1", "D1 Freeing order"),
    ("E1", "E1 Placement order"),
    ("J1", "J1 Remanded to local authority accommodation"),
    ("J2", "J2 Placed in local authority accommodation under PACE"),
    ("J3", "J3 Sentenced to Youth Rehabilitation Order"),
    ("L1", "L1 Under police protection"),
    ("L2", "L2 Emergency protection order"),
    ("L3", "L3 Child assessment order"),
    ("V2", "V2 Single period of accommodation under section 20"),
    ("V3", "V3 Accommodated under an agreed series of short-term breaks"),
    ("V4", "V4 Accommodated under an agreed series of short-term breaks, when agreements are recorded"),
]


class LookedAfterEpisode(PublicIdModel):
    episode_id = models.CharField("Episode ID", max_length=80, unique=True)
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="looked_after_episodes")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    legal_status = models.CharField(max_length=2, choices=LEGAL_STATUS_CHOICES)
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-start_date"]
        indexes = [models.Index(fields=["start_date", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="lac_end_not_before_start",
            )
        ]

    def __str__(self) -> str:
        return self.episode_id

    def clean(self) -> None:
        if self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "The end date cannot be before the start date."})


class ImportBatch(PublicIdModel):
    """One import of a case extract: recorded as one event naming the file and the counts."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", "Previewed"
        IMPORTED = "imported", "Imported"
        REJECTED = "rejected", "Rejected"

    file_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=30)
    sha256 = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    imported_by = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name_plural = "import batches"

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
