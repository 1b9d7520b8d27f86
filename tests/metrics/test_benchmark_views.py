"""The benchmark pack pages: the regional comparison with its neighbours, the signed download and the
upload that checks the signature, and a pack carried from one install to another through them."""

import datetime
import html
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags

from audits.models import Answer
from cases.standards import MetricKey
from common.models import AccessLogEntry
from metrics import benchmark, regional
from metrics.models import BenchmarkPack, MetricSnapshot, TrustedCouncilKey
from tests.factories import AuditFactory, CaseAuditFactory, rating_tool_version

D = datetime.date
pytestmark = pytest.mark.django_db
MARCH = D(2014, 3, 1)


def own(metric, numerator, denominator=0, period=MARCH):
    MetricSnapshot.objects.create(
        metric=metric, period=period, numerator=numerator, denominator=denominator, computed_at=timezone.now()
    )


def held_pack(code, name, s47_march, *, cp_march=None, first_month=MARCH, made=None):
    """A pack held for council `code` with March's S47 figure (None: hidden) and children on plans."""
    return BenchmarkPack.objects.create(
        council_code=code,
        council_name=name,
        first_month=first_month,
        last_month=MARCH,
        content={
            "measures": {"s47_within_15_days": {"months": {"2014-03": s47_march}}},
            "counts": {"children_on_cp_plans": {"months": {"2014-03": cp_march}}},
            "audit_questions": [],
        },
        key_id="abcd",
        created_at=made or timezone.now(),
        imported_at=timezone.now(),
    )


def page_text(response) -> str:
    return " ".join(html.unescape(strip_tags(response.content.decode())).split())


@pytest.fixture
def region(settings):
    """This council: 13 of 18 in March. East 10 of 20, West 15 of 20, Hill hidden (fewer than 5)."""
    settings.COUNCIL_NAME = "Demo Borough Council"
    own(MetricKey.S47_WITHIN_15_DAYS, 13, 18)
    own(MetricKey.CHILDREN_ON_CP_PLANS, 120)
    held_pack("EST", "East Council", {"met": 10, "total": 20}, cp_march=200)
    held_pack("WST", "West Council", {"met": 15, "total": 20}, cp_march=80)
    held_pack("HIL", "Hill Council", None, cp_march=None)


def test_the_regional_view_shows_each_council_the_median_quartiles_and_rank(client, moderator, region):
    """March: 50%, 72% (ours) and 75%, Hill's hidden figure left out: median 72%; inclusive quartiles
    50 + (72.2 - 50) / 2 = 61% and 72.2 + (75 - 72.2) / 2 = 74%; ours 2nd of 3."""
    client.force_login(moderator)
    response = client.get(reverse("metrics-region"))

    assert response.status_code == 200
    text = page_text(response)
    assert "March 2014 72% (13 of 18) 50% (10 of 20) fewer than 5 75% (15 of 20) 61% 72% 74% 2nd of 3" in text
    assert "Demo Borough Council (this council)" in text
    assert "Export this council's benchmark pack" not in text  # a moderator neither exports nor imports


def test_choosing_statistical_neighbours_narrows_the_median_and_rank(client, manager, region):
    """East and Hill only: 50% and 72.2% (ours), Hill hidden; median 61%; inclusive quartiles a quarter
    of the way between: 50 + 22.2 / 4 = 56% and 50 + 22.2 * 3 / 4 = 67%; ours 1st of 2."""
    client.force_login(manager)
    response = client.get(
        reverse("metrics-region"), {"measure": "s47_within_15_days", "councils": ["EST", "HIL"]}
    )

    text = page_text(response)
    assert "March 2014 72% (13 of 18) 50% (10 of 20) fewer than 5 56% 61% 67% 1st of 2" in text
    assert "Percentage met, by month: Demo Borough Council and 2 other councils" in text


def test_a_count_measure_compares_the_counts(client, manager, region):
    """Children on plans: 120 (ours), 200 and 80, Hill hidden: median 120, ours 2nd of 3."""
    client.force_login(manager)
    response = client.get(reverse("metrics-region"), {"measure": "children_on_cp_plans"})

    assert "March 2014 120 200 fewer than 5 80 100 120 160 2nd of 3" in page_text(response)


def test_an_unknown_measure_or_council_is_an_error_not_a_crash(client, manager, region):
    client.force_login(manager)
    response = client.get(reverse("metrics-region"), {"measure": "nonsense", "councils": ["XXX"]})

    assert response.status_code == 200
    assert "Select a measure from the list" in page_text(response)


