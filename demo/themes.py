"""The demo audit's learning themes: some findings tagged by their auditor, some tags confirmed by the
moderator (audits.themes), so the results page and the QA report have themes to count."""

from django.contrib.auth.models import User

from audits import themes as theme_services
from audits.models import Answer, AnswerTheme, Audit, CaseAudit, Theme

# The evidence note written on a tagged finding that has none (the demo's answers are rated without notes).
NOTES = {
    "Voice of the child": "The child's views were not sought before the plan was made.",
    "Risk assessment": "The assessment lists incidents but does not analyse what they mean for the child.",
    "Information sharing": "The school's concerns reached the team two weeks after the referral.",
    "Management oversight": "No manager's decision is recorded after the strategy discussion.",
    "Recording and chronology": "The chronology stops three months before the enquiry.",
}
LIMIT = 12

# A finding's theme by the value it was rated: where practice fell short, what it most often is about.
THEMES_BY_VALUE = {
    "no": ["Voice of the child", "Risk assessment"],
    "partly": ["Information sharing", "Management oversight", "Recording and chronology"],
}


def demo_themes_tag(*, audit: Audit, moderator: User) -> int:
    """Tags up to LIMIT of the demo audit's No and Partly findings, in turn, with a theme (writing an
    evidence note where there is none); half the tags of moderated cases are confirmed by `moderator`.
    Returns the tags made (0 when already done)."""
    if AnswerTheme.objects.filter(answer__case_audit__audit=audit).exists():
        return 0
    by_name = {theme.name: theme for theme in Theme.objects.filter(is_active=True)}
    answers = (
        Answer.objects.filter(case_audit__audit=audit, value__in=THEMES_BY_VALUE)
        .select_related("case_audit", "updated_by", "question")
        .order_by("case_audit__record_date", "question__code")[:LIMIT]
    )
    made = 0
    for index, answer in enumerate(answers):
        names = THEMES_BY_VALUE[answer.value]
        theme = by_name.get(names[index % len(names)])
        if theme is None:
            continue
        if not answer.evidence:
            answer.evidence = NOTES.get(theme.name, "")
            Answer.objects.filter(pk=answer.pk).update(evidence=answer.evidence)
        user = answer.updated_by or answer.case_audit.auditor or moderator
        theme_services.answer_themes_set(answer=answer, user=user, themes=[theme])
        made += 1
        if answer.case_audit.status == CaseAudit.Status.MODERATED and index % 2 == 0:
            tag = AnswerTheme.objects.get(answer=answer, theme=theme)
            theme_services.theme_tag_moderate(tag=tag, user=moderator, confirm=True)
    return made
