"""The dashboard, the drill-downs and their exports, recalculation and targets: pages and permissions."""

import csv
import datetime
import io
import re
import urllib.parse

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils.html import strip_tags

from common.models import AccessLogEntry
from metrics.models import MetricRun, MetricTarget
from metrics.services import metrics_recompute
from tests.factories import ChildFactory, S47EnquiryFactory, TeamFactory, UserFactory
from tests.metrics.helpers import TODAY

D = datetime.date
pytestmark = pytest.mark.django_db

DASHBOARD_PERSONAS = ["administrator", "manager", "moderator", "report_officer"]
NOT_DASHBOARD = ["auditor", "partner_auditor", "panel_member", "outsider"]
DRILLDOWN_PERSONAS = ["administrator", "manager", "moderator", "auditor"]
NOT_DRILLDOWN = ["report_officer", "partner_auditor", "panel_member", "outsider"]
MARCH = {"start": "2014-03", "end": "2014-03"}


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(datetime.datetime(2014, 6, 16, 9, 0), tick=False):
        yield


@pytest.fixture
def north():
    return TeamFactory.create(code="N", name="North")


@pytest.fixture
def enquiries(north):
    """March 2014, North: C-MET completed on day 15, C-LATE on day 16; C-OPEN open; C-SOUTH elsewhere."""
    made = {
        "met": S47EnquiryFactory.create(
            child__child_id="C-MET", team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 24)
        ),
        "late": S47EnquiryFactory.create(
            child__child_id="C-LATE", team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 25)
        ),
        "open": S47EnquiryFactory.create(child__child_id="C-OPEN", team=north, start_date=D(2014, 3, 3)),
        "south": S47EnquiryFactory.create(
            child__child_id="C-SOUTH",
            team=TeamFactory.create(code="S", name="South"),
            start_date=D(2014, 3, 3),
            end_date=D(2014, 3, 10),
        ),
    }
    metrics_recompute(today=TODAY)
    return made


def _drilldown(metric: str = "s47_within_15_days") -> str:
    return reverse("metrics-drilldown", args=[metric])


def _child_ids(response) -> list[str]:
    return [record.child.child_id for record, _ in response.context["rows"]]


# Permissions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", DASHBOARD_PERSONAS, indirect=True)
def test_dashboard_roles_see_the_dashboard(client, persona, enquiries):
    client.force_login(persona)
    assert client.get(reverse("metrics-dashboard")).status_code == 200


@pytest.mark.parametrize("persona", NOT_DASHBOARD, indirect=True)
def test_other_roles_may_not_see_the_dashboard(client, persona):
    client.force_login(persona)
    assert client.get(reverse("metrics-dashboard")).status_code == 403
    assert client.post(reverse("metrics-recalculate")).status_code == 403


@pytest.mark.parametrize("persona", DRILLDOWN_PERSONAS, indirect=True)
def test_case_record_roles_may_drill_down(client, persona, enquiries):
    client.force_login(persona)
    assert client.get(_drilldown(), MARCH).status_code == 200
    assert client.get(reverse("metrics-audit-drilldown", args=["chronology_on_file"])).status_code == 200


@pytest.mark.parametrize("persona", NOT_DRILLDOWN, indirect=True)
def test_other_roles_may_not_drill_down_or_export(client, persona, enquiries):
    client.force_login(persona)
    assert client.get(_drilldown(), MARCH).status_code == 403
    assert client.get(_drilldown(), {**MARCH, "format": "csv"}).status_code == 403
    assert client.get(reverse("metrics-audit-drilldown", args=["chronology_on_file"])).status_code == 403
    assert not AccessLogEntry.objects.exists()