def test_the_regional_view_with_no_packs_says_so(client, report_officer):
    client.force_login(report_officer)
    assert "No other council's benchmark pack has been imported yet" in page_text(
        client.get(reverse("metrics-region"))
    )


@pytest.fixture
def north(tmp_path, settings):
    private_pem, public_pem = benchmark.key_pair_make()
    (tmp_path / "north.pem").write_bytes(private_pem)
    settings.COUNCIL_CODE, settings.COUNCIL_NAME = "NTH", "North Borough Council"
    settings.BENCHMARK_SIGNING_KEY_PATH = str(tmp_path / "north.pem")
    return public_pem.decode()


def test_a_manager_downloads_the_signed_pack_and_the_export_is_logged(client, manager, north):
    own(MetricKey.S47_WITHIN_15_DAYS, 13, 18)
    client.force_login(manager)

    response = client.post(reverse("metrics-benchmark-export"), {"first": "3 2014", "last": "3 2014"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="benchmark-NTH-2014-03-to-2014-03.json"'
    payload = json.loads(json.loads(response.content)["payload"])
    assert payload["measures"]["s47_within_15_days"]["months"] == {"2014-03": {"met": 13, "total": 18}}
    entry = AccessLogEntry.objects.get()
    assert (entry.action, entry.object_type, entry.user) == ("export", "benchmark pack", manager)


def test_the_export_page_says_when_no_signing_key_is_set(client, administrator, settings):
    settings.BENCHMARK_SIGNING_KEY_PATH = ""
    client.force_login(administrator)

    response = client.post(reverse("metrics-benchmark-export"), {"first": "3 2014", "last": "3 2014"})

    assert response.status_code == 200
    assert "No signing key is set" in page_text(response)
    assert not AccessLogEntry.objects.exists()


def test_the_export_months_must_be_in_order(client, administrator, north):
    client.force_login(administrator)
    response = client.post(reverse("metrics-benchmark-export"), {"first": "4 2014", "last": "3 2014"})
    assert "The 'to' month must be the same as or after the 'from' month." in page_text(response)


def test_a_pack_goes_from_one_install_to_another_through_the_pages(
    client, manager, north, settings, tmp_path
):
    """North downloads its pack; South (another council, none of North's figures) trusts North's key,
    uploads the pack, and its regional view shows North beside it: 75% (ours) and 72.2%, median 73.6%,
    quartiles 72.9% and 74.3%, ours 1st of 2."""
    own(MetricKey.S47_WITHIN_15_DAYS, 13, 18)
    client.force_login(manager)
    data = client.post(reverse("metrics-benchmark-export"), {"first": "3 2014", "last": "3 2014"}).content

    MetricSnapshot.objects.all().delete()
    own(MetricKey.S47_WITHIN_15_DAYS, 9, 12)
    settings.COUNCIL_CODE, settings.COUNCIL_NAME = "STH", "South County Council"
    TrustedCouncilKey.objects.create(
        council_code="NTH", council_name="North Borough Council", public_key_pem=north
    )
    upload = tmp_path / "pack.json"
    upload.write_bytes(data)
    with upload.open("rb") as pack_file:
        response = client.post(reverse("metrics-benchmark-import"), {"pack": pack_file}, follow=True)

    assert response.redirect_chain == [(reverse("metrics-region"), 302)]
    text = page_text(response)
    assert "Imported the benchmark pack of North Borough Council for March 2014 to March 2014." in text
    assert "March 2014 75% (9 of 12) 72% (13 of 18) 73% 74% 74% 1st of 2" in text
    pack = BenchmarkPack.objects.get()
    assert pack.imported_by == manager
    assert AccessLogEntry.objects.filter(action="import", object_ref="NTH").exists()


def test_an_altered_pack_is_refused_on_upload_with_the_reason(
    client, administrator, north, settings, tmp_path
):
    own(MetricKey.S47_WITHIN_15_DAYS, 13, 18)
    _name, data = benchmark.pack_export(first=MARCH, last=MARCH)
    envelope = json.loads(data)
    envelope["payload"] = envelope["payload"].replace('"met": 13', '"met": 17')
    settings.COUNCIL_CODE = "STH"
    TrustedCouncilKey.objects.create(
        council_code="NTH", council_name="North Borough Council", public_key_pem=north
    )
    upload = tmp_path / "altered.json"
    upload.write_text(json.dumps(envelope))
    client.force_login(administrator)

    with upload.open("rb") as pack_file:
        response = client.post(reverse("metrics-benchmark-import"), {"pack": pack_file})

    assert response.status_code == 200
    assert (
        "The pack was not imported. The pack's signature does not verify with the key trusted for North Borough "
        "Council" in page_text(response)
    )
    assert not BenchmarkPack.objects.exists()


def test_a_moderator_may_compare_but_not_export_or_import(client, moderator):
    client.force_login(moderator)
    assert client.get(reverse("metrics-region")).status_code == 200
    assert client.get(reverse("metrics-benchmark-export")).status_code == 403
    assert client.post(reverse("metrics-benchmark-import")).status_code == 403


def test_the_regional_view_costs_the_same_queries_for_more_packs(
    client, manager, region, django_assert_num_queries
):
    """Session, user and roles, then the packs, this council's figures and its audit answers: one query
    each, however many packs are held."""
    client.force_login(manager)
    client.get(reverse("metrics-region"))  # warms the session
    with django_assert_num_queries(6) as first:
        client.get(reverse("metrics-region"))
    held_pack("NEW", "New Council", {"met": 9, "total": 10})
    with django_assert_num_queries(len(first.captured_queries)):
        client.get(reverse("metrics-region"))


def test_the_most_recently_made_pack_of_a_council_wins_a_month_two_cover(client, manager, region):
    """East sends a corrected pack for March, 12 of 20, made later: it is shown, not the first 10 of 20."""
    held_pack(
        "EST",
        "East Council",
        {"met": 12, "total": 20},
        first_month=D(2014, 2, 1),
        made=timezone.now() + datetime.timedelta(days=1),
    )
    client.force_login(manager)

    text = page_text(client.get(reverse("metrics-region")))

    assert "60% (12 of 20)" in text
    assert "50% (10 of 20)" not in text


def test_councils_with_the_same_figure_share_a_rank():
    """Ours 0.5 among 0.75, 0.5, 0.5 and 0.25: one higher, so =2nd of 4; none: no rank."""
    assert regional.rank(0.5, [0.75, 0.5, 0.5, 0.25]) == "=2nd of 4"
    assert regional.rank(0.75, [0.75, 0.5]) == "1st of 2"
    assert regional.rank(0.25, [0.25] + [0.5] * 10) == "11th of 11"
    assert regional.rank(None, [0.5]) == ""


def test_the_audit_answers_of_each_pack_are_shown_beside_this_councils(client, manager, region):
    """East's pack: Q1 Yes 12, No 6 and Q2 hidden; West's holds no such question; this council has none."""
    east = BenchmarkPack.objects.get(council_code="EST")
    east.content["audit_questions"] = [
        {
            "tool": "S47",
            "version": 1,
            "code": "Q1",
            "text": "Was consent recorded?",
            "answers": {"yes": 12, "partly": 0, "no": 6, "na": 0},
        },
        {"tool": "S47", "version": 1, "code": "Q2", "text": "Was the child seen?", "answers": None},
    ]
    east.save()
    client.force_login(manager)

    text = page_text(client.get(reverse("metrics-region")))

    assert (
        "S47 (version 1) Q1 Was consent recorded? No figure Yes 12, Partly 0, No 6, N/A 0 No figure No figure"
        in text
    )
    assert "Q2 Was the child seen? No figure fewer than 5 in an answer No figure No figure" in text


def test_this_councils_own_audit_answers_are_shown_whole(client, manager, region):
    """Ours: Q1 Yes in three submitted March case audits, No in two: shown as they are (it is our own
    figure, never sent); East's pack holds the same tool question."""
    tool = rating_tool_version(questions=1)
    question = tool.sections.get().questions.get()
    for n, value in enumerate(["yes", "yes", "yes", "no", "no"]):
        case_audit = CaseAuditFactory.create(
            audit=AuditFactory.create(tool_version=tool), status="submitted", record_date=D(2014, 3, 10),
            child__child_id=f"C-OWN-{n}",
        )  # fmt: skip
        Answer.objects.create(case_audit=case_audit, question=question, value=value)
    east = BenchmarkPack.objects.get(council_code="EST")
    east.content["audit_questions"] = [
        {"tool": tool.tool.name, "version": 1, "code": "Q1", "text": question.text, "answers": None}
    ]
    east.save()
    client.force_login(manager)

    text = page_text(client.get(reverse("metrics-region")))

    assert "Q1 Was practice standard 1 met? Yes 3, Partly 0, No 2, N/A 0 fewer than 5 in an answer" in text
    assert "C-OWN" not in text
