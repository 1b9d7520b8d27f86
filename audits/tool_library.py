"""The three audit tools the product ships, written from the reference reports (../shared/reference).

Each entry: (code, text, kind, applies_if (code, [values]) or None, subsample_only, measures).
A data migration (audits/0002) loads version 1 of each; later versions are made in the app.
"""

R, T = "rating", "text"

S47_INFORMATION_SHARING = {
    "name": "S47 and information sharing",
    "description": "Section 47 child protection enquiries: process, consent to share information, recording "
    "and management oversight (the independent S47 audit reported to scrutiny panel).",
    "partly_counts_half": True,
    "sections": [
        (
            "Referral",
            [
                (
                    "S1",
                    "Is an acknowledgement to the referrer (letter, email or telephone) on file?",
                    R,
                    None,
                    False,
                    "referrer_acknowledged",
                ),
            ],
        ),
        (
            "Consent and information sharing",
            [
                (
                    "C1",
                    "Was parental consent to share information sought and the decision recorded (given; refused "
                    "with the manager's decision to proceed; or not sought, with the reason and the manager's decision)?",
                    R,
                    None,
                    True,
                    "consent_recorded",
                ),
                (
                    "C2",
                    "Was consent sought before information was shared, not retrospectively?",
                    R,
                    ("C1", ["yes", "partly"]),
                    True,
                    "",
                ),
                (
                    "C3",
                    "Where information was shared without consent, is management oversight recorded setting out a "
                    "clear justification?",
                    R,
                    None,
                    True,
                    "",
                ),
            ],
        ),
        (
            "Recording and management oversight",
            [
                ("R1", "Is an up-to-date chronology on file?", R, None, False, "chronology_on_file"),
                (
                    "R2",
                    "Is the S47 recorded as its own document, with the detail of the process of the investigation?",
                    R,
                    None,
                    False,
                    "",
                ),
                (
                    "R3",
                    "Is management oversight of the conduct of the S47 recorded through the strategy episode?",
                    R,
                    None,
                    False,
                    "management_oversight",
                ),
                (
                    "R4",
                    "Was the S47 completed within 15 working days of the strategy discussion?",
                    R,
                    None,
                    False,
                    "s47_within_15_days",
                ),
            ],
        ),
        (
            "Practice and evidence",
            [
                (
                    "P1",
                    "Does the file evidence reference to Achieving Best Evidence (ABE) procedures, risk assessment "
                    "tools, London LSCB procedures or Working Together 2013?",
                    R,
                    None,
                    False,
                    "",
                ),
                ("P2", "Are notes of interviews on file?", R, None, False, ""),
                ("P3", "Is the case history on file?", R, None, False, ""),
                ("P4", "Is supervision direction recorded?", R, None, False, ""),
                ("P5", "Is there analysis of the information gathered following checks?", R, None, False, ""),
            ],
        ),
        (
            "Findings",
            [
                ("F1", "Strengths", T, None, False, ""),
                ("F2", "Areas for development", T, None, False, ""),
            ],
        ),
    ],
}

DOMESTIC_ABUSE = {
    "name": "Domestic abuse",
    "description": "Domestic-abuse themed audit, tracking each case from entry via screening and the MASH "
    "(the monthly quality assurance report).",
    "partly_counts_half": True,
    "sections": [
        (
            "Information sharing and risk",
            [
                ("D1", "Is there good information sharing between agencies?", R, None, False, ""),
                ("D2", "Was risk considered at an early stage?", R, None, False, ""),
                ("D3", "Is management direction evidenced on the case?", R, None, False, ""),
            ],
        ),
        (
            "Protection and CIN plans",
            [
                ("D4", "Is the child subject to a protection plan?", R, None, False, ""),
                (
                    "D5",
                    "Is the protection plan clear, giving both victim and perpetrator direction on the actions "
                    "needed to reduce risk and improve the child's safety?",
                    R,
                    ("D4", ["yes"]),
                    False,
                    "",
                ),
                (
                    "D6",
                    "Does the plan include actions that support as well as monitor?",
                    R,
                    ("D4", ["yes"]),
                    False,
                    "",
                ),
                (
                    "D7",
                    "Are the plan's tasks realistic and achievable?",
                    R,
                    ("D6", ["yes", "partly"]),
                    False,
                    "",
                ),
                (
                    "D8",
                    "Is the child subject to a child in need plan that includes the perpetrator?",
                    R,
                    None,
                    False,
                    "",
                ),
                (
                    "D9",
                    "Is the child in need plan that includes the perpetrator effective?",
                    R,
                    ("D8", ["yes"]),
                    False,
                    "",
                ),
            ],
        ),
        (
            "Practice",
            [
                (
                    "D10",
                    "Is there a genogram and a multi-agency chronology on file?",
                    R,
                    None,
                    False,
                    "chronology_on_file",
                ),
                (
                    "D11",
                    "Is research evidenced as influencing practice and decision making?",
                    R,
                    None,
                    False,
                    "",
                ),
                ("D12", "Was the referral from the referring agency of good quality?", R, None, False, ""),
                ("D13", "Were pathways to MARAC or MAPPA used appropriately?", R, None, False, ""),
                (
                    "D14",
                    "Is monthly supervision recorded, as the supervision policy requires?",
                    R,
                    None,
                    False,
                    "",
                ),
            ],
        ),
        (
            "Findings",
            [
                ("F1", "Strengths", T, None, False, ""),
                ("F2", "Areas for development", T, None, False, ""),
            ],
        ),
    ],
}

STRATEGY_MEETINGS = {
    "name": "Strategy meetings and S47 (multi-agency)",
    "description": "Quality of strategy meetings and discussions and compliance with Working Together 2013; "
    "every agency audits the same cases from its own perspective.",
    "partly_counts_half": True,
    "sections": [
        (
            "The strategy discussion",
            [
                (
                    "M1",
                    "Were the right agencies present (police, health and children's social care, and others such "
                    "as school or probation as needed)?",
                    R,
                    None,
                    False,
                    "strategy_agencies",
                ),
                ("M2", "Was the strategy discussion held in a timely way?", R, None, False, ""),
                ("M3", "Are the decisions, and the reasons for them, recorded?", R, None, False, ""),
                (
                    "M4",
                    "Is the decision on seeking parental consent recorded?",
                    R,
                    None,
                    False,
                    "consent_recorded",
                ),
                (
                    "M5",
                    "Did the strategy discussion and S47 comply with Working Together 2013?",
                    R,
                    None,
                    False,
                    "",
                ),
            ],
        ),
        (
            "Findings",
            [
                ("F1", "Strengths seen from this agency's perspective", T, None, False, ""),
                ("F2", "Areas for development", T, None, False, ""),
            ],
        ),
    ],
}

TOOLS = [S47_INFORMATION_SHARING, DOMESTIC_ABUSE, STRATEGY_MEETINGS]