@pytest.mark.parametrize(
    "url",
    [
        reverse("metrics-dashboard"),
        reverse("metrics-drilldown", args=["s47_within_15_days"]),
        reverse("metrics-targets"),
        reverse("metrics-recalculate"),
    ],
)
def test_anonymous_users_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_the_navigation_shows_the_dashboard_to_dashboard_roles_only(client, report_officer, auditor):
    client.force_login(report_officer)
    assert reverse("metrics-dashboard") in client.get(reverse("home")).content.decode()
    client.force_login(auditor)
    assert reverse("metrics-dashboard") not in client.get(reverse("home")).content.decode()


# Dashboard -----------------------------------------------------------------------------------------------


def test_the_dashboard_defaults_to_the_last_12_complete_months(client, manager, enquiries):
    """Today 16 June 2014: June 2013 to May 2014."""
    client.force_login(manager)
    data = client.get(reverse("metrics-dashboard")).context["data"]
    assert (data.first, data.last) == (D(2013, 6, 1), D(2014, 5, 1))
    assert len(data.panels[0].months) == 12


def test_the_dashboard_shows_the_latest_figure_change_and_status(client, manager, enquiries):
    """March 2014: 2 of 3 completed in time -> 67%; February had none; target 80%, amber from 60%."""
    MetricTarget.objects.create(metric="s47_within_15_days", target_percent=80, amber_percent=60)
    client.force_login(manager)
    response = client.get(reverse("metrics-dashboard"), {"start": "02/2014", "end": "03/2014"})
    panel = response.context["data"].panels[0]
    assert panel.metric.key == "s47_within_15_days"
    assert str(panel.latest.records) == "67% (2 of 3)"
    assert panel.change is None  # no enquiries completed in February
    assert panel.status == "amber"
    page = response.content.decode()
    assert "67% (2 of 3)" in page
    assert "Near target" in page
    assert panel.latest.related == 1  # C-OPEN, open and overdue at the end of March


def test_the_dashboard_filters_by_team(client, manager, enquiries, north):
    """North in March 2014: 1 of 2 -> 50%."""
    client.force_login(manager)
    response = client.get(
        reverse("metrics-dashboard"), {"start": "03/2014", "end": "03/2014", "team": north.pk}
    )
    assert str(response.context["data"].panels[0].latest.records) == "50% (1 of 2)"
    assert f"team={north.pk}" in response.content.decode()


def test_the_dashboard_reports_a_bad_month_and_shows_the_default_period(client, manager, enquiries):
    client.force_login(manager)
    response = client.get(reverse("metrics-dashboard"), {"start": "13/2014"})
    assert "There is a problem with the filters" in response.content.decode()
    assert response.context["data"].first == D(2013, 6, 1)


def test_the_dashboard_charts_are_accessible_svg_without_script_or_inline_style(client, manager, enquiries):
    client.force_login(manager)
    page = client.get(reverse("metrics-dashboard")).content.decode()
    sparklines = re.findall(r"<svg[^>]*class=\"app-sparkline\".*?</svg>", page, flags=re.S)
    assert len(sparklines) == 7  # one per measure's tile
    charts = re.findall(r"<svg[^>]*class=\"app-chart\".*?</svg>", page, flags=re.S)
    assert len(charts) == 1  # the counts over time; each measure's chart is on its own page
    measure = client.get(reverse("metrics-measure", args=["s47_within_15_days"])).content.decode()
    charts += re.findall(r"<svg[^>]*class=\"app-chart\".*?</svg>", measure, flags=re.S)
    assert len(charts) == 2
    for chart in charts + sparklines:
        assert 'role="img"' in chart and "<title" in chart and "<desc" in chart
        assert "style=" not in chart and "<script" not in chart
    assert "<script>" not in page and " style=" not in page


