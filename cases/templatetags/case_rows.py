"""`{% s47_rows enquiries today %}`: the case list's table rows, drawn in Python.

Fifty rows of nine cells were the largest part of the case list's cost when drawn by the template engine
(docs/operations.md, "Capacity"); here each row is one `format_html` of cells that each escape what they
show, as the template did. The cells say what the template said: tests/cases/test_views.py checks each
standard's states, and the browser tests check the table as a user reads it."""

import datetime
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from cases.models import S47Enquiry
from common.templatetags.standard_tags import standard_tag

register = template.Library()

UNKNOWN = "Unknown (not in its source)"
_GREY = '<strong class="govuk-tag govuk-tag--grey">{}</strong>'


def _day(day: datetime.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def _within_target(enquiry: S47Enquiry, today: datetime.date) -> SafeString:
    if enquiry.end_date:
        return standard_tag(enquiry.completed_within_target)
    if not enquiry.holds("end_date"):
        return format_html(_GREY, UNKNOWN)
    if today > enquiry.target_date:
        return format_html('<strong class="govuk-tag govuk-tag--red">{}</strong>', "Open, overdue")
    return format_html(_GREY, f"Open, due {_day(enquiry.target_date)}")


def _consent(enquiry: S47Enquiry) -> SafeString:
    tag = standard_tag(enquiry.consent_recorded, none_label=UNKNOWN)
    if enquiry.consent_retrospective:
        return format_html('{} <strong class="govuk-tag govuk-tag--orange">Retrospective</strong>', tag)
    return tag


def _chronology(enquiry: S47Enquiry) -> SafeString:
    if enquiry.holds("chronology_on_file"):
        return standard_tag(enquiry.chronology_on_file, none_label="Not recorded")
    return format_html(_GREY, UNKNOWN)


ROW = (
    '<tr class="govuk-table__row">'
    '<td class="govuk-table__cell"><a class="govuk-link" href="{}">{}</a></td>'
    + '<td class="govuk-table__cell">{}</td>' * 8
    + "</tr>\n"
)


@register.simple_tag
def s47_rows(enquiries: Iterable[S47Enquiry], today: datetime.date) -> SafeString:
    """One row per enquiry (its child, team and worker selected with it)."""
    return format_html_join(
        "",
        ROW,
        (
            (
                reverse("cases-child-detail", args=[enquiry.child.uuid]),
                enquiry.child.child_id,
                _day(enquiry.start_date),
                _day(enquiry.end_date) or "Open",
                str(enquiry.team) if enquiry.team else "",
                enquiry.get_outcome_display() or "Not recorded",
                _within_target(enquiry, today),
                _consent(enquiry),
                _chronology(enquiry),
                standard_tag(enquiry.management_oversight_recorded, none_label=UNKNOWN),
            )
            for enquiry in enquiries
        ),
    )
