"""The permission matrix: every URL of the project, for an anonymous visitor, each role and a user with no
role, against the table below. One source of truth for who may open what.

Each URL pattern in the resolver (pages, htmx endpoints, exports, the API and its schema) is requested
once per persona against a small fixture world (tests/security/world.py), and the answer is compared
with the row of the table for the URL's name:

    Y  allowed: the view ran (2xx, a redirect that is not to the sign-in page, or 400/409 for an empty
       form). Where the URL names an object the world does not hold (a dummy id or token), a 404 also
       counts: it proves the request got past the role check to the object guard.
    H  hidden: past the role check, but the object-level guard answers 404 for the world's object (an
       auditor opening a case audit assigned to someone else), so its existence is not disclosed.
    N  forbidden: 403 by the role check.
    F  refused by the object rule: past the role check, but the object-level guard answers 403 for the
       world's object (a moderator may read an action, but only its owner, the plan's lead or a QA lead
       may post an update on it).
    L  sign in first: a page redirects to the sign-in page (with ?next=); the API answers 401 or 403.

GET is tried first; a view that answers 405 is requested with an empty POST instead.

Every look at a child is logged: whatever the persona and the outcome, a response that shows a child ID of
the world (a page, a fragment, an export, an API answer) must have written an access-log entry naming
that child, for that user, in the same request. The Django admin's pages are walked the same way below.

A URL name in the resolver without a row fails `test_every_url_has_a_row` (the message lists the names
and suggests rows); a row whose URL is gone fails too. Where a view states `allowed_roles` (pages via
`common.decorators.role_required`, API views via `allowed_roles` and `common.api.HasRole`) the table must
agree with it, so the decorator and the table cannot drift apart.

Left out: the Django admin (`admin/`), which has its own staff check (tested below), and static files.

To add a URL: copy a row with the same roles, change the name. Columns follow `common.roles.ALL_ROLES`.
A URL argument the world has no object for gets a dummy value (so `Y` also accepts the 404); to exercise
the real page and its object rules, add the object to tests/security/world.py and its argument name to
ARGUMENTS (or ARGUMENTS_BY_URL), then mark with `H` the personas the object guard hides it from.
"""

import datetime
import re
import uuid
from collections.abc import Callable

import pytest
import time_machine
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.models import User
from django.db import transaction
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from simple_history.admin import SimpleHistoryAdmin
from simple_history.utils import get_history_manager_for_model

from audits.models import Audit
from cases.admin import CaseRecordAdmin
from cases.models import Child, CPPlan, LookedAfterEpisode, Referral, S47Enquiry, StrategyDiscussion
from common import roles
from common.models import AccessLogChild, AccessLogEntry
from metrics import measures
from tests.factories import UserFactory
from tests.security.world import ANONYMOUS, NO_ROLE, PERSONAS, World, build_world

COLUMNS = "anon Aud Mod Man Rep Adm Par Pan Pra none"
# The abbreviations above, in order: anonymous, common.roles.ALL_ROLES, a signed-in user with no role.
COLUMN_PERSONAS = dict(zip(COLUMNS.split(), PERSONAS, strict=True))

