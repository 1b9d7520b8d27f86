"""Double scoring: the sub-sample drawn from the seed, second scorings, assigning two auditors, reconciling
a pair (both originals kept), results that count a double-scored case once, and the agreement figures."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from audits import double, results, sampling, services
from audits.models import Answer, CaseAudit, ReconciledAnswer
from audits.sampling import FrameRecord, SampleParameters
from cases.standards import MetricKey
from common import roles
from common.figures import Figure
from metrics import drilldown, measures, selectors
from metrics import services as metric_services
from tests.audits.double_world import double_audit, pair, question
from tests.dates import date_parts
from tests.factories import AuditFactory, ChildFactory, S47EnquiryFactory, UserFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def frame_of(count: int) -> list[FrameRecord]:
    return [FrameRecord(n, 1000 + n, None, D(2014, 3, 3)) for n in range(1, count + 1)]


def double_ids(drawn: list[sampling.DrawnCase]) -> set[int]:
    return {case.record.record_id for case in drawn if case.double_scored}


# The sub-sample, from the seed -------------------------------------------------------------------------


def test_the_double_scoring_subsample_is_reproducible_from_the_seed():
    """20 of 40 records, 25% scored twice: 5 cases, the same five for the same seed."""
    params = SampleParameters(size=20, double_percent=25, seed=7)
    first = sampling.draw(params, frame_of(40))
    again = sampling.draw(params, frame_of(40))
    assert len(double_ids(first)) == 5
    assert double_ids(first) == double_ids(again)
    assert double_ids(first) <= {case.record.record_id for case in first}
    assert double_ids(sampling.draw(SampleParameters(size=20, double_percent=25, seed=8), frame_of(40))) != (
        double_ids(first)
    )


def test_the_double_scoring_subsample_leaves_the_sample_and_question_subsample_as_they_were():
    """Its own random stream: adding double scoring to the same seed changes neither the cases drawn nor the
    sub-sample asked the extra questions."""
    plain = sampling.draw(SampleParameters(size=10, subsample_percent=30, seed=3), frame_of(30))
    doubled = sampling.draw(
        SampleParameters(size=10, subsample_percent=30, double_count=4, seed=3), frame_of(30)
    )
    assert [(c.record, c.in_subsample) for c in plain] == [(c.record, c.in_subsample) for c in doubled]
    assert len(double_ids(doubled)) == 4


@pytest.mark.parametrize(
    ("sample", "percent", "count", "expected"),
    [
        (10, 25, None, 3),  # 2.5 rounds half away from zero to 3
        (10, 1, None, 1),  # at least one case
        (10, None, 4, 4),
        (3, None, 5, 3),  # never more than the sample
        (10, None, None, 0),
    ],
)
def test_the_double_scoring_size_is_a_percentage_or_a_count(sample, percent, count, expected):
    params = SampleParameters(double_percent=percent, double_count=count)
    assert sampling.double_size(sample, params) == expected


def test_drawing_a_sample_gives_each_double_scored_case_a_second_scoring(manager):
    audit = AuditFactory.create(planned_month=D(2014, 4, 1), agencies=["social_care", "police"])
    for n in range(10):
        S47EnquiryFactory.create(start_date=D(2014, 3, 1 + n))
    services.sample_draw(
        audit=audit,
        user=manager,
        frame_type="s47",
        frame_start=D(2014, 3, 1),
        frame_end=D(2014, 3, 31),
        teams=[],
        size=6,
        double_count=2,
        exclude_recently_audited=False,
        seed=11,
    )
    audit.refresh_from_db()
    assert audit.double_count == 2
    seconds = audit.case_audits.filter(scoring=2)
    assert seconds.count() == 4  # 2 cases x 2 agencies
    assert audit.case_audits.filter(scoring=1).count() == 12
    for second in seconds:
        assert audit.case_audits.filter(
            scoring=1, record_id=second.record_id, agency=second.agency, in_subsample=second.in_subsample
        ).exists()
    first_draw = set(seconds.values_list("record_id", flat=True))
    services.sample_draw(
        audit=audit,
        user=manager,
        frame_type="s47",
        frame_start=D(2014, 3, 1),
        frame_end=D(2014, 3, 31),
        teams=[],
        size=6,
        double_count=2,
        exclude_recently_audited=False,
        seed=11,
    )
    assert set(audit.case_audits.filter(scoring=2).values_list("record_id", flat=True)) == first_draw


def test_a_percentage_and_a_count_together_are_refused(manager):
    audit = AuditFactory.create()
    with pytest.raises(ValidationError):
        services.sample_draw(
            audit=audit,
            user=manager,
            frame_type="s47",
            frame_start=None,
            frame_end=None,
            teams=[],
            size=2,
            double_percent=10,
            double_count=1,
        )


def test_the_sample_form_refuses_a_percentage_and_a_count_to_score_twice(client, manager):
    audit = AuditFactory.create()
    client.force_login(manager)
    response = client.post(
        reverse("audits-sample", args=[audit.uuid]),
        {"frame_type": "s47", "size": "2", "double_percent": "10", "double_count": "1"},
    )
    assert response.status_code == 200
    assert "Enter a percentage or a number of cases to score twice, not both" in response.content.decode()
    assert not audit.case_audits.exists()


def test_the_sample_page_shows_the_cases_to_be_scored_twice(client, manager):
    audit = AuditFactory.create(planned_month=D(2014, 4, 1))
    for n in range(5):
        S47EnquiryFactory.create(start_date=D(2014, 3, 1 + n))
    client.force_login(manager)
    response = client.post(
        reverse("audits-sample", args=[audit.uuid]),
        {
            "frame_type": "s47",
            **date_parts("frame_start", "01/03/2014"),
            **date_parts("frame_end", "31/03/2014"),
            "size": "4",
            "double_count": "2",
            "seed": "5",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Scored twice (blind)" in page
    assert audit.case_audits.filter(scoring=2).count() == 2
    assert page.count(">Yes</td>") >= 2


# Assigning two different auditors ------------------------------------------------------------------------


@pytest.fixture
def confirmed_pair(manager):
    audit = AuditFactory.create(sample_confirmed_at=timezone.now())
    child = ChildFactory.create(child_id="C-TWICE")
    first = CaseAudit.objects.create(
        audit=audit, child=child, record_id=1, record_date=D(2014, 1, 6), scoring=1
    )
    second = CaseAudit.objects.create(
        audit=audit, child=child, record_id=1, record_date=D(2014, 1, 6), scoring=2
    )
    return audit, first, second


def test_the_same_auditor_cannot_score_a_case_twice(auditor, manager, confirmed_pair):
    audit, first, second = confirmed_pair
    with pytest.raises(ValidationError) as error:
        services.case_audits_assign(
            audit=audit, user=manager, assignments=[(first, auditor, None), (second, auditor, None)]
        )
    assert "Select a different auditor for the second scoring of case C-TWICE" in str(error.value)
    first.refresh_from_db()
    assert first.auditor is None


def test_the_assignment_page_names_the_row_of_a_second_scoring_given_to_its_first_auditor(
    client, manager, auditor, confirmed_pair
):
    audit, first, second = confirmed_pair
    client.force_login(manager)
    response = client.post(
        reverse("audits-assign", args=[audit.uuid]),
        {f"auditor_{first.uuid.hex}": auditor.pk, f"auditor_{second.uuid.hex}": auditor.pk},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert f'href="#id_auditor_{second.uuid.hex}"' in page
    assert "Select a different auditor for the second scoring of case C-TWICE" in page
    assert not CaseAudit.objects.filter(auditor=auditor).exists()


def test_assigning_every_unassigned_case_to_one_auditor_leaves_the_second_scoring_for_another(
    client, manager, auditor, confirmed_pair
):
    audit, first, second = confirmed_pair
    other = UserFactory.create(roles=[roles.AUDITOR])
    client.force_login(manager)
    response = client.post(reverse("audits-assign", args=[audit.uuid]), {"assign_unassigned": auditor.pk})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.auditor, second.auditor) == (auditor, None)
    client.post(
        reverse("audits-assign", args=[audit.uuid]),
        {f"auditor_{first.uuid.hex}": auditor.pk, f"auditor_{second.uuid.hex}": other.pk},
    )
    second.refresh_from_db()
    assert second.auditor == other


# Reconciling ------------------------------------------------------------------------------------------------


@pytest.fixture
def people():
    return (
        UserFactory.create(username="first-fay", first_name="Fay", last_name="First", roles=[roles.AUDITOR]),
        UserFactory.create(
            username="second-sid", first_name="Sid", last_name="Second", roles=[roles.AUDITOR]
        ),
    )


def test_reconciling_records_the_agreed_answers_and_keeps_both_originals(people, moderator):
    audit = double_audit()
    first, second = pair(
        audit, people, {"D1": "yes", "D2": "no", "D3": "yes"}, {"D1": "no", "D2": "no", "D3": "partly"}
    )
    found_pair = double.pair_for(first)
    assert found_pair is not None
    found = double.disagreements(found_pair)
    assert [item.question.code for item in found] == ["D1", "D3"]
    d1, d3 = question(audit, "D1"), question(audit, "D3")
    services.pair_reconcile(
        first=first,
        user=moderator,
        decisions={d1.pk: ("partly", "Sharing happened late"), d3.pk: ("yes", "Direction on file")},
    )
    first.refresh_from_db()
    assert first.reconciled_at is not None and first.reconciled_by == moderator
    agreed = {
        r.question.code: (r.value, r.first_value, r.second_value, r.reason)
        for r in first.reconciled_answers.all()
    }
    assert agreed == {
        "D1": ("partly", "yes", "no", "Sharing happened late"),
        "D3": ("yes", "yes", "partly", "Direction on file"),
    }
    # Both auditors' own answers are untouched.
    assert dict(Answer.objects.filter(case_audit=first).values_list("question__code", "value")) == {
        "D1": "yes", "D2": "no", "D3": "yes"
    }  # fmt: skip
    assert dict(Answer.objects.filter(case_audit=second).values_list("question__code", "value")) == {
        "D1": "no", "D2": "no", "D3": "partly"
    }  # fmt: skip
    assert first.history.first().history_change_reason.startswith(
        "Double scoring reconciled: D1: yes / no -> partly"
    )


def test_every_disagreement_needs_an_agreed_answer_and_a_reason(people, moderator):
    audit = double_audit()
    first, _second = pair(audit, people, {"D1": "yes", "D3": "yes"}, {"D1": "no", "D3": "no"})
    d1 = question(audit, "D1")
    with pytest.raises(ValidationError) as error:
        services.pair_reconcile(first=first, user=moderator, decisions={d1.pk: ("yes", "  ")})
    messages = error.value.message_dict
    assert messages[f"reason_{d1.pk}"] == ["Enter the reason for the agreed answer to question D1"]
    assert f"value_{question(audit, 'D3').pk}" in messages
    assert not ReconciledAnswer.objects.exists()
    first.refresh_from_db()
    assert first.reconciled_at is None


def test_a_pair_is_reconciled_only_once_both_are_submitted_and_never_by_its_own_auditor(people, moderator):
    audit = double_audit()
    first, _second = pair(audit, people, {"D1": "yes"}, {"D1": "no"}, submitted=(True, False))
    with pytest.raises(ValidationError, match="Both scorings must be submitted"):
        services.pair_reconcile(first=first, user=moderator, decisions={})
    done_first, _ = pair(audit, people, {"D1": "yes"}, {"D1": "yes"})
    with pytest.raises(ValidationError, match="cannot reconcile it"):
        services.pair_reconcile(first=done_first, user=people[0], decisions={})


# Results count a double-scored case once -------------------------------------------------------------------


def test_results_count_a_double_scored_case_once_with_the_agreed_answers(people, moderator):
    """Two double-scored cases and one scored once. D1: pair one Yes / No, agreed Partly; pair two Yes / Yes;
    the single case No. Counted once each: Partly + Yes + No = 1.5 of 3 -> 50%. Before reconciling, the first
    scorings' Yes, Yes and the single No: 2 of 3 -> 67%, with one case flagged as not yet reconciled."""
    audit = double_audit()
    first, _ = pair(audit, people, {"D1": "yes"}, {"D1": "no"})
    other_first, _ = pair(audit, people, {"D1": "yes"}, {"D1": "yes"})
    single = CaseAudit.objects.create(
        audit=audit,
        child=ChildFactory.create(),
        record_id=999,
        record_date=D(2014, 1, 6),
        status=CaseAudit.Status.SUBMITTED,
        grade="good",
    )
    Answer.objects.create(case_audit=single, question=question(audit, "D1"), value="no")

    before = results.audit_results(audit)
    assert before.case_count == 3
    assert str(before.question("D1").figure) == "67% (2 of 3)"
    assert (before.reconciled, before.awaiting_reconciliation) == (0, 2)

    services.pair_reconcile(
        first=first, user=moderator, decisions={question(audit, "D1").pk: ("partly", "Late")}
    )
    services.pair_reconcile(first=other_first, user=moderator, decisions={})
    after = results.audit_results(audit)
    assert after.case_count == 3
    assert str(after.question("D1").figure) == "50% (1.5 of 3)"
    assert (after.reconciled, after.awaiting_reconciliation) == (2, 0)
    assert after.graded_count == 3


