"""The access log: "who looked at this child?", searched by administrators, kept for a set period."""

import csv
import datetime
import importlib
import io
from pathlib import Path

import pytest
import time_machine
from celery.schedules import crontab
from django.apps import apps as django_apps
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse

from cases.importing import ExtractFile, cases_import_files
from common import services
from common.access_log import access_log_write
from common.models import AccessLogChild, AccessLogEntry
from common.tasks import access_log_purge_task
from config.schedule import CELERY_BEAT_SCHEDULE
from tests.factories import CaseAuditFactory, ChildFactory, S47EnquiryFactory, UserFactory

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
LONDON_MORNING = datetime.datetime(2014, 6, 16, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def child(db):
    return ChildFactory.create(child_id="C-LOOKED-AT")


@pytest.fixture
def enquiry(child):
    return S47EnquiryFactory.create(
        child=child, start_date=datetime.date(2014, 3, 3), end_date=datetime.date(2014, 3, 20)
    )


def _search(client, **params):
    response = client.get(reverse("common-access-log"), params)
    assert response.status_code == 200
    return list(response.context["page"].object_list)


def _looked_at(client, manager, auditor, moderator, child, enquiry):
    """Each way of seeing a child's record: its page, a case audit, a list, a drill-down, an export, the API."""
    case_audit = CaseAuditFactory.create(child=child, record_id=enquiry.pk, auditor=auditor)
    client.force_login(manager)
    assert client.get(reverse("cases-child-detail", args=[child.uuid])).status_code == 200
    assert client.get(reverse("cases-s47-list")).status_code == 200
    drilldown = reverse("metrics-drilldown", args=["s47_within_15_days"])
    assert client.get(drilldown, {"start": "2014-03", "end": "2014-03"}).status_code == 200
    export = client.get(drilldown, {"start": "2014-03", "end": "2014-03", "format": "csv"})
    assert b"C-LOOKED-AT" in b"".join(export.streaming_content)
    client.force_login(auditor)
    assert client.get(reverse("audits-score", args=[case_audit.uuid])).status_code == 200
    client.force_login(moderator)
    assert client.get(reverse("api-case-audit-detail", args=[case_audit.uuid])).status_code == 200
    client.logout()


def test_searching_by_child_finds_every_view_list_and_export_that_showed_the_child(
    client, administrator, manager, auditor, moderator, child, enquiry
):
    _looked_at(client, manager, auditor, moderator, child, enquiry)
    client.force_login(manager)
    client.get(reverse("cases-child-detail", args=[ChildFactory.create(child_id="C-SOMEONE-ELSE").uuid]))

    client.force_login(administrator)
    found = _search(client, child="c-looked-at")  # as typed: not case-sensitive

    assert sorted((e.username, e.action, e.object_type) for e in found) == [
        ("auditor-ash", "view", "case audit"),
        ("manager-mo", "export", "metric drill-down"),
        ("manager-mo", "list", "S47 enquiries"),
        ("manager-mo", "list", "metric drill-down"),
        ("manager-mo", "view", "child"),
        ("moderator-max", "view", "case audit"),
    ]
    assert all(e.ip_address == "127.0.0.1" and e.path for e in found)


def test_older_entries_naming_the_child_only_as_their_reference_are_found_after_the_migration(
    client, administrator
):
    older = AccessLogEntry.objects.create(
        action="view", object_type="child", object_ref="C-OLD", path="/cases/children/x/"
    )
    AccessLogEntry.objects.create(action="view", object_type="S47 enquiry", object_ref="C-OLD", path="/api/")
    AccessLogEntry.objects.create(action="view", object_type="audit", object_ref="C-OLD", path="/audits/")
    migration = importlib.import_module("common.migrations.0003_access_log_children")

    migration.name_children_of_older_entries(django_apps, None)

    client.force_login(administrator)
    found = _search(client, child="c-old")
    assert sorted(e.object_type for e in found) == ["S47 enquiry", "child"]
    assert older in found


def test_searching_by_child_id_ignores_case_and_spaces_as_child_ids_are_stored(
    client, administrator, manager
):
    child = ChildFactory.create(child_id="EX0001")
    client.force_login(manager)
    client.get(reverse("cases-child-detail", args=[child.uuid]))

    client.force_login(administrator)
    found = _search(client, child="ex 0001")

    assert [(e.action, e.object_type) for e in found] == [("view", "child")]


def test_the_search_is_itself_recorded(client, administrator):
    client.force_login(administrator)
    _search(client, child="C-ANY")
    entry = AccessLogEntry.objects.get(object_type="access log")
    assert (entry.user, entry.action, entry.detail) == (administrator, "list", "child=C-ANY")


def test_the_log_is_searched_by_user_action_what_and_date(client, administrator, manager):
    for day, user, action, what in [
        (1, manager, "view", "child"),
        (2, manager, "export", "audit answers"),
        (3, administrator, "view", "child"),
    ]:
        with time_machine.travel(datetime.datetime(2014, 3, day, 12, 0, tzinfo=datetime.UTC), tick=False):
            access_log_write(user=user, action=action, object_type=what, path="/")
    client.force_login(administrator)

    def refs(**params):
        return sorted(
            f"{e.username} {e.action} {e.at:%d}" for e in _search(client, **params) if e.at.year == 2014
        )

    assert refs(username="MANAGER-MO") == ["manager-mo export 02", "manager-mo view 01"]
    assert refs(action="export") == ["manager-mo export 02"]
    assert refs(object_type="child") == ["admin-alex view 03", "manager-mo view 01"]
    assert refs(start="02/03/2014", end="2014-03-02") == ["manager-mo export 02"]


def test_a_bad_date_shows_the_problem_and_no_entries(client, administrator):
    access_log_write(user=None, action="view", object_type="child", path="/")
    client.force_login(administrator)
    response = client.get(reverse("common-access-log"), {"start": "31/02/2014"})
    assert response.context["filter"].form.errors and not response.context["page"].object_list
    page = response.content.decode()
    assert "<title>Error: Access log" in page
    assert "On or after: Enter a real date, for example 27 3 2026" in page
    assert "Correct the search to see entries." in page and "No entries match" not in page


def test_the_page_shows_who_when_what_and_from_where(client, administrator, manager, child):
    client.force_login(manager)
    client.get(reverse("cases-child-detail", args=[child.uuid]), REMOTE_ADDR="10.1.2.3")
    client.force_login(administrator)
    page = client.get(reverse("common-access-log"), {"child": "C-LOOKED-AT"}).content.decode()
    assert "manager-mo" in page and "10.1.2.3" in page and f"/cases/children/{child.uuid}/" in page
    assert "Viewed child" in page


def test_the_page_states_the_retention_in_years_and_says_plainly_when_nothing_matches(
    client, administrator, settings
):
    client.force_login(administrator)
    page = client.get(reverse("common-access-log"), {"child": "C-NEVER-SEEN"}).content.decode()
    assert "Entries are kept for 6 years." in page
    assert "No entries match your search." in page and "0 entries" not in page
    assert "format=csv" not in page  # nothing to download
    settings.ACCESS_LOG_RETENTION_DAYS = 400
    assert "Entries are kept for 400 days." in client.get(reverse("common-access-log")).content.decode()


def test_behind_a_trusted_proxy_it_records_the_client_not_the_proxy(client, settings, manager, child):
    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(manager)
    client.get(
        reverse("cases-child-detail", args=[child.uuid]),
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="203.0.113.66, 198.51.100.7",
    )
    entry = AccessLogEntry.objects.get(object_type="child", user=manager)
    # The client may write anything left of our proxy's entry; only the proxy's own entry is trusted.
    assert entry.ip_address == "198.51.100.7"


def test_the_search_downloads_as_csv_with_formulas_neutralised(client, administrator):
    access_log_write(user=None, action="view", object_type="child", object_ref="=HYPERLINK(1)", path="/x")
    client.force_login(administrator)
    response = client.get(reverse("common-access-log"), {"format": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:5] == ["When", "Username", "Action", "What", "Reference"]
    # Newest first: the download itself is recorded before it is written.
    assert [row[1:5] for row in rows[1:]] == [
        ["admin-alex", "Exported", "access log", ""],
        ["", "Viewed", "child", "'=HYPERLINK(1)"],
    ]


def test_the_access_log_is_in_the_navigation_for_administrators_only(client, administrator, manager):
    for user, shown in [(administrator, True), (manager, False)]:
        client.force_login(user)
        labels = [item["label"] for item in client.get(reverse("home")).context["nav_items"]]
        assert ("Access log" in labels) is shown


# Append-only from the app ---------------------------------------------------------------------------------


def test_the_django_admin_cannot_add_change_or_delete_entries_even_for_a_superuser(client):
    superuser = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    entry = access_log_write(user=superuser, action="view", object_type="child", object_ref="C1", path="/")
    model_admin = site._registry[AccessLogEntry]
    request = RequestFactory().get("/admin/")
    request.user = superuser
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request, entry)
    assert not model_admin.has_delete_permission(request, entry)
    assert AccessLogChild not in site._registry

    client.force_login(superuser)
    assert client.get(reverse("admin:common_accesslogentry_changelist"), {"q": "C1"}).status_code == 200
    assert client.get(reverse("admin:common_accesslogentry_add")).status_code == 403
    change = reverse("admin:common_accesslogentry_change", args=[entry.pk])
    assert client.post(change, {"object_ref": "C2"}).status_code == 403
    delete = reverse("admin:common_accesslogentry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    entry.refresh_from_db()
    assert entry.object_ref == "C1"


# Retention ------------------------------------------------------------------------------------------------


def _entry_at(when: datetime.datetime, ref: str) -> AccessLogEntry:
    with time_machine.travel(when, tick=False):
        return access_log_write(
            user=None, action="view", object_type="child", object_ref=ref, child_ids=[ref]
        )


def test_entries_older_than_the_retention_period_are_purged(settings):
    """30 days kept on 1 March 2026: entries from 30 January (London time) onwards stay."""
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    _entry_at(datetime.datetime(2026, 1, 29, 23, 59, tzinfo=datetime.UTC), "too-old")
    _entry_at(datetime.datetime(2026, 1, 30, 0, 0, tzinfo=datetime.UTC), "first-kept")
    _entry_at(datetime.datetime(2026, 2, 28, 12, 0, tzinfo=datetime.UTC), "recent")

    assert services.access_log_purge(today=datetime.date(2026, 3, 1)) == 1

    assert sorted(AccessLogEntry.objects.values_list("object_ref", flat=True)) == ["first-kept", "recent"]
    assert not AccessLogChild.objects.filter(child_ref="too-old").exists()
    assert services.access_log_purge(today=datetime.date(2026, 3, 1)) == 0  # a second run does nothing


def test_the_daily_task_purges_by_todays_date(settings):
    settings.ACCESS_LOG_RETENTION_DAYS = 1
    _entry_at(datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC), "yesterday-but-one")
    _entry_at(datetime.datetime(2026, 3, 2, 12, 0, tzinfo=datetime.UTC), "yesterday")
    with time_machine.travel(datetime.datetime(2026, 3, 3, 9, 0, tzinfo=datetime.UTC), tick=False):
        assert access_log_purge_task() == 1
    assert list(AccessLogEntry.objects.values_list("object_ref", flat=True)) == ["yesterday"]


def test_the_purge_runs_daily_from_the_schedule():
    job = CELERY_BEAT_SCHEDULE["access-log-purge"]
    assert job["task"] == "common.tasks.access_log_purge_task"
    schedule = job["schedule"]
    assert isinstance(schedule, crontab)
    # celery-types' crontab stub leaves out the fields crontab() parses its arguments into
    assert schedule.hour == {3} and schedule.day_of_week == set(range(7))  # type: ignore[attr-defined]


def test_the_default_retention_is_six_years(settings):
    from config import settings as project_settings

    assert project_settings.ACCESS_LOG_RETENTION_DAYS == 6 * 365


# A bulk import is one event ----------------------------------------------------------------------------


def test_an_import_of_several_files_is_one_access_log_entry_naming_each_file_and_its_counts(manager):
    files = [
        ExtractFile(name, (EXAMPLES / name).read_bytes())
        for name in ("children.csv", "strategy_discussions.csv", "s47_enquiries.csv")
    ]
    result = cases_import_files(files=files, user=manager)
    assert result.ok
    entry = AccessLogEntry.objects.get()
    assert (entry.user, entry.action, entry.object_type) == (manager, "import", "case extract")
    for batch in result.batches:
        assert f"{batch.file_name}: {batch.created} created, 0 updated, 0 unchanged" in entry.detail
    assert entry.object_ref == str(result.batches[0].uuid)


def test_the_import_command_is_recorded_with_the_command_as_its_origin(manager):
    call_command(
        "import_cases", str(EXAMPLES / "children.csv"), "--user", manager.username, stdout=io.StringIO()
    )
    entry = AccessLogEntry.objects.get()
    assert entry.user == manager and entry.path == "manage.py import_cases children.csv"
    assert entry.detail.startswith("children.csv: ") and " created, 0 updated, 0 unchanged" in entry.detail


def test_a_refused_import_writes_no_access_log_entry(manager):
    result = cases_import_files(files=[ExtractFile("s47_enquiries.csv", b"nonsense\n1\n")], user=manager)
    assert not result.ok
    assert not AccessLogEntry.objects.exists()


def test_api_lists_and_reads_name_the_children_they_returned(client, manager, child, enquiry):
    ChildFactory.create(child_id="C-ALSO-LISTED")
    client.force_login(manager)
    assert client.get(reverse("api-child-list")).status_code == 200
    assert client.get(reverse("api-s47-enquiry-detail", args=[enquiry.uuid])).status_code == 200
    named = {
        entry.object_type: sorted(c.child_ref for c in entry.children.all())
        for entry in AccessLogEntry.objects.prefetch_related("children")
    }
    assert named == {"children": ["C-ALSO-LISTED", "C-LOOKED-AT"], "S47 enquiry": ["C-LOOKED-AT"]}


def test_a_retention_period_under_one_day_stops_the_app_starting():
    from tests.common.test_settings import _manage

    result = _manage("check", ACCESS_LOG_RETENTION_DAYS="0")
    assert result.returncode != 0
    assert "ACCESS_LOG_RETENTION_DAYS must be at least 1, not 0." in result.stderr


def test_a_search_of_the_log_names_the_children_it_shows_and_its_download_every_child_in_it(
    client, administrator, manager
):
    for child_id in ("C-SEEN-1", "C-SEEN-2"):
        access_log_write(user=manager, action="view", object_type="child", child_ids=[child_id])
    client.force_login(administrator)

    _search(client, user="")
    listed = AccessLogEntry.objects.get(object_type="access log", action="list")
    assert sorted(listed.children.values_list("child_ref", flat=True)) == ["C-SEEN-1", "C-SEEN-2"]

    b"".join(client.get(reverse("common-access-log"), {"format": "csv"}).streaming_content)
    exported = AccessLogEntry.objects.get(object_type="access log", action="export")
    assert sorted(exported.children.values_list("child_ref", flat=True)) == ["C-SEEN-1", "C-SEEN-2"]