# fmt: off
MATRIX = {
    # name                                     anon Aud Mod Man Rep Adm Par Pan Pra none
    "home":                                   "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "login":                                  "Y    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "logout":                                 "Y    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    # Account pages: any signed-in user (two-factor set-up and codes, password change).
    "accounts-two-factor":                    "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "accounts-two-factor-setup":              "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "accounts-two-factor-enrol":              "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "accounts-two-factor-manage":             "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "accounts-password-change":               "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    # Case records: auditors only their assigned children (the world's child A is assigned to them).
    "cases-s47-list":                         "L    Y   Y   Y   N   Y   N   N   N   N",
    "cases-child-list":                       "L    Y   Y   Y   N   Y   N   N   N   N",
    "cases-child-detail":                     "L    Y   Y   Y   N   Y   N   N   N   N",
    "cases-import":                           "L    N   N   Y   N   Y   N   N   N   N",
    "cases-import-preview":                   "L    N   N   Y   N   Y   N   N   N   N",
    "cases-import-confirm":                   "L    N   N   Y   N   Y   N   N   N   N",
    "cases-import-encoding":                  "L    N   N   Y   N   Y   N   N   N   N",
    # Audits: the lead's pages.
    "audits-list":                            "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "audits-create":                          "L    N   N   Y   N   Y   N   N   N   N",
    "audits-programme-list":                  "L    N   Y   Y   Y   Y   N   N   N   N",
    "audits-programme-detail":                "L    N   Y   Y   Y   Y   N   N   N   N",
    "audits-theme-list":                      "L    N   N   Y   N   Y   N   N   N   N",
    "audits-theme-edit":                      "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-list":                       "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "audits-tool-version":                    "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "audits-tool-edit":                       "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-preview":                    "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "audits-tool-scoring":                    "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-question-add":               "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-question":                   "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-question-remove":            "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-section-add":                "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-section":                    "L    N   N   Y   N   Y   N   N   N   N",
    "audits-tool-section-remove":             "L    N   N   Y   N   Y   N   N   N   N",
    "audits-detail":                          "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "audits-status":                          "L    N   N   Y   N   Y   N   N   N   N",
    "audits-sample":                          "L    N   N   Y   N   Y   N   N   N   N",
    "audits-sample-confirm":                  "L    N   N   Y   N   Y   N   N   N   N",
    "audits-assign":                          "L    N   N   Y   N   Y   N   N   N   N",
    # Scoring (the world's case audit is the auditor persona's; the police auditor's is another).
    "audits-mine":                            "L    Y   N   N   N   N   Y   N   N   N",
    "audits-score":                           "L    Y   Y   Y   N   Y   H   N   N   N",
    "audits-answer":                          "L    Y   N   N   N   N   H   N   N   N",
    "audits-grade":                           "L    Y   N   N   N   N   H   N   N   N",
    "audits-submit":                          "L    Y   N   N   N   N   H   N   N   N",
    # Moderation.
    "audits-moderation":                      "L    N   Y   N   N   Y   N   N   N   N",
    "audits-moderate":                        "L    N   Y   N   N   Y   N   N   N   N",
    "audits-moderate-answer":                 "L    N   Y   N   N   Y   N   N   N   N",
    "audits-moderate-theme":                  "L    N   Y   N   N   Y   N   N   N   N",
    "audits-moderate-grade":                  "L    N   Y   N   N   Y   N   N   N   N",
    "audits-return":                          "L    N   Y   N   N   Y   N   N   N   N",
    "audits-moderated":                       "L    N   Y   N   N   Y   N   N   N   N",
    "audits-lock":                            "L    N   Y   N   N   Y   N   N   N   N",
    # Feedback to practitioners: a practitioner sees only the feedback on their own cases (the world's is
    # the practitioner persona's); only the allocated worker responds; QA leads see the response rates.
    "audits-feedback-mine":                   "L    N   N   N   N   N   N   N   Y   N",
    "audits-feedback-overview":               "L    N   N   Y   N   Y   N   N   N   N",
    "audits-feedback":                        "L    N   Y   Y   N   Y   N   N   Y   N",
    "audits-feedback-respond":                "L    N   N   N   N   N   N   N   Y   N",
    # Double scoring: the pairs and the drift page for the roles that see every case audit (never auditors);
    # reconciling for moderators (a dummy case audit: the world holds no double-scored case).
    "audits-pairs":                           "L    N   Y   Y   N   Y   N   N   N   N",
    "audits-reconcile":                       "L    N   Y   N   N   Y   N   N   N   N",
    "audits-drift":                           "L    N   Y   Y   N   Y   N   N   N   N",
    # Results, re-audits and the answers workbook (export: each auditor gets only their own case audits).
    "audits-theme-trend":                     "L    N   Y   Y   Y   Y   N   N   N   N",
    "audits-results":                         "L    N   Y   Y   Y   Y   N   N   N   N",
    "audits-compare":                         "L    N   Y   Y   Y   Y   N   N   N   N",
    "audits-reaudit":                         "L    N   N   Y   N   Y   N   N   N   N",
    "audits-answers-export":                  "L    Y   Y   Y   N   Y   Y   N   N   N",
    "audits-answers-import":                  "L    Y   Y   Y   N   Y   Y   N   N   N",
    # Dashboard, drill-downs (case records: auditors see only their assigned children's rows) and exports.
    "metrics-dashboard":                      "L    N   Y   Y   Y   Y   N   N   N   N",
    "metrics-measure":                        "L    N   Y   Y   Y   Y   N   N   N   N",
    "metrics-recalculate":                    "L    N   Y   Y   Y   Y   N   N   N   N",
    "metrics-run":                            "L    N   Y   Y   Y   Y   N   N   N   N",
    "metrics-region":                         "L    N   Y   Y   Y   Y   N   N   N   N",
    "metrics-benchmark-export":               "L    N   N   Y   N   Y   N   N   N   N",
    "metrics-benchmark-import":               "L    N   N   Y   N   Y   N   N   N   N",
    "metrics-targets":                        "L    N   N   N   N   Y   N   N   N   N",
    "metrics-target-edit":                    "L    N   N   N   N   Y   N   N   N   N",
    "metrics-drilldown":                      "L    Y   Y   Y   N   Y   N   N   N   N",
    "metrics-audit-drilldown":                "L    Y   Y   Y   N   Y   N   N   N   N",
    # Action plans (the world's action is owned by another auditor: hidden from the auditor and partner
    # agency auditor personas, who would see only plans they lead or actions they own).
    "actions-mine":                           "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "actions-overdue":                        "L    N   Y   Y   Y   Y   N   N   N   N",
    "actions-plan-list":                      "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "actions-plan-create":                    "L    N   N   Y   N   Y   N   N   N   N",
    "actions-plan-detail":                    "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-plan-edit":                      "L    N   N   Y   N   Y   N   N   N   N",
    "actions-plan-history":                   "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-plan-xlsx":                      "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-plan-csv":                       "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-plan-panel-csv":                 "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-issue-create":                   "L    N   N   Y   N   Y   N   N   N   N",
    "actions-issue-edit":                     "L    N   N   Y   N   Y   N   N   N   N",
    "actions-action-create":                  "L    N   N   Y   N   Y   N   N   N   N",
    "actions-action-detail":                  "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-action-edit":                    "L    N   N   Y   N   Y   N   N   N   N",
    "actions-action-update":                  "L    H   F   Y   F   Y   H   N   N   N",
    "actions-action-start":                   "L    H   F   Y   F   Y   H   N   N   N",
    "actions-action-sign-off":                "L    N   N   Y   N   Y   N   N   N   N",
    "actions-action-refuse":                  "L    N   N   Y   N   Y   N   N   N   N",
    "actions-action-cancel":                  "L    N   N   Y   N   Y   N   N   N   N",
    "actions-action-history":                 "L    H   Y   Y   Y   Y   H   N   N   N",
    "actions-evidence-download":              "L    Y   Y   Y   Y   Y   Y   N   N   N",
    # Panel reports: report officers and administrators build, managers read drafts too, panel members
    # read issued versions only (object rules in tests/reporting/test_panel_report_views.py).
    "reporting-reports":                      "L    N   N   Y   Y   Y   N   Y   N   N",
    "reporting-report-new":                   "L    N   N   N   Y   Y   N   N   N   N",
    "reporting-report":                       "L    N   N   Y   Y   Y   N   Y   N   N",
    "reporting-report-edit":                  "L    N   N   N   Y   Y   N   N   N   N",
    "reporting-report-selections":            "L    N   N   N   Y   Y   N   N   N   N",
    "reporting-report-section":               "L    N   N   N   Y   Y   N   N   N   N",
    "reporting-report-preview":               "L    N   N   Y   Y   Y   N   N   N   N",
    "reporting-report-generate":              "L    N   N   N   Y   Y   N   N   N   N",
    "reporting-version":                      "L    N   N   Y   Y   Y   N   Y   N   N",
    "reporting-version-pdf":                  "L    N   N   Y   Y   Y   N   Y   N   N",
    "reporting-version-xlsx":                 "L    N   N   Y   Y   Y   N   Y   N   N",
    "reporting-version-issue":                "L    N   N   N   Y   Y   N   N   N   N",
    # The access log.
    "common-access-log":                      "L    N   N   N   N   Y   N   N   N   N",
    # API (read only). Anonymous: DRF answers 403 (session authentication first).
    "api-root":                               "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "api-schema":                             "L    Y   Y   Y   Y   Y   Y   Y   Y   Y",
    "api-child-list":                         "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-child-detail":                       "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-referral-list":                      "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-referral-detail":                    "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-strategy-discussion-list":           "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-strategy-discussion-detail":         "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-s47-enquiry-list":                   "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-s47-enquiry-detail":                 "L    Y   Y   Y   N   Y   N   N   N   N",
    "api-audit-list":                         "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "api-audit-detail":                       "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "api-audit-results":                      "L    N   Y   Y   Y   Y   N   N   N   N",
    "api-case-audit-list":                    "L    Y   Y   Y   N   Y   Y   N   N   N",
    "api-case-audit-detail":                  "L    Y   Y   Y   N   Y   H   N   N   N",
    "api-metric-list":                        "L    N   Y   Y   Y   Y   N   N   N   N",
    "api-metric-detail":                      "L    N   Y   Y   Y   Y   N   N   N   N",
    "api-action-plan-list":                   "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "api-action-plan-detail":                 "L    H   Y   Y   Y   Y   H   N   N   N",
    "api-action-plan-panel-table":            "L    H   Y   Y   Y   Y   H   N   N   N",
    "api-plan-issue-list":                    "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "api-plan-issue-detail":                  "L    H   Y   Y   Y   Y   H   N   N   N",
    "api-action-list":                        "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "api-action-detail":                      "L    H   Y   Y   Y   Y   H   N   N   N",
    "api-progress-update-list":               "L    Y   Y   Y   Y   Y   Y   N   N   N",
    "api-progress-update-detail":             "L    H   Y   Y   Y   Y   H   N   N   N",
    "api-metric-snapshot-list":               "L    N   Y   Y   Y   Y   N   N   N   N",
    "api-metric-snapshot-detail":             "L    N   Y   Y   Y   Y   N   N   N   N",
}
# fmt: on

