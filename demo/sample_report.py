"""A synthetic frozen report content dict, in the shape `report_content` makes: for the benchmark
(bench/report_pdf.py) and the renderer's tests, which need no database."""

import datetime

from reporting.schema import AuditContent, FrozenFigure, QuestionResult, ReportContent
from reporting.sections import QUALITY_ASSURANCE_SECTIONS

LOREM = (
    "Auditors found that information was shared with partner agencies promptly in most cases, and that "
    "managers recorded their direction at the key points of the strategy episode. Where practice fell "
    "short, the cases lacked an up-to-date chronology or a record of the consent decision."
)


def _figure(n: float, d: int) -> FrozenFigure:
    return {"n": n, "d": d}


def synthetic_content(
    *, questions: int = 200, audits: int = 2, months: int = 12, plans: int = 2
) -> ReportContent:
    """A quality assurance report: `audits` audits whose appendices together list `questions` questions."""
    per_audit = max(1, questions // audits)
    audit_list: list[AuditContent] = []
    for a in range(audits):
        rows: list[QuestionResult] = []
        for q in range(per_audit):
            d = 18 - (q % 5)
            n = (q * 7) % (d + 1)
            rows.append(
                {
                    "section": f"Section {q // 20 + 1}",
                    "code": f"Q{q + 1}",
                    "text": f"Question {q + 1}: was the standard met and recorded on file?",
                    "yes": n,
                    "partly": 0,
                    "no": d - n,
                    "not_applicable": 18 - d,
                    "not_asked": 0,
                    "figure": _figure(n, d),
                }
            )
        audit_list.append(
            {
                "title": f"Themed audit {a + 1}",
                "theme": "Domestic abuse",
                "tool": "Domestic abuse (version 1)",
                "partly_counts_half": True,
                "agencies": ["Children's social care", "Police"] if a == 0 else ["Children's social care"],
                "multi_agency": a == 0,
                "case_count": 18,
                "case_audit_count": 36 if a == 0 else 18,
                "method": ["Scope: S47 enquiries.", "Sample: a random sample of 18.", "Method: the tool."],
                "questions": rows,
                "highlights": rows[:14],
                "strengths": [r for r in rows[:5]],
                "focus": [r for r in rows[5:10]],
                "grades": [
                    {"label": label, "figure": _figure(c, 18)}
                    for label, c in (
                        ("Outstanding", 2),
                        ("Good", 9),
                        ("Requires improvement to be good", 5),
                        ("Inadequate", 2),
                    )
                ],
                "cases": [
                    {
                        "reference": f"Case {i + 1}",
                        "agency": "Children's social care",
                        "team": "North",
                        "grade": "Good",
                    }
                    for i in range(18)
                ],
                "comparison": {
                    "agencies": ["Children's social care", "Police"],
                    "rows": [
                        {"code": r["code"], "text": r["text"], "figures": [r["figure"], _figure(9, 18)]}
                        for r in rows[:20]
                    ],
                    "disagreements": [
                        {
                            "case": f"Case {i + 1}",
                            "code": "Q1",
                            "text": "Question 1",
                            "answers": ["Children's social care: Yes", "Police: No"],
                        }
                        for i in range(5)
                    ],
                }
                if a == 0
                else None,
                "reaudit": None,
            }
        )
    labels = [f"{datetime.date(2024, m + 1, 1):%b %Y}" for m in range(months)]
    return {
        "schema": 1,
        "type": "quality_assurance",
        "type_label": "Quality assurance report",
        "council_name": "Demo Borough Council",
        "version": {
            "number": 1,
            "generated_at": "2025-01-06T10:00:00+00:00",
            "generated_on": "6 January 2025",
            "generated_by": "report-officer",
        },
        "header": {
            "title": "Quality Assurance Report",
            "meeting_name": "Corporate Parenting Committee",
            "meeting_date": "2025-01-20",
            "meeting_date_text": "20 January 2025",
            "item_number": "7",
            "authorised_by": "Director of Children's Services",
            "lead_officer": "Assistant Director, Quality Assurance",
            "wards_affected": "All",
            "key_decision": False,
            "period_start": "2024-01-01",
            "period_end": "2024-12-31",
            "period_text": "1 January 2024 to 31 December 2024",
        },
        "thresholds": {"strength_at_least": 80, "focus_below": 70},
        "sections": [
            {"key": s.key, "title": s.title, "text": "\n\n".join([s.default, LOREM])}
            for s in QUALITY_ASSURANCE_SECTIONS
        ],
        "audits": audit_list,
        "measures": {
            "period": f"{labels[0]} to {labels[-1]}",
            "percent": [
                {
                    "key": key,
                    "name": name,
                    "definition": "Of the S47 enquiries completed in the month, those meeting the standard.",
                    "related_label": "",
                    "target": 80,
                    "months": [
                        {"month": m, "figure": _figure(10 + i % 7, 20), "related": None}
                        for i, m in enumerate(labels)
                    ],
                    "total": _figure(150, 240),
                }
                for key, name in (
                    ("s47_within_15_days", "S47 enquiries completed within 15 working days"),
                    ("chronology_on_file", "Chronology on file"),
                )
            ],
            "counts": {
                "series": [
                    {
                        "key": "children_on_cp_plans",
                        "name": "Children on child protection plans",
                        "definition": "",
                    },
                    {"key": "children_looked_after", "name": "Looked-after children", "definition": ""},
                ],
                "months": [{"month": m, "values": [164 + 3 * i, 520 + i]} for i, m in enumerate(labels)],
            },
            "leaving_care": {"count": 40, "by": "June 2025", "as_at": "6 January 2025"},
            "computed_at": "6 January 2025",
        },
        "action_plans": [
            {
                "title": f"Action plan {p + 1}",
                "rows": [
                    {
                        "issue": f"Issue {i + 1}: chronologies need to be in place on all files.",
                        "figure_label": "Chronology on file",
                        "figure": _figure(11, 17),
                        "actions": [
                            {
                                "description": "Chronology days to give practitioners protected time.",
                                "lead": "Head of Service",
                                "due": "31/03/2025",
                                "status": "In progress",
                                "rag": "Green",
                                "latest_update": "01/01/2025: two chronology days held.",
                            }
                        ],
                    }
                    for i in range(4)
                ],
            }
            for p in range(plans)
        ],
    }