def test_the_dashboard_shows_audit_findings_beside_recorded_data(client, manager, enquiries):
    """Chronology, March 2014: auditors found 1 of 2 on file; the records say 0 of 3 -> a 50 point gap."""
    from audits.models import Answer
    from tests.factories import AuditFactory, CaseAuditFactory, tool_version
    from tests.metrics.factories import question

    audit = AuditFactory.create(tool_version=tool_version("S47 and information sharing"))
    for value in ("yes", "no"):
        case_audit = CaseAuditFactory.create(audit=audit, status="submitted", record_date=D(2014, 3, 5))
        Answer.objects.create(case_audit=case_audit, question=question("chronology_on_file"), value=value)
    metrics_recompute(today=TODAY)
    client.force_login(manager)
    response = client.get(reverse("metrics-dashboard"), {"start": "03/2014", "end": "03/2014"})
    panel = next(p for p in response.context["data"].panels if p.metric.key == "chronology_on_file")
    assert str(panel.audit_total) == "50% (1 of 2)"
    assert str(panel.records_total) == "0% (0 of 3)"
    assert panel.disagreement == 50
    measure = client.get(
        reverse("metrics-measure", args=["chronology_on_file"]), {"start": "03/2014", "end": "03/2014"}
    )
    assert "the recorded data and what auditors found on file disagree" in measure.content.decode()


def test_the_dashboard_shows_counts_over_time_and_young_people_leaving_care(client, manager):
    """Looked after on 1 March 2014 and turning 18 on 20 July 2014 (within 6 months of 16 June): 1."""
    from tests.metrics.factories import LookedAfterEpisodeFactory

    LookedAfterEpisodeFactory.create(
        child=ChildFactory.create(date_of_birth=D(1996, 7, 20)), start_date=D(2014, 2, 1)
    )
    metrics_recompute(today=TODAY)
    client.force_login(manager)
    response = client.get(reverse("metrics-dashboard"), {"start": "03/2014", "end": "03/2014"})
    data = response.context["data"]
    assert data.counts[0].looked_after == 1
    assert data.leaving_care.count == 1
    assert data.leaving_care.by == D(2014, 12, 1)
    assert (
        "1 young person will cease to be looked after by the end of December 2014"
        in response.content.decode()
    )


def test_the_dashboard_reads_only_snapshots_in_a_fixed_number_of_queries(
    client, manager, enquiries, django_assert_max_num_queries
):
    client.force_login(manager)
    client.get(reverse("metrics-dashboard"))  # warm the session
    # Session, user, roles, targets, snapshots, run in progress, teams for the filter, session save (3).
    with django_assert_max_num_queries(10):
        assert client.get(reverse("metrics-dashboard")).status_code == 200


def test_the_report_officer_sees_figures_without_drill_down_links(client, report_officer, enquiries):
    client.force_login(report_officer)
    page = client.get(reverse("metrics-dashboard"), {"start": "03/2014", "end": "03/2014"}).content.decode()
    assert "67% (2 of 3)" in page
    assert _drilldown() not in page


# Drill-downs ------------------------------------------------------------------------------------------


def test_the_drilldown_lists_the_denominator_marked_met_or_not(client, manager, enquiries):
    client.force_login(manager)
    response = client.get(_drilldown(), MARCH)
    rows = {record.child.child_id: record.met for record, _ in response.context["rows"]}
    assert rows == {"C-MET": True, "C-LATE": False, "C-SOUTH": True}
    page = response.content.decode()
    assert "Not met" in page and "C-OPEN" not in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"met": "met"}, ["C-MET", "C-SOUTH"]),
        ({"met": "missed"}, ["C-LATE"]),
        ({"child_id": "c-late"}, ["C-LATE"]),
        ({"list": "related"}, ["C-OPEN"]),
    ],
)
def test_the_drilldown_filters(client, manager, enquiries, query, expected):
    client.force_login(manager)
    assert sorted(_child_ids(client.get(_drilldown(), {**MARCH, **query}))) == expected


def test_the_drilldown_filters_by_team(client, manager, enquiries, north):
    client.force_login(manager)
    assert sorted(_child_ids(client.get(_drilldown(), {**MARCH, "team": north.pk}))) == ["C-LATE", "C-MET"]


