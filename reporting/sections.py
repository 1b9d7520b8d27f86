"""The report types shipped as templates: their narrative sections, in order, with the default text.

The shapes follow the two reference reports (/work/shared/reference): the scrutiny panel audit report
(the S47 information sharing audit) and the monthly quality assurance report. The report officer edits
every narrative; the figures between them come from the data (reporting.content).
"""

import dataclasses

from cases.standards import MetricKey
from reporting.models import PanelReport


@dataclasses.dataclass(frozen=True)
class SectionTemplate:
    key: str
    title: str
    default: str
    hint: str = ""


SCRUTINY_SECTIONS = (
    SectionTemplate(
        "issue",
        "Describe the issue under consideration",
        "This report sets out the outcome of an audit of case files, the practice it found and the actions "
        "the service has taken in response.",
        "Why the audit was commissioned and what it looked at.",
    ),
    SectionTemplate(
        "recommendations",
        "Recommendations",
        "Members are asked to note the findings of the audit and the improvements introduced by the service.",
    ),
    SectionTemplate(
        "background",
        "Background information",
        "A random sample of cases was drawn from the case records and audited against the standards of "
        "Working Together. The scope, the sample and the method are set out below, followed by the areas "
        "where practice needed to improve and the actions taken by the service.",
        "Shown before the audit's scope, sample and method, and the table of issues and actions.",
    ),
    SectionTemplate(
        "strengths",
        "Strengths",
        "The audit also noted strengths in the work undertaken by the service.",
        "Shown after the standards most cases met, which are listed from the audit's results.",
    ),
    SectionTemplate(
        "focus",
        "What still needs focus",
        "Nonetheless, there remain areas that require continued focus to deliver the standard we require. "
        "This will be a key focus of our training and development programme and quality assurance processes.",
        "Shown after the standards fewer cases met, which are listed from the audit's results.",
    ),
)

QUALITY_ASSURANCE_SECTIONS = (
    SectionTemplate(
        "issue",
        "Describe the issue under consideration",
        "The purpose of this report is to brief members on quality assurance: our progress against "
        "performance data and audit activity, in other words 'how well we know ourselves'.",
    ),
    SectionTemplate(
        "audits",
        "Audits undertaken this period",
        "The following audits were completed in the period. Each figure is the share of the cases audited "
        "that met the standard, with the number of cases behind it.",
        "Shown before each audit's highlights.",
    ),
    SectionTemplate(
        "multi_agency",
        "Multi-agency audit",
        "All agencies audited the same cases, each from its own perspective, and discussed the findings "
        "alongside the development of an action plan.",
        "Shown before the agencies' results side by side.",
    ),
    SectionTemplate(
        "inspection",
        "Planning and preparation for inspection",
        "To support a co-ordinated approach to audit activity, the audit programme for the year is aligned "
        "with the needs of the organisation in preparation for inspection, and reviewed every three months.",
    ),
    SectionTemplate(
        "data",
        "Data for safeguarding and looked-after children",
        "The figures below show the number of children subject to a child protection plan and the number of "
        "looked-after children over the period.",
        "Shown before the counts over time, their chart and table.",
    ),
    SectionTemplate(
        "previous_actions",
        "Actions from previous meetings",
        "The actions agreed at previous meetings and their progress are set out below.",
        "Shown before the action plans' tables.",
    ),
)

SECTIONS: dict[str, tuple[SectionTemplate, ...]] = {
    PanelReport.Type.SCRUTINY_PANEL: SCRUTINY_SECTIONS,
    PanelReport.Type.QUALITY_ASSURANCE: QUALITY_ASSURANCE_SECTIONS,
}


def section_templates(report_type: str) -> tuple[SectionTemplate, ...]:
    return SECTIONS[report_type]


# The measures each report type's template shows (reporting/templates/reporting/reports/): the quality
# assurance report's data section (measures.html) shows every measure; the scrutiny panel audit report is
# about its audits and shows none. The selections form offers these only, and the content keeps only
# these, so a measure is never chosen and then silently left out of the PDF.
MEASURES: dict[str, tuple[MetricKey, ...]] = {
    PanelReport.Type.SCRUTINY_PANEL: (),
    PanelReport.Type.QUALITY_ASSURANCE: tuple(MetricKey),
}


def measures_shown(report_type: str) -> tuple[MetricKey, ...]:
    return MEASURES[report_type]
