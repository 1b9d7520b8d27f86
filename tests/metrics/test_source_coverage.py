"""A record whose sources did not hold a measure's fields is unknown for it: left out, never "not met".

The Annex A List 5 example (docs/examples/annex_a_list5.csv) has 5 enquiries, started from January to
November 2024, with no end date, consent, chronology or management oversight.
"""

import datetime
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

import pytest

from cases import models as m
from cases.importing import cases_import
from metrics import measures, selectors
from tests.factories import S47EnquiryFactory
from tests.metrics.helpers import figure, related, snapshot

D = datetime.date
pytestmark = pytest.mark.django_db
EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
TODAY = D(2025, 1, 15)
MARCH_2014 = D(2014, 3, 1)
NO_CONSENT = m.S47Enquiry.source_mask(["consent", "consent_manager_decision", "consent_not_sought_reason"])
ANNEX_A = m.S47Enquiry.unknown_without(["icpc_date"])


def _import_list_5():
    result = cases_import(
        file_name="annex_a_list5.csv", content=(EXAMPLES / "annex_a_list5.csv").read_bytes(), user=None
    )
    assert result.ok, result.errors


class Window(TypedDict):
    """The keyword arguments the drill-down selectors take for a period, as of a day."""

    first: datetime.date
    last: datetime.date
    today: datetime.date


def _all_months(metric: str, field: str) -> int:
    from metrics.models import MetricSnapshot

    rows = MetricSnapshot.objects.filter(metric=metric, source="records", team__isnull=True)
    return sum(getattr(row, field) or 0 for row in rows)


def test_list_5_alone_leaves_every_enquiry_out_of_the_consent_measure_instead_of_failing_it(recompute):
    """5 enquiries started, none whose record holds consent -> 0 of 0 (not 0 of 5), 5 left out."""
    _import_list_5()
    recompute(today=TODAY)

    assert _all_months("consent_recorded", "denominator") == 0
    assert _all_months("consent_recorded", "unknown_count") == 5
    june = snapshot("consent_recorded", D(2024, 6, 1))
    assert june is not None
    assert (june.numerator, june.denominator, june.unknown_count) == (Decimal(0), 0, 1)
    assert measures.get("consent_recorded").coverage(0, 1) == (
        "from 0 of 1 S47 enquiries started whose record holds the consent decision"
    )


def test_a_list_5_enquiry_is_never_open_and_overdue(recompute):
    """List 5 holds no end dates: none of its 5 enquiries is known to be open, so 0 open and overdue."""
    _import_list_5()
    recompute(today=TODAY)

    assert _all_months("s47_within_15_days", "related_count") == 0


def test_the_councils_own_extract_makes_a_list_5_enquiry_measurable(recompute):
    """The extract holds consent (given) for the June enquiry: June 1 of 1, the 4 others still left out."""
    _import_list_5()
    extract = (
        "child_id,start_date,consent,consent_manager_decision,consent_not_sought_reason,end_date\r\n"
        "EX0101,17/06/2024,given,No,,\r\n"
    )
    assert cases_import(file_name="s47_enquiries.csv", content=extract.encode(), user=None).ok
    recompute(today=TODAY)

    june = snapshot("consent_recorded", D(2024, 6, 1))
    assert june is not None
    assert (june.numerator, june.denominator, june.unknown_count) == (Decimal(1), 1, 0)
    assert _all_months("consent_recorded", "unknown_count") == 4
    # Its end date is known now (blank: open), and it is long past its target.
    assert related("s47_within_15_days", D(2024, 12, 1)) == 1


def test_a_figure_counts_only_records_that_hold_its_fields_and_says_so(recompute):
    """March 2014: 1 enquiry with consent given, 1 with consent not recorded, 2 whose source held no
    consent -> 1 of 2 -> 50%, from 2 of 4 enquiries started."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), consent="given")
    S47EnquiryFactory.create(start_date=D(2014, 3, 4))
    S47EnquiryFactory.create_batch(2, start_date=D(2014, 3, 5), unknown_fields=NO_CONSENT)
    recompute()

    assert figure("consent_recorded", MARCH_2014) == (1, 2)
    march = snapshot("consent_recorded", MARCH_2014)
    assert march is not None and march.unknown_count == 2


def test_open_and_overdue_leaves_out_enquiries_whose_source_held_no_end_date(recompute):
    """Both started 3 March 2014 (target 24 March), both open: only the one that holds its end date is
    open and overdue at the end of March -> 1."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3))
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), unknown_fields=ANNEX_A)
    recompute()

    assert related("s47_within_15_days", MARCH_2014) == 1
    assert related("s47_within_15_days", D(2014, 6, 1)) == 1


def test_the_drill_down_lists_no_unknown_record_as_not_met(manager):
    held = S47EnquiryFactory.create(start_date=D(2014, 3, 3))  # consent not recorded: not met
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), unknown_fields=ANNEX_A)
    user = manager
    common = Window(first=MARCH_2014, last=MARCH_2014, today=D(2014, 6, 16))

    consent = measures.get("consent_recorded")
    not_met = selectors.drilldown_records(user, consent, met=False, **common)
    overdue = selectors.drilldown_records(user, measures.get("s47_within_15_days"), related=True, **common)

    assert list(not_met) == [held]
    assert list(overdue) == [held]
    assert selectors.drilldown_coverage(user, consent, **common) == (1, 2)


# The pages and the API -------------------------------------------------------------------------------