def test_an_auditor_drills_down_to_their_assigned_cases_only(client, auditor, enquiries):
    from tests.factories import CaseAuditFactory

    CaseAuditFactory.create(child=enquiries["late"].child, auditor=auditor)
    client.force_login(auditor)
    assert _child_ids(client.get(_drilldown(), MARCH)) == ["C-LATE"]


def test_an_unknown_metric_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get(_drilldown("no_such_metric")).status_code == 404
    assert client.get(reverse("metrics-audit-drilldown", args=["icpc_within_15_days"])).status_code == 404


def test_each_drilldown_view_is_logged(client, manager, enquiries):
    client.force_login(manager)
    client.get(_drilldown(), MARCH)
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type, entry.object_ref) == (
        "list",
        "metric drill-down",
        "s47_within_15_days",
    )
    assert "start=2014-03" in entry.detail


def test_the_drilldown_pages_in_a_fixed_number_of_queries(
    client, manager, enquiries, django_assert_max_num_queries
):
    for number in range(60):
        S47EnquiryFactory.create(
            start_date=D(2014, 3, 3), end_date=D(2014, 3, 20), child__child_id=f"C-MANY-{number}"
        )
    client.force_login(manager)
    client.get(_drilldown(), MARCH)
    # Session, user, roles, count, coverage (records left out as unknown), access log (entry, children
    # shown), the page's records, teams for the filter, session save (3).
    with django_assert_max_num_queries(12):
        response = client.get(_drilldown(), MARCH)
    assert len(response.context["rows"]) == 50
    # A late page, after the cursor of the first: as many queries, none of them with OFFSET.
    with django_assert_max_num_queries(12) as late:
        response = client.get(_drilldown(), {**MARCH, "after": response.context["page"].next_cursor})
    assert len(response.context["rows"]) == 13
    assert not [query for query in late.captured_queries if "OFFSET" in query["sql"].upper()]


def _many_in_march(count: int) -> None:
    """`count` enquiries completed in March 2014, every third late (not met), on a few days each."""
    for number in range(count):
        start = D(2014, 3, 3 + number % 5)
        late = number % 3 == 0
        S47EnquiryFactory.create(
            child__child_id=f"C-MANY-{number:03d}",
            start_date=start,
            end_date=start + datetime.timedelta(days=24 if late else 14),
        )


def _next_links(client, query: dict) -> list[list[str]]:
    """The child IDs of every page, following each page's Next link from the first."""
    pages = []
    while True:
        response = client.get(_drilldown(), query)
        pages.append(_child_ids(response))
        link = re.search(r'href="\?([^"]*)" rel="next"', response.content.decode())
        if not link:
            return pages
        query = dict(re.findall(r"([^&=]+)=([^&]*)", link[1].replace("&amp;", "&")))
        query = {name: urllib.parse.unquote_plus(value) for name, value in query.items()}
        assert "after" in query and "page" not in query


def test_the_drilldown_pages_by_next_links_through_every_record_as_the_export_orders_them(
    client, manager, enquiries
):
    """Keyset pagination: 120 more records, not met first, each on one page exactly, in the order of the
    CSV export; the count is every record, on every page."""
    _many_in_march(120)
    client.force_login(manager)

    pages = _next_links(client, MARCH)

    export = client.get(_drilldown(), {**MARCH, "format": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))[1:]
    assert [len(page) for page in pages] == [50, 50, 23]
    assert [child for page in pages for child in page] == [row[0] for row in rows]
    met = [row[-1] for row in rows]
    assert met == sorted(met, key=lambda value: value == "Met")  # not met first
    late = client.get(_drilldown(), MARCH)
    assert "123 records." in late.content.decode()


def test_each_drilldown_page_logs_the_children_it_shows(client, manager, enquiries):
    _many_in_march(60)
    client.force_login(manager)

    pages = _next_links(client, MARCH)

    entries = AccessLogEntry.objects.filter(object_type="metric drill-down").order_by("pk")
    logged = [sorted(entry.children.values_list("child_ref", flat=True)) for entry in entries]
    assert logged == [sorted(page) for page in pages] and len(pages) == 2


