"""The demo's draft quality assurance report (load_demo), so the Reports page has something to show."""

import datetime

from django.contrib.auth.models import User
from django.utils import timezone

from actions.models import ActionPlan
from audits.models import Audit
from cases.standards import MetricKey
from metrics.measures import CP_PLANS, LEAVING_CARE, LOOKED_AFTER
from metrics.periods import add_months, last_complete_month, month_end
from reporting import services
from reporting.models import PanelReport

DEMO_REPORT_TITLE = "Quality Assurance Report (demo)"


def demo_report_create(*, user: User, audit_title: str) -> PanelReport | None:
    """One draft QA report over the last six complete months; None if it exists already."""
    if PanelReport.objects.filter(title=DEMO_REPORT_TITLE).exists():
        return None
    today = timezone.localdate()
    last = last_complete_month(today)
    report = services.panel_report_create(
        user=user,
        report_type=PanelReport.Type.QUALITY_ASSURANCE,
        title=DEMO_REPORT_TITLE,
        meeting_name="Corporate Parenting Committee",
        meeting_date=today + datetime.timedelta(days=14),
        item_number="5",
        authorised_by="Director of Children's Services",
        lead_officer="Assistant Director, Quality Assurance",
        wards_affected="All",
        key_decision=False,
        period_start=add_months(last, -5),
        period_end=month_end(last),
    )
    services.panel_report_selections_save(
        report=report,
        user=user,
        audits=Audit.objects.filter(title=audit_title),
        metrics=[
            CP_PLANS.key,
            LOOKED_AFTER.key,
            LEAVING_CARE.key,
            MetricKey.S47_WITHIN_15_DAYS,
            MetricKey.CONSENT_RECORDED,
        ],
        # "Actions from previous meetings": the demo audit's action plan (loaded just before).
        action_plans=ActionPlan.objects.filter(audit__title=audit_title),
    )
    return report