# Not walked: the Django admin checks is_staff itself (test below); static files are not views.
SKIPPED_PREFIXES = ("admin/", "static/")

# The world's object for each URL argument (by argument name; a few URL names need another object).
ARGUMENTS: dict[str, Callable[[World], object]] = {
    "child_uuid": lambda w: w.child_a.uuid,
    "case_audit_uuid": lambda w: w.case_audit_a.uuid,
    "audit_uuid": lambda w: w.audit.uuid,
    "programme_uuid": lambda w: w.programme.uuid,
    "version_uuid": lambda w: w.audit.tool_version.uuid,
    "run_uuid": lambda w: w.run.uuid,
    "plan_uuid": lambda w: w.plan.uuid,
    "issue_uuid": lambda w: w.issue.uuid,
    "action_uuid": lambda w: w.action.uuid,
    "feedback_uuid": lambda w: w.feedback.uuid,
    "question_id": lambda w: w.question.pk,
    "metric_key": lambda w: measures.METRICS[0].key,
    "key": lambda w: measures.METRICS[0].key,
    "format": lambda w: "json",
}


def _no_object(world: World) -> None:
    """The world holds no such object: the URL gets a dummy value (report versions are named
    `version_uuid` like tool versions; their object rules are tested in tests/reporting/)."""
    return None