def test_previous_goes_back_to_the_page_before(client, manager, enquiries):
    _many_in_march(120)
    client.force_login(manager)
    first = client.get(_drilldown(), MARCH)
    second = client.get(_drilldown(), {**MARCH, "after": first.context["page"].next_cursor})
    third = client.get(_drilldown(), {**MARCH, "after": second.context["page"].next_cursor})
    assert 'rel="prev"' in third.content.decode() and 'rel="next"' not in third.content.decode()

    back = client.get(_drilldown(), {**MARCH, "before": third.context["page"].previous_cursor})
    again = client.get(_drilldown(), {**MARCH, "before": back.context["page"].previous_cursor})

    assert _child_ids(back) == _child_ids(second)
    assert _child_ids(again) == _child_ids(first) and 'rel="prev"' not in again.content.decode()


def test_a_filtered_drilldown_pages_within_its_filter_and_counts_it(client, manager, enquiries):
    _many_in_march(120)  # 40 late, and C-LATE
    client.force_login(manager)

    pages = _next_links(client, {**MARCH, "met": "missed"})

    assert [len(page) for page in pages] == [41] and "C-LATE" in pages[0]
    assert "41 records." in client.get(_drilldown(), {**MARCH, "met": "missed"}).content.decode()


def test_a_filtered_drilldown_counts_up_to_its_limit_and_says_there_are_more(
    client, manager, enquiries, monkeypatch
):
    from metrics import views

    _many_in_march(120)  # 80 met, and C-MET and C-SOUTH
    monkeypatch.setattr(views, "LISTED_COUNT_LIMIT", 81)
    client.force_login(manager)

    met = client.get(_drilldown(), {**MARCH, "met": "met"}).content.decode()
    missed = client.get(_drilldown(), {**MARCH, "met": "missed"}).content.decode()
    every = client.get(_drilldown(), MARCH).content.decode()

    assert "More than 81 records." in met
    assert "41 records." in missed and "More than" not in missed
    assert "123 records." in every  # unfiltered: the coverage's exact count


