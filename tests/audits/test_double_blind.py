"""Blind double scoring, walked over every URL: until both scorings of a case are submitted, neither of its
auditors sees the other's answers, evidence, notes, grade note or findings, on any page, fragment, export or
API endpoint (audits.access.blind_hidden_from).

Each URL pattern in the resolver (the same walk as tests/test_url_permissions.py) is requested with this
world's objects as its arguments (either scoring's case audit, the audit, the question, the child), and
every API endpoint also as a list. Markers are written into each scoring where a leak would show them: the
evidence notes and the override reason of an answer, a free-text finding (shown on the results page as a
strength), the grade note. The auditor who could see most is given the Manager and Moderator roles too, so
the results page, the moderation list, the exports and the API all answer them: only the blind keeps the
other scoring out. The walk is run once more after both have submitted, and then it must find the markers,
which proves they are placed where a leak would be caught.
"""

import io
import re
import zipfile

import pytest
from django.test import Client
from django.urls import reverse

from audits.models import CaseAudit
from common import roles
from tests.audits.double_world import answer, double_audit
from tests.factories import CaseAuditFactory, ChildFactory, S47EnquiryFactory, UserFactory
from tests.test_url_permissions import DUMMY, DUMMY_BY_CONVERTER, PATTERNS, _argument_names

pytestmark = pytest.mark.django_db

MARKS = {
    1: ("FIRSTEVIDENCE7F3A", "FIRSTREASON7F3A", "FIRSTSTRENGTH7F3A", "FIRSTGRADENOTE7F3A"),
    2: ("SECONDEVIDENCE9B1C", "SECONDREASON9B1C", "SECONDSTRENGTH9B1C", "SECONDGRADENOTE9B1C"),
}


@pytest.fixture(params=["second sees most", "first sees most"])
def world(request):
    """One double-scored case. The auditor who "sees most" also holds the Manager and Moderator roles."""
    audit = double_audit()
    plain = UserFactory.create(username="plain-pat", roles=[roles.AUDITOR])
    broad = UserFactory.create(username="broad-bea", roles=[roles.AUDITOR, roles.MANAGER, roles.MODERATOR])
    auditors = (plain, broad) if request.param == "second sees most" else (broad, plain)
    child = ChildFactory.create(child_id="C-BLIND")
    record = S47EnquiryFactory.create(child=child)
    scorings = {}
    for scoring, auditor in enumerate(auditors, start=1):
        evidence, reason, strength, note = MARKS[scoring]
        case_audit = CaseAuditFactory.create(
            audit=audit,
            child=child,
            record_id=record.pk,
            record_date=record.start_date,
            scoring=scoring,
            auditor=auditor,
            status=CaseAudit.Status.IN_PROGRESS,
            grade="good" if scoring == 1 else "inadequate",
            grade_note=note,
        )
        d1 = answer(case_audit, "D1", "yes" if scoring == 1 else "no", evidence=evidence)
        d1.override_reason = reason
        d1.save()
        answer(case_audit, "F1", text=strength)
        scorings[scoring] = case_audit
    return audit, auditors, scorings, child


def _arguments(audit, scorings, child, question_pk) -> dict[str, list]:
    case_audits = [scorings[1].uuid, scorings[2].uuid]
    return {
        "audit_uuid": [audit.uuid],
        "case_audit_uuid": case_audits,
        "question_id": [question_pk],
        "child_uuid": [child.uuid],
        "version_uuid": [audit.tool_version.uuid],
        "uuid": [audit.uuid, *case_audits, child.uuid],
        "format": ["json"],
    }


def _urls(arguments: dict[str, list]) -> list[tuple[str, str]]:
    """(URL name, URL) for every pattern with each combination of this world's objects as arguments."""
    urls = []
    for _route, pattern in PATTERNS:
        converters = getattr(pattern.pattern, "converters", {})
        choices: list[dict] = [{}]
        for name in _argument_names(pattern):
            converter = type(converters.get(name)).__name__.replace("Converter", "").lower()
            values = arguments.get(name) or [DUMMY_BY_CONVERTER.get(converter, DUMMY)]
            choices = [{**chosen, name: value} for chosen in choices for value in values]
        urls += [(pattern.name or "", reverse(pattern.name, kwargs=kwargs)) for kwargs in choices]
    return urls


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content.startswith(b"PK"):  # an XLSX workbook: read every part of it
        with zipfile.ZipFile(io.BytesIO(content)) as workbook:
            return "".join(workbook.read(name).decode("utf-8", "replace") for name in workbook.namelist())
    return content.decode("utf-8", "replace")


