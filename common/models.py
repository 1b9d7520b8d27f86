import uuid

from django.conf import settings
from django.db import models
from django.db.models.functions import Upper


class PublicIdModel(models.Model):
    """Rows are named in URLs by an opaque UUID, never by their sequential id."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class AccessLogEntry(models.Model):
    """Who looked at what, when and from where. Written by the app, never changed by it."""

    class Action(models.TextChoices):
        VIEW = "view", "Viewed"
        LIST = "list", "Listed"
        EXPORT = "export", "Exported"
        IMPORT = "import", "Imported"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    username = models.CharField(max_length=150)
    action = models.CharField(max_length=10, choices=Action.choices)
    object_type = models.CharField(max_length=50)
    object_ref = models.CharField(max_length=100, blank=True, db_index=True)
    detail = models.CharField(max_length=500, blank=True)
    path = models.CharField(max_length=500)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        verbose_name_plural = "access log entries"

    def __str__(self) -> str:
        return (
            f"{self.username} {self.action} {self.object_type} {self.object_ref} at {self.at:%Y-%m-%d %H:%M}"
        )


class AccessLogChild(models.Model):
    """A child whose record an entry's page, list or export showed, by the council's child ID.

    Kept beside the entry so one search answers "who looked at this child?" across child records, case
    audits, drill-down lists and exports. The ID is copied, not a foreign key: the log outlives records.
    """

    entry = models.ForeignKey(AccessLogEntry, on_delete=models.CASCADE, related_name="children")
    child_ref = models.CharField("Child ID", max_length=50)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "child_ref"], name="access_log_child_once")]
        indexes = [models.Index(Upper("child_ref"), name="access_log_child_ref_upper")]

    def __str__(self) -> str:
        return self.child_ref