def test_the_csv_export_lists_every_record_and_neutralises_formulas(client, manager, north):
    S47EnquiryFactory.create(
        child__child_id="=HYPERLINK(1)", team=north, start_date=D(2014, 3, 3), end_date=D(2014, 3, 24)
    )
    north.name = "@North"
    north.save()
    client.force_login(manager)
    response = client.get(_drilldown(), {**MARCH, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["Child ID", "Started", "Target date", "Completed", "Outcome", "Team", "Worker",
                       "Within 15 working days"]  # fmt: skip
    assert rows[1][0] == "'=HYPERLINK(1)"
    assert rows[1][5] == "'@North"
    assert rows[1][-1] == "Met"
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type) == ("export", "metric drill-down")


def test_the_xlsx_export_neutralises_formulas_and_keeps_dates(client, manager):
    S47EnquiryFactory.create(child__child_id="+1+1", start_date=D(2014, 3, 3), end_date=D(2014, 3, 25))
    client.force_login(manager)
    response = client.get(_drilldown(), {**MARCH, "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet is not None
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[1][0] == "'+1+1"
    started = rows[1][1]
    assert isinstance(started, datetime.datetime) and started.date() == D(2014, 3, 3)
    assert rows[1][-1] == "Not met"


def test_the_audit_drilldown_lists_the_answers_behind_the_audit_figure(client, manager):
    """Yes and Partly (a half) on records of March 2014 -> 1.5 of 2 -> 75%."""
    from audits.models import Answer
    from tests.factories import AuditFactory, CaseAuditFactory, tool_version
    from tests.metrics.factories import question

    audit = AuditFactory.create(tool_version=tool_version("S47 and information sharing"))
    for child_id, value in (("A-YES", "yes"), ("A-PARTLY", "partly")):
        case_audit = CaseAuditFactory.create(
            audit=audit, status="moderated", record_date=D(2014, 3, 5), child__child_id=child_id
        )
        Answer.objects.create(case_audit=case_audit, question=question("chronology_on_file"), value=value)
    client.force_login(manager)
    response = client.get(reverse("metrics-audit-drilldown", args=["chronology_on_file"]), MARCH)
    assert str(response.context["figure"]) == "75% (1.5 of 2)"
    assert sorted(answer.case_audit.child.child_id for answer, _ in response.context["rows"]) == [
        "A-PARTLY",
        "A-YES",
    ]
    assert AccessLogEntry.objects.get().object_type == "audit drill-down"


# Recalculate ------------------------------------------------------------------------------------------------


def test_recalculate_queues_a_run_that_computes_and_shows_its_progress(
    client, manager, enquiries, django_capture_on_commit_callbacks
):
    client.force_login(manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("metrics-recalculate"))
    run = MetricRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("metrics-run", args=[run.uuid])
    run.refresh_from_db()
    assert run.status == MetricRun.Status.DONE
    assert run.requested_by == manager
    page = client.get(response.url)
    assert "Done" in page.content.decode()
    assert "Refresh" not in page


def test_a_queued_run_page_refreshes_itself_without_script(client, manager):
    run = MetricRun.objects.create(trigger=MetricRun.Trigger.MANUAL, steps_total=9)
    client.force_login(manager)
    response = client.get(reverse("metrics-run", args=[run.uuid]))
    assert response["Refresh"] == "2"
    page = response.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in page
    assert "0 of 9" in page


def test_a_run_page_says_which_months_it_counted_and_what_it_corrected(client, manager):
    refresh = MetricRun.objects.create(
        trigger=MetricRun.Trigger.IMPORT, since={"cases.s47enquiry": "2024-06-03", "cases.child": None}
    )
    everything = MetricRun.objects.create(
        trigger=MetricRun.Trigger.NIGHTLY, status=MetricRun.Status.DONE, corrected_count=2
    )
    client.force_login(manager)

    def summary(run: MetricRun) -> str:
        page = client.get(reverse("metrics-run", args=[run.uuid])).content.decode()
        return " ".join(strip_tags(page).split())

    assert "Figures counted From June 2024 on: the months the import's records can have moved" in summary(
        refresh
    )
    assert "Corrected" not in summary(refresh)
    text = summary(everything)
    assert "Figures counted Every month" in text
    assert "Corrected 2 figures of months already over differed from what was stored" in text


def test_recalculate_refuses_get(client, manager):
    client.force_login(manager)
    assert client.get(reverse("metrics-recalculate")).status_code == 405


# Targets ---------------------------------------------------------------------------------------------


def test_an_administrator_sets_a_target(client, administrator):
    client.force_login(administrator)
    assert client.get(reverse("metrics-targets")).status_code == 200
    url = reverse("metrics-target-edit", args=["consent_recorded"])
    response = client.post(url, {"target_percent": "90", "amber_percent": "75"})
    assert response.status_code == 302
    target = MetricTarget.objects.get()
    target.refresh_from_db()
    assert (target.metric, target.target_percent, target.amber_percent) == ("consent_recorded", 90, 75)
    assert target.updated_by == administrator


def test_amber_above_the_target_is_refused(client, administrator):
    client.force_login(administrator)
    url = reverse("metrics-target-edit", args=["consent_recorded"])
    response = client.post(url, {"target_percent": "70", "amber_percent": "80"})
    assert response.status_code == 200
    assert "Amber must start at or below the target" in response.content.decode()
    assert not MetricTarget.objects.exists()


@pytest.mark.parametrize("persona", ["manager", "report_officer", "moderator"], indirect=True)
def test_only_administrators_set_targets(client, persona):
    client.force_login(persona)
    url = reverse("metrics-target-edit", args=["consent_recorded"])
    assert client.get(reverse("metrics-targets")).status_code == 403
    assert client.post(url, {"target_percent": "90", "amber_percent": "75"}).status_code == 403
    assert not MetricTarget.objects.exists()


def test_targets_are_editable_in_django_admin(client):
    admin = UserFactory.create(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:metrics_metrictarget_add"),
        {"metric": "chronology_on_file", "target_percent": "95", "amber_percent": "85"},
    )
    assert response.status_code == 302
    assert MetricTarget.objects.get().updated_by == admin


def test_the_dashboard_says_when_nothing_has_been_computed(client, manager):
    client.force_login(manager)
    page = client.get(reverse("metrics-dashboard")).content.decode()
    assert "The figures have not been computed yet." in page
    assert "No S47 enquiries completed" in page
    measure = client.get(reverse("metrics-measure", args=["s47_within_15_days"])).content.decode()
    assert "No cases" in measure


def test_the_open_and_overdue_list_keeps_its_place_when_filtered(client, manager, enquiries):
    client.force_login(manager)
    response = client.get(_drilldown(), {**MARCH, "list": "related"})
    assert '<input type="hidden" name="list" value="related"' in response.content.decode()
    assert "open and overdue on 31 March 2014, the end of the month" in response.content.decode()


def test_this_months_open_and_overdue_list_is_as_of_today(client, manager):
    """Today 16 June 2014: target 12 June, open -> listed; target 16 June -> not yet overdue."""
    S47EnquiryFactory.create(child__child_id="C-DUE-12", start_date=D(2014, 5, 21))
    S47EnquiryFactory.create(child__child_id="C-DUE-16", start_date=D(2014, 5, 23))
    client.force_login(manager)
    response = client.get(_drilldown(), {"start": "2014-06", "end": "2014-06", "list": "related"})
    assert _child_ids(response) == ["C-DUE-12"]
    assert "open and overdue today, 16 June 2014" in response.content.decode()


def test_the_overview_tile_shows_figure_change_status_word_and_links_to_the_measure(
    client, manager, enquiries
):
    MetricTarget.objects.create(metric="s47_within_15_days", target_percent=80, amber_percent=60)
    client.force_login(manager)
    page = client.get(reverse("metrics-dashboard"), {"start": "02/2014", "end": "03/2014"}).content.decode()
    assert "67% (2 of 3)" in page
    assert "No change to show since February" in page
    assert "Near target" in page
    assert (
        reverse("metrics-measure", args=["s47_within_15_days"]) + "?start=02%2F2014&amp;end=03%2F2014" in page
    )


def test_a_measure_page_shows_its_chart_and_monthly_table(client, manager, enquiries):
    client.force_login(manager)
    response = client.get(
        reverse("metrics-measure", args=["s47_within_15_days"]), {"start": "03/2014", "end": "03/2014"}
    )
    page = response.content.decode()
    assert 'class="app-chart"' in page
    assert "by month</caption>" in page and "Mar 2014" in page
    assert reverse("metrics-drilldown", args=["s47_within_15_days"]) in page


def test_an_unknown_measure_is_not_found(client, manager):
    client.force_login(manager)
    assert client.get(reverse("metrics-measure", args=["no_such_measure"])).status_code == 404


@pytest.mark.parametrize("persona", NOT_DASHBOARD, indirect=True)
def test_other_roles_may_not_see_a_measure_page(client, persona):
    client.force_login(persona)
    assert client.get(reverse("metrics-measure", args=["s47_within_15_days"])).status_code == 403


@pytest.mark.parametrize("persona", ["report_officer"], indirect=True)
def test_a_measure_page_has_no_drilldown_links_for_roles_without_case_records(client, persona, enquiries):
    client.force_login(persona)
    response = client.get(reverse("metrics-measure", args=["s47_within_15_days"]))
    assert response.status_code == 200
    assert reverse("metrics-drilldown", args=["s47_within_15_days"]) not in response.content.decode()