def _seen(
    client: Client, urls: list[tuple[str, str]], marks: tuple[str, ...], hidden_uuid: str, audit
) -> dict:
    """Where any of `marks` (or the hidden case audit's reference, on a page that answered) shows up."""
    found: dict[str, list[str]] = {}
    extra = [
        reverse("api-case-audit-list"),
        reverse("api-case-audit-list") + f"?audit={audit.uuid}",
        reverse("api-audit-results", kwargs={"uuid": audit.uuid}),
    ]
    for name, url in [*urls, *(("api list", u) for u in extra)]:
        response = client.get(url)
        if response.status_code == 405:
            if hidden_uuid not in url:
                continue  # a POST to one's own scoring could submit it; the other's must answer 404
            response = client.post(url)
        body = _body(response)
        shown = [mark for mark in marks if mark in body]
        if response.status_code < 300 and hidden_uuid in body:
            shown.append("its case audit reference")
        if shown:
            found[f"{name} {url} ({response.status_code})"] = shown
    return found


def test_neither_auditor_sees_the_others_scoring_anywhere_until_both_have_submitted(client, world):
    audit, auditors, scorings, child = world
    d1 = scorings[1].answers.get(question__code="D1").question_id
    urls = _urls(_arguments(audit, scorings, child, d1))
    assert len(urls) > 100  # the whole resolver, not a handful of pages
    for viewer, other in ((1, 2), (2, 1)):
        client.force_login(auditors[viewer - 1])
        leaks = _seen(client, urls, MARKS[other], str(scorings[other].uuid), audit)
        assert not leaks, f"scoring {viewer}'s auditor sees scoring {other}: {leaks}"
        # The API results (and the results page) count nothing of the pair for the auditor who may see them.
        if roles.has_role(auditors[viewer - 1], roles.MANAGER):
            results = client.get(reverse("api-audit-results", kwargs={"uuid": audit.uuid})).json()
            assert results["case_count"] == 0

    # The first submits: still blind, both ways.
    CaseAudit.objects.filter(pk=scorings[1].pk).update(status=CaseAudit.Status.SUBMITTED)
    for viewer, other in ((1, 2), (2, 1)):
        client.force_login(auditors[viewer - 1])
        assert not _seen(client, urls, MARKS[other], str(scorings[other].uuid), audit)
    assert (
        CaseAudit.objects.get(pk=scorings[2].pk).status == CaseAudit.Status.IN_PROGRESS
    )  # the walk changed nothing


def test_once_both_have_submitted_the_walk_finds_the_other_scoring(client, world):
    """The control: the same walk, with the blind lifted, finds the markers where the broad auditor may look
    (the moderation pages, the results page's strengths, the workbook, the API)."""
    audit, auditors, scorings, child = world
    CaseAudit.objects.filter(pk__in=[s.pk for s in scorings.values()]).update(
        status=CaseAudit.Status.SUBMITTED
    )
    d1 = scorings[1].answers.get(question__code="D1").question_id
    urls = _urls(_arguments(audit, scorings, child, d1))
    broad = 2 if roles.has_role(auditors[1], roles.MANAGER) else 1
    other = 3 - broad
    client.force_login(auditors[broad - 1])
    found = _seen(client, urls, MARKS[other], str(scorings[other].uuid), audit)
    where = " ".join(found)
    for name in ("audits-moderate ", "audits-answers-export ", "api-case-audit-detail ", "api list "):
        assert name in where, f"{name.strip()} should show the other scoring once both are submitted: {found}"
    all_marks = {mark for marks in found.values() for mark in marks}
    evidence, _reason, strength, note = MARKS[
        other
    ]  # the override reason shows only beside a record's answer
    assert {evidence, strength, note} <= all_marks
    # A plain auditor still sees only their own scoring: their role, not the blind, keeps the rest from them.
    client.force_login(auditors[other - 1])
    assert not _seen(client, urls, MARKS[broad], str(scorings[broad].uuid), audit)


def test_the_blind_returns_when_a_scoring_is_returned_to_its_auditor(client, world):
    audit, auditors, scorings, _child = world
    CaseAudit.objects.filter(pk=scorings[1].pk).update(status=CaseAudit.Status.SUBMITTED)
    CaseAudit.objects.filter(pk=scorings[2].pk).update(status=CaseAudit.Status.RETURNED)
    for viewer, other in ((1, 2), (2, 1)):
        client.force_login(auditors[viewer - 1])
        response = client.get(reverse("api-case-audit-detail", kwargs={"uuid": scorings[other].uuid}))
        assert response.status_code == 404
        body = client.get(reverse("api-case-audit-list")).content.decode()
        assert not re.search("|".join(MARKS[other]), body)