def test_the_results_page_says_which_double_scored_cases_are_not_yet_reconciled(client, manager, people):
    audit = double_audit()
    pair(audit, people, {"D1": "yes"}, {"D1": "no"})
    client.force_login(manager)
    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()
    assert "Not yet reconciled" in page
    notice = " ".join(page[page.index('id="double-scoring-count"') :].split())
    assert (
        "Not yet reconciled</strong> 1 double-scored case counted on the first auditor’s answers until a"
        in notice
    )


# Agreement ---------------------------------------------------------------------------------------------------


def test_agreement_per_question_per_pair_of_auditors_and_overall(people):
    """Four pairs by the same two auditors. D1: Yes/Yes, Yes/Yes, No/No, No/Yes -> 3 of 4 agree;
    each side: first 2 Yes 2 No, second 3 Yes 1 No; chance (2x3 + 2x1) / 16 = 0.5; kappa (0.75 - 0.5) / 0.5
    = 0.50. D2: all four agree, Yes, No, Yes, No -> kappa 1. Overall 7 of 8 pairs; a pair not yet submitted
    counts for nothing."""
    audit = double_audit()
    for d1, d2 in [
        (("yes", "yes"), ("yes", "yes")),
        (("yes", "yes"), ("no", "no")),
        (("no", "no"), ("yes", "yes")),
        (("no", "yes"), ("no", "no")),
    ]:
        pair(audit, people, {"D1": d1[0], "D2": d2[0]}, {"D1": d1[1], "D2": d2[1]})
    pair(audit, people, {"D1": "yes"}, {"D1": "no"}, submitted=(True, False))
    measured = double.double_agreement(audit)
    assert measured.pair_count == 4
    on_d1 = measured.for_question(question(audit, "D1"))
    on_d2 = measured.for_question(question(audit, "D2"))
    assert on_d1 is not None and on_d2 is not None
    assert on_d1.agreement.percent_text == "agreement 75% (3 of 4 pairs)"
    assert str(on_d1.agreement.kappa).startswith("kappa 0.50 (")
    assert str(on_d2.agreement.kappa).startswith("kappa 1.00 (")
    assert measured.overall.agreement.percent_text == "agreement 88% (7 of 8 pairs)"
    ((name_a, name_b, between),) = measured.by_auditors
    assert (name_a, name_b) == ("Fay First", "Sid Second")
    assert between.agreement.pairs == 8