ARGUMENTS_BY_URL: dict[str, dict[str, Callable[[World], object]]] = {
    "reporting-version": {"version_uuid": _no_object},
    "reporting-version-pdf": {"version_uuid": _no_object},
    "reporting-version-xlsx": {"version_uuid": _no_object},
    "reporting-version-issue": {"version_uuid": _no_object},
    "audits-compare": {"audit_uuid": lambda w: w.reaudit.uuid},
    # The world holds no double-scored case (tests/audits/test_double_views.py opens a real pair).
    "audits-reconcile": {"case_audit_uuid": _no_object},
    "api-child-detail": {"uuid": lambda w: w.child_a.uuid},
    "api-referral-detail": {"uuid": lambda w: w.referral_a.uuid},
    "api-strategy-discussion-detail": {"uuid": lambda w: w.discussion_a.uuid},
    "api-s47-enquiry-detail": {"uuid": lambda w: w.s47_a.uuid},
    "api-audit-detail": {"uuid": lambda w: w.audit.uuid},
    "api-audit-results": {"uuid": lambda w: w.audit.uuid},
    "api-case-audit-detail": {"uuid": lambda w: w.case_audit_a.uuid},
    "api-metric-snapshot-detail": {"pk": lambda w: w.snapshot.pk},
    "api-action-plan-detail": {"uuid": lambda w: w.plan.uuid},
    "api-action-plan-panel-table": {"uuid": lambda w: w.plan.uuid},
    "api-plan-issue-detail": {"uuid": lambda w: w.issue.uuid},
    "api-action-detail": {"uuid": lambda w: w.action.uuid},
    "api-progress-update-detail": {"pk": lambda w: w.update.pk},
}
# Any other argument gets a value no object has: an allowed role then gets past the role check to a 404.
DUMMY_BY_CONVERTER = {"uuid": uuid.UUID("00000000-0000-4000-8000-000000000000"), "int": 999999}
DUMMY = "no-such-thing"


