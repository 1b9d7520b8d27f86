"""The case list's rows (`{% s47_rows %}`, cases/templatetags/case_rows.py): each cell in each state it can
show, as the user reads it (text, and the colour of the tag)."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from cases.models import S47Enquiry
from cases.templatetags.case_rows import s47_rows
from tests.factories import ChildFactory, S47EnquiryFactory, TeamFactory

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = D(2014, 4, 1)  # after the 24 March target of an enquiry started on 3 March 2014


class Cells(HTMLParser):
    """Each row's cells as (text, tag colours, link)."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, list[str], str | None]]] = []
        self._cell: list | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "tr":
            self.rows.append([])
        elif tag == "td":
            self._cell = ["", [], None]
        elif self._cell is not None and tag == "strong":
            self._cell[1].append(attributes["class"].removeprefix("govuk-tag govuk-tag--"))
        elif self._cell is not None and tag == "a":
            self._cell[2] = attributes["href"]

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.rows[-1].append((" ".join(self._cell[0].split()), self._cell[1], self._cell[2]))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[0] += data


def _row(enquiry: S47Enquiry, today: datetime.date = TODAY) -> list[tuple[str, list[str], str | None]]:
    enquiry = S47Enquiry.objects.select_related("child", "team", "worker").get(pk=enquiry.pk)
    parser = Cells()
    parser.feed(str(s47_rows([enquiry], today)))
    (row,) = parser.rows
    assert len(row) == 9
    return row


def test_a_closed_enquiry_shows_its_dates_team_outcome_and_each_standard():
    child = ChildFactory.create(child_id="C<1>")
    enquiry = S47EnquiryFactory.create(
        child=child,
        team=TeamFactory.create(name="North & East"),
        end_date=D(2014, 3, 20),
        outcome=S47Enquiry.Outcome.ICPC,
        consent=S47Enquiry.Consent.GIVEN,
        chronology_on_file=True,
        management_oversight_date=D(2014, 3, 5),
    )
    assert _row(enquiry) == [
        ("C<1>", [], reverse("cases-child-detail", args=[child.uuid])),
        ("03/03/2014", [], None),
        ("20/03/2014", [], None),
        ("North & East", [], None),
        ("Initial child protection conference", [], None),
        ("Met", ["green"], None),
        ("Met", ["green"], None),
        ("Met", ["green"], None),
        ("Met", ["green"], None),
    ]


def test_a_late_enquiry_with_no_consent_chronology_or_oversight_recorded_misses_each():
    enquiry = S47EnquiryFactory.create(end_date=D(2014, 4, 30), chronology_on_file=False)
    row = _row(enquiry)
    assert row[3] == ("", [], None) and row[4] == ("Not recorded", [], None)
    assert row[5:] == [("Not met", ["red"], None)] * 4


def test_an_open_enquiry_is_overdue_after_its_target_and_due_before_it():
    enquiry = S47EnquiryFactory.create()
    assert _row(enquiry)[2] == ("Open", [], None)
    assert _row(enquiry)[5] == ("Open, overdue", ["red"], None)
    assert _row(enquiry, today=D(2014, 3, 10))[5] == ("Open, due 24/03/2014", ["grey"], None)
    # chronology not yet known on an open enquiry whose source holds it
    assert _row(enquiry)[7] == ("Not recorded", ["grey"], None)


def test_retrospective_consent_carries_a_second_tag():
    enquiry = S47EnquiryFactory.create(
        consent=S47Enquiry.Consent.GIVEN, consent_date=D(2014, 3, 6), information_shared_date=D(2014, 3, 4)
    )
    assert _row(enquiry)[6] == ("Met Retrospective", ["green", "orange"], None)


def test_what_its_source_did_not_hold_is_unknown_not_missed():
    held = {"icpc_date"}  # an Annex A List 5 row: no end date, consent, chronology or oversight
    enquiry = S47EnquiryFactory.create(unknown_fields=S47Enquiry.unknown_without(held))
    unknown = ("Unknown (not in its source)", ["grey"], None)
    assert _row(enquiry)[5:] == [unknown] * 4


def test_the_list_page_draws_a_row_for_each_enquiry_of_the_page(client, manager):
    S47EnquiryFactory.create_batch(3)
    client.force_login(manager)
    parser = Cells()
    parser.feed(client.get(reverse("cases-s47-list")).content.decode())
    assert len([row for row in parser.rows if row]) == 3