def test_poor_agreement_is_flagged_on_the_results_page(client, manager, people, settings):
    """D1 disagrees on every pair (Yes/No, No/Yes): kappa -1, below the setting."""
    settings.AGREEMENT_POOR_BELOW = 0.4
    audit = double_audit()
    pair(audit, people, {"D1": "yes"}, {"D1": "no"})
    pair(audit, people, {"D1": "no"}, {"D1": "yes"})
    client.force_login(manager)
    page = client.get(reverse("audits-results", args=[audit.uuid])).content.decode()
    assert "Double scoring: how far auditors agree" in page
    section = page[page.index('id="double-agreement"') :]
    assert "kappa -1.00" in section
    assert "Poor agreement" in section
    assert "Fay First and Sid Second" in section


def test_an_auditor_whose_answers_drift_from_the_agreed_ones_is_listed_for_the_qa_lead(
    client, manager, moderator, people
):
    """Fay's answers against the agreed ones over four reconciled pairs: D1 and D2 each Yes, No, Yes, No;
    the moderator agreed the opposite of Fay every time -> kappa -1 for Fay; Sid's answers were the agreed ones
    -> kappa 1. Fay is listed, Sid is not."""
    audit = double_audit()
    for fay, sid in [("yes", "no"), ("no", "yes"), ("yes", "no"), ("no", "yes")]:
        first, _second = pair(audit, people, {"D1": fay, "D2": fay}, {"D1": sid, "D2": sid})
        services.pair_reconcile(
            first=first,
            user=moderator,
            decisions={
                question(audit, code).pk: (sid, "As the second auditor found") for code in ("D1", "D2")
            },
        )
    drifting = double.auditors_drifting()
    assert [d.auditor for d in drifting] == [people[0]]
    client.force_login(manager)
    page = client.get(reverse("audits-drift")).content.decode()
    listed = page[: page.index("auditors with moderated or reconciled answers")]
    assert "Fay First" in listed
    assert "Sid Second" not in listed
    assert "2 auditors with moderated or reconciled answers" in page
    assert "Sid Second" in page[page.index("Every auditor measured") :]  # every auditor, poorest first