def _walk(patterns, prefix=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def _patterns() -> list[tuple[str, URLPattern]]:
    return [
        (route, p)
        for route, p in _walk(get_resolver().url_patterns)
        if not route.startswith(SKIPPED_PREFIXES)
    ]


def _tested_patterns() -> list[tuple[str, URLPattern]]:
    """Each pattern, less the format-suffix variants (`.json`) of API routes: same name, same view."""
    tested, seen = [], set()
    for route, pattern in _patterns():
        if (pattern.name, pattern.callback) not in seen:
            seen.add((pattern.name, pattern.callback))
            tested.append((route, pattern))
    return tested


PATTERNS = _tested_patterns()


def _expected(name: str) -> dict[str, str]:
    cells = MATRIX[name].split()
    assert len(cells) == len(PERSONAS), f"the row of {name} needs {len(PERSONAS)} cells: {COLUMNS}"
    assert set(cells) <= set("YHFNL"), f"the row of {name} may use only Y, H, F, N and L"
    return dict(zip(PERSONAS, cells, strict=True))


def _argument_names(pattern: URLPattern) -> list[str]:
    converters = getattr(pattern.pattern, "converters", {})
    names = list(converters) or list(pattern.pattern.regex.groupindex)
    return names


def _url(pattern: URLPattern, world: World) -> tuple[str, bool]:
    """The URL with the world's objects as arguments; True if any argument is a dummy."""
    assert pattern.name, pattern  # test_every_url_has_a_row: every pattern has a name
    chosen = ARGUMENTS | ARGUMENTS_BY_URL.get(pattern.name, {})
    converters = getattr(pattern.pattern, "converters", {})
    kwargs, dummy = {}, False
    for name in _argument_names(pattern):
        value = chosen[name](world) if name in chosen else None
        if value is not None:
            kwargs[name] = value
        else:
            converter = type(converters.get(name)).__name__.replace("Converter", "").lower()
            kwargs[name] = DUMMY_BY_CONVERTER.get(converter, DUMMY)
            dummy = True
    return reverse(pattern.name, kwargs=kwargs), dummy


def _is_api(route: str) -> bool:
    return route.startswith("api/")


def _outcome(response, *, api: bool) -> str:
    status = response.status_code
    if api and status in (401, 403) and not response.wsgi_request.user.is_authenticated:
        return "L"
    if status == 403:
        return "N"
    if status == 404:
        return "H"
    location = response.get("Location", "")
    if status == 302 and location.startswith(reverse(settings.LOGIN_URL)) and "next=" in location:
        return "L"
    if status in (401, 405) or status >= 500:
        return f"status {status}"
    return "Y"


def _request(client: Client, url: str):
    response = client.get(url)
    if response.status_code == 405:
        response = client.post(url)
    # Whatever the answer, nothing sent to a signed-in user may be stored (common/cache_control.py).
    if response.wsgi_request.user.is_authenticated:
        assert response.get("Cache-Control") == "no-store, private", (
            f"{url} as {response.wsgi_request.user}: Cache-Control {response.get('Cache-Control')!r}"
        )
    return response


# The world's child IDs (tests/security/world.py); users and titles are lower case, so no false match.
WORLD_CHILD_ID = re.compile(r"\bWORLD-[AB]\b")


def _body(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode("utf-8", errors="replace")


def _last_entry_pk() -> int:
    return AccessLogEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _children_shown_but_not_logged(response, user: User | None, since: int) -> set[str]:
    """The world's child IDs the response shows that no access-log entry of this request names."""
    shown = set(WORLD_CHILD_ID.findall(_body(response)))
    if not shown:
        return set()
    logged = AccessLogChild.objects.filter(entry__pk__gt=since, entry__user=user)
    return shown - set(logged.values_list("child_ref", flat=True))


def test_the_columns_are_anonymous_each_role_and_no_role():
    assert tuple(COLUMN_PERSONAS.values()) == (ANONYMOUS, *roles.ALL_ROLES, NO_ROLE)


def test_every_url_has_a_row():
    names = {pattern.name for _, pattern in _patterns() if pattern.name}
    unnamed = sorted(route for route, pattern in _patterns() if not pattern.name)
    missing = sorted(names - set(MATRIX))
    stale = sorted(set(MATRIX) - names)
    suggestions = "\n".join(_suggested_line(name) for name in missing)
    assert not unnamed, f"URL patterns without a name (the table is keyed by name): {unnamed}"
    assert not missing, (
        f"URL names without a row in MATRIX (tests/test_url_permissions.py): {missing}\n"
        f"Suggested from allowed_roles (check each cell; columns {COLUMNS}):\n{suggestions}"
    )
    assert not stale, f"rows in MATRIX for URL names that no longer exist: {stale}"


def _allowed_roles(pattern: URLPattern) -> tuple[str, ...] | None:
    """What the view itself states: role_required's `allowed_roles`, or an API view's (or action's)."""
    callback = pattern.callback
    initkwargs = getattr(callback, "initkwargs", {}) or {}
    if "allowed_roles" in initkwargs:
        return tuple(initkwargs["allowed_roles"])
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    found = getattr(callback, "allowed_roles", None) or getattr(view_class, "allowed_roles", None)
    return tuple(found) if found else None


def _suggested_line(name: str) -> str:
    key = f'"{name}":'
    return f'    {key:<42}"{_suggested_row(name)}",'


def _suggested_row(name: str) -> str:
    pattern = next(p for _, p in _patterns() if p.name == name)
    allowed = _allowed_roles(pattern)
    if allowed is None:
        return "?    " + "   ".join("?" * (len(PERSONAS) - 1))
    cells = ["L"] + ["Y" if role in allowed else "N" for role in roles.ALL_ROLES] + ["N"]
    return cells[0] + "    " + "   ".join(cells[1:])


@pytest.mark.parametrize(("route", "pattern"), _patterns(), ids=[route for route, _ in _patterns()])
def test_the_table_agrees_with_the_roles_each_view_states(route, pattern):
    allowed = _allowed_roles(pattern)
    if allowed is None or pattern.name not in MATRIX:
        return  # views that state nothing are checked by requests only; a missing row fails above
    expected = _expected(pattern.name)
    passes_role_check = {role for role in roles.ALL_ROLES if expected[role] in "YHF"}
    assert passes_role_check == set(allowed), (
        f"{pattern.name}: table {passes_role_check}, view {set(allowed)}"
    )
    assert expected[NO_ROLE] == "N" and expected[ANONYMOUS] == "L", pattern.name


@pytest.fixture(scope="class")
def shared_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


@pytest.mark.django_db
class TestEachPattern:
    """One world for the requests of every URL pattern, built once for the class: in a transaction rolled
    back when the class is done, inside which each test runs in its own savepoint (pytest-django's `db`), so
    whatever a request changes is undone before the next one. (Building it for each of the 150 patterns cost
    7 s.) The module's other tests build their own."""

    @pytest.mark.parametrize(("route", "pattern"), PATTERNS, ids=[route for route, _ in PATTERNS])
    def test_each_persona_gets_what_the_table_says(self, shared_world, client, route, pattern):
        if pattern.name not in MATRIX:
            pytest.fail(f"{pattern.name} has no row in MATRIX")
        world = shared_world
        url, dummy = _url(pattern, world)
        expected = _expected(pattern.name)
        wrong = []
        for persona in PERSONAS:
            user: User | None = world.users[persona]
            client.logout()
            if user is not None:
                client.force_login(user)
            since = _last_entry_pk()
            response = _request(client, url)
            got = _outcome(response, api=_is_api(route))
            if unlogged := _children_shown_but_not_logged(response, user, since):
                wrong.append(f"{persona}: shows {sorted(unlogged)} with no access-log entry naming them")
            if got == "H" and expected[persona] == "Y" and dummy:
                got = "Y"  # a dummy id: the 404 comes from the object guard, after the role check
            if got == "N" and expected[persona] == "F":
                got = "F"  # a 403 either way; which guard gave it is what the agreement test checks
            if got != expected[persona]:
                wrong.append(f"{persona}: expected {expected[persona]}, got {got}")
        assert not wrong, f"{pattern.name} ({url}):\n" + "\n".join(wrong)


@pytest.mark.django_db
def test_the_django_admin_sends_users_who_are_not_staff_to_its_sign_in(client):
    client.force_login(UserFactory.create(username="not-staff", roles=[roles.ADMINISTRATOR]))
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    client.logout()
    assert client.get("/admin/").status_code == 302


def _admin_urls(world: World) -> list[str]:
    """Every page the Django admin has for each registered model: the list, and for the model's first
    row its change, history, delete and (django-simple-history) historical version pages."""
    urls = []
    for model, model_admin in admin.site._registry.items():
        info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        urls.append(reverse(f"{info}_changelist"))
        obj = model._default_manager.order_by("pk").first()
        if obj is None:
            continue
        urls += [reverse(f"{info}_{page}", args=[obj.pk]) for page in ("change", "history", "delete")]
        if isinstance(model_admin, SimpleHistoryAdmin) and (
            version := get_history_manager_for_model(obj).first()
        ):
            urls.append(reverse(f"{info}_simple_history", args=[obj.pk, version.history_id]))
    return urls


@pytest.mark.slow
@pytest.mark.django_db
def test_every_django_admin_page_that_shows_a_child_writes_an_entry_naming_it(client):
    world = build_world()
    superuser = UserFactory.create(username="world-superuser", is_staff=True, is_superuser=True)
    client.force_login(superuser)
    unlogged, shown = {}, set()
    for url in _admin_urls(world):
        since = _last_entry_pk()
        response = client.get(url)
        assert response.status_code == 200, url
        shown |= set(WORLD_CHILD_ID.findall(_body(response)))
        if missing := _children_shown_but_not_logged(response, superuser, since):
            unlogged[url] = sorted(missing)
    assert shown == {"WORLD-A", "WORLD-B"}  # the walk reached the case records
    assert not unlogged, f"admin pages that show a child but wrote no access-log entry naming it: {unlogged}"


def _shows_a_child(model) -> bool:
    return model is Child or any(field.name == "child" for field in model._meta.fields)


def test_every_model_the_django_admin_shows_with_a_child_has_the_logged_read_only_admin():
    with_child = {model for model in admin.site._registry if _shows_a_child(model)}
    assert {Child, S47Enquiry, Referral, StrategyDiscussion, CPPlan, LookedAfterEpisode} <= with_child
    plain = sorted(m.__name__ for m in with_child if not isinstance(admin.site._registry[m], CaseRecordAdmin))
    assert not plain, f"admin classes that show a child without cases.admin.CaseRecordAdmin: {plain}"


@pytest.mark.django_db
@pytest.mark.parametrize("model", [Child, S47Enquiry, Referral, StrategyDiscussion])
def test_the_django_admin_of_case_records_is_read_only_even_for_a_superuser(client, model):
    """Case records change only through imports, which keep a history row and a reason."""
    build_world()
    client.force_login(UserFactory.create(username="world-superuser", is_staff=True, is_superuser=True))
    obj = model.objects.order_by("pk").first()
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    version = obj.history.earliest()
    before = model_to_dict(obj)

    assert client.get(reverse(f"{info}_add")).status_code == 403
    assert client.post(reverse(f"{info}_change", args=[obj.pk]), {}).status_code == 403
    reverted = client.post(reverse(f"{info}_simple_history", args=[obj.pk, version.history_id]), {})
    assert reverted.status_code == 403
    assert model_to_dict(model.objects.get(pk=obj.pk)) == before


# Need to know ends (docs/security.md): CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK days after the world's audit is
# locked, the auditor and the partner agency auditor lose what their assignment gave them. The cells that
# change, for those two columns; every other cell is as in MATRIX.
SIGHT_ENDED = {
    "cases-child-detail": {roles.AUDITOR: "H"},
    "audits-detail": {roles.AUDITOR: "H", roles.PARTNER_AUDITOR: "H"},
    "audits-score": {roles.AUDITOR: "H"},
    "audits-answer": {roles.AUDITOR: "H"},
    "audits-grade": {roles.AUDITOR: "H"},
    "audits-submit": {roles.AUDITOR: "H"},
    "audits-answers-export": {roles.AUDITOR: "H", roles.PARTNER_AUDITOR: "H"},
    "audits-answers-import": {roles.AUDITOR: "H", roles.PARTNER_AUDITOR: "H"},
    "api-child-detail": {roles.AUDITOR: "H"},
    "api-referral-detail": {roles.AUDITOR: "H"},
    "api-strategy-discussion-detail": {roles.AUDITOR: "H"},
    "api-s47-enquiry-detail": {roles.AUDITOR: "H"},
    "api-audit-detail": {roles.AUDITOR: "H", roles.PARTNER_AUDITOR: "H"},
    "api-case-audit-detail": {roles.AUDITOR: "H"},
}
ASSIGNED = (roles.AUDITOR, roles.PARTNER_AUDITOR)
LOCKED_AT = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize(
    ("after_lock", "sight_ended"),
    [(datetime.timedelta(days=30, seconds=-1), False), (datetime.timedelta(days=30), True)],
    ids=["a second before 30 days", "30 days"],
)
def test_an_assignment_gives_sight_of_the_case_until_30_days_after_the_audit_is_locked(
    client, after_lock, sight_ended
):
    """Only the two assigned roles can change (the others' cells do not depend on assignments); a
    response that still showed them the world's child after the end fails too."""
    assert settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK == 30  # the default
    world = build_world()
    Audit.objects.filter(pk=world.audit.pk).update(locked_at=LOCKED_AT, status=Audit.Status.COMPLETE)
    wrong = []
    with time_machine.travel(LOCKED_AT + after_lock, tick=False):
        for route, pattern in PATTERNS:
            assert pattern.name, route
            expected = _expected(pattern.name)
            if not any(expected[role] in "YHF" for role in ASSIGNED):
                continue  # refused by the role check whatever the assignment
            url, dummy = _url(pattern, world)
            for persona in ASSIGNED:
                want = SIGHT_ENDED.get(pattern.name, {}).get(persona) if sight_ended else None
                want = want or expected[persona]
                client.force_login(world.users[persona])
                since = _last_entry_pk()
                response = _request(client, url)
                got = _outcome(response, api=_is_api(route))
                if got == "H" and want == "Y" and dummy:
                    got = "Y"
                if got != want:
                    wrong.append(f"{pattern.name} ({url}), {persona}: expected {want}, got {got}")
                if sight_ended and (shown := WORLD_CHILD_ID.findall(_body(response))):
                    wrong.append(f"{pattern.name}, {persona}: still shows {sorted(set(shown))}")
                elif unlogged := _children_shown_but_not_logged(response, world.users[persona], since):
                    wrong.append(f"{pattern.name}, {persona}: shows {sorted(unlogged)} unlogged")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
def test_need_to_know_ends_after_the_number_of_days_the_setting_says(client, settings):
    settings.CASE_AUDIT_ACCESS_DAYS_AFTER_LOCK = 7
    world = build_world()
    Audit.objects.filter(pk=world.audit.pk).update(locked_at=LOCKED_AT)
    url = reverse("cases-child-detail", args=[world.child_a.uuid])
    for after_lock, status in [
        (datetime.timedelta(days=7, seconds=-1), 200),
        (datetime.timedelta(days=7), 404),
    ]:
        with time_machine.travel(LOCKED_AT + after_lock, tick=False):
            client.force_login(world.users[roles.AUDITOR])
            assert client.get(url).status_code == status, after_lock