@pytest.fixture
def half_known(recompute):
    """March 2014: consent given on 1 enquiry, not recorded on 1, and 2 imported from List 5 alone."""
    S47EnquiryFactory.create(start_date=D(2014, 3, 3), consent="given", child__child_id="C-GIVEN")
    S47EnquiryFactory.create(start_date=D(2014, 3, 4), child__child_id="C-MISSING")
    S47EnquiryFactory.create(start_date=D(2014, 3, 5), unknown_fields=ANNEX_A, child__child_id="C-LIST5-A")
    S47EnquiryFactory.create(start_date=D(2014, 3, 5), unknown_fields=ANNEX_A, child__child_id="C-LIST5-B")
    recompute()


COVERAGE = "from 2 of 4 S47 enquiries started whose record holds the consent decision"


def test_the_dashboard_says_what_each_figure_covers(client, manager, half_known):
    from django.urls import reverse

    client.force_login(manager)
    query = {"start": "03/2014", "end": "03/2014"}
    page = client.get(reverse("metrics-dashboard"), query).content.decode()
    assert "50% (1 of 2)" in page
    assert "F" + COVERAGE[1:] in page  # the tile
    measure = client.get(reverse("metrics-measure", args=["consent_recorded"]), query).content.decode()
    assert "50% (1 of 2)" in measure and COVERAGE in measure  # the measure's table
    s47 = client.get(reverse("metrics-measure", args=["s47_within_15_days"]), query).content.decode()
    assert "Counts only enquiries whose record holds an end date" in s47  # beside open and overdue


def test_the_drill_down_lists_known_records_and_says_how_many_it_left_out(client, manager, half_known):
    from django.urls import reverse

    client.force_login(manager)
    url = reverse("metrics-drilldown", args=["consent_recorded"])
    response = client.get(url, {"start": "2014-03", "end": "2014-03"})

    shown = {record.child.child_id: record.met for record, _ in response.context["rows"]}
    assert shown == {"C-GIVEN": True, "C-MISSING": False}
    page = response.content.decode()
    assert f"The figure is counted {COVERAGE}" in page
    assert "2 records whose source does not hold the consent decision are left out" in page


def test_the_drill_down_lists_not_met_first_with_met_beside_the_child_id(client, manager, half_known):
    """C-GIVEN started first and is met; C-MISSING, started a day later and not met, is listed first."""
    from django.urls import reverse

    client.force_login(manager)
    url = reverse("metrics-drilldown", args=["consent_recorded"])
    response = client.get(url, {"start": "2014-03", "end": "2014-03"})

    assert [record.child.child_id for record, _ in response.context["rows"]] == ["C-MISSING", "C-GIVEN"]
    page = response.content.decode()
    row = page[page.index(">C-MISSING</a>") :]
    assert (
        row.split("</td>", 2)[1].strip().endswith('<strong class="govuk-tag govuk-tag--red">Not met</strong>')
    )


def test_the_api_gives_each_snapshot_its_coverage(client, manager, half_known):
    from django.urls import reverse

    client.force_login(manager)
    query = {"metric": "consent_recorded", "period_from": "2014-03-01", "period_to": "2014-03-01"}
    body = client.get(reverse("api-metric-snapshot-list"), query).json()

    (row,) = body["results"] if isinstance(body, dict) else body
    assert (row["denominator"], row["unknown_count"], row["records_in_period"]) == (2, 2, 4)
    assert row["coverage"] == COVERAGE
    definition = client.get(reverse("api-metric-detail", args=["consent_recorded"])).json()
    assert definition["needs_fields"] == ["consent", "consent_manager_decision", "consent_not_sought_reason"]
    assert "whose record holds the consent decision" in definition["covers"]


def test_the_panel_report_says_what_each_measure_covers(half_known):
    from django.template.loader import render_to_string

    from reporting.content import measures_content

    content = measures_content(["consent_recorded"], D(2014, 3, 1), D(2014, 3, 31), today=D(2014, 6, 16))

    (measure,) = content["percent"]
    assert measure["months"][0]["coverage"] == COVERAGE
    assert measure["total_coverage"] == COVERAGE
    page = render_to_string(
        "reporting/reports/measures.html", {"c": {"measures": content}, "charts": {}, "number": 5}
    )
    assert f"Over the period: 50% (1 of 2), {COVERAGE}" in page
    assert "left out, not counted as not met" in page


def test_a_month_with_records_but_none_known_is_not_known_rather_than_no_cases(client, manager, recompute):
    from django.urls import reverse

    S47EnquiryFactory.create(start_date=D(2014, 3, 3), unknown_fields=ANNEX_A)
    recompute()
    client.force_login(manager)
    query = {"start": "03/2014", "end": "03/2014"}
    page = client.get(reverse("metrics-dashboard"), query).content.decode()
    assert "Not known" in page
    assert "From 0 of 1 S47 enquiries started whose record holds the consent decision" in page  # the tile
    measure = client.get(reverse("metrics-measure", args=["consent_recorded"]), query).content.decode()
    assert "from 0 of 1 S47 enquiries started whose record holds the consent decision" in measure


def test_the_panel_reports_workbook_has_each_months_coverage(half_known):
    import io

    import openpyxl

    from demo.sample_report import synthetic_content
    from reporting.content import measures_content
    from reporting.xlsx import report_xlsx

    content = synthetic_content(questions=2, audits=1, plans=1)
    content["measures"] = measures_content(
        ["consent_recorded"], D(2014, 3, 1), D(2014, 3, 31), today=D(2014, 6, 16)
    )

    sheet = openpyxl.load_workbook(io.BytesIO(report_xlsx(content)))["Measures"]

    rows = list(sheet.values)
    assert rows[0][-1] == "Covers"
    assert rows[1][-1] == COVERAGE