def test_auditors_never_see_the_drift_page_or_the_pairs(client, people):
    audit = double_audit()
    pair(audit, people, {"D1": "yes"}, {"D1": "no"})
    for person in people:
        client.force_login(person)
        assert client.get(reverse("audits-drift")).status_code == 403
        assert client.get(reverse("audits-pairs", args=[audit.uuid])).status_code == 403


def test_the_dashboard_and_its_drilldown_count_a_double_scored_case_once_with_the_agreed_answer(
    people, moderator, manager
):
    """D10 measures "chronology on file". The pair: the first auditor Yes, the second No, agreed No; another
    case scored once, Yes. Before reconciling, the first scoring's Yes and the other Yes: 2 of 2 -> 100%.
    After: the agreed No and the Yes: 1 of 2 -> 50%. The second scoring never counts (it would make 3)."""
    audit = double_audit()
    first, _second = pair(audit, people, {"D10": "yes"}, {"D10": "no"})
    single = CaseAudit.objects.create(
        audit=audit,
        child=ChildFactory.create(),
        record_id=999,
        record_date=first.record_date,
        status=CaseAudit.Status.SUBMITTED,
    )
    Answer.objects.create(case_audit=single, question=question(audit, "D10"), value="yes")
    metric = next(m for m in measures.METRICS if m.key == MetricKey.CHRONOLOGY_ON_FILE)
    month = first.record_date.replace(day=1)

    def figures() -> tuple[str, str, list[str]]:
        answers = selectors.drilldown_answers(manager, metric, first=month, last=month)
        tally = metric_services._audit(first.record_date)[(metric.key, month, None)]
        dashboard = Figure(tally.numerator, tally.denominator)
        return (
            str(dashboard),
            str(selectors.answers_figure(answers)),
            [drilldown.answer_label(a) for a in answers],
        )

    assert figures() == ("100% (2 of 2)", "100% (2 of 2)", ["Yes", "Yes"])
    services.pair_reconcile(
        first=first, user=moderator, decisions={question(audit, "D10").pk: ("no", "Not on file")}
    )
    dashboard, drilled, labels = figures()
    assert (dashboard, drilled) == ("50% (1 of 2)", "50% (1 of 2)")
    assert sorted(labels) == ["No (agreed on reconciliation; the auditor answered Yes)", "Yes"]
    assert str(results.audit_results(audit).question("D10").figure) == "50% (1 of 2)"
