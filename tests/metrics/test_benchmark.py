"""Benchmark packs: what a pack holds (all teams, records only, small numbers hidden, no names), its
signature, the refusals on import, the commands and a round trip from one install to another."""

import base64
import datetime
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.utils import timezone

from audits.models import Answer, CaseAudit
from cases.standards import MetricKey
from common.models import AccessLogEntry
from metrics import benchmark
from metrics.admin import TrustedCouncilKeyForm
from metrics.benchmark import BenchmarkPackError
from metrics.models import BenchmarkPack, MetricSnapshot, TrustedCouncilKey
from tests.factories import (
    AuditFactory,
    CaseAuditFactory,
    QuestionFactory,
    TeamFactory,
    rating_tool_version,
)

D = datetime.date
pytestmark = pytest.mark.django_db
MARCH, APRIL = D(2014, 3, 1), D(2014, 4, 1)


def snap(metric, period, numerator, denominator=0, *, team=None, source="records"):
    return MetricSnapshot.objects.create(
        metric=metric,
        period=period,
        numerator=numerator,
        denominator=denominator,
        team=team,
        source=source,
        computed_at=timezone.now(),
    )


@pytest.fixture
def north_key(tmp_path, settings):
    """This install is North (NTH), with its signing key on disk."""
    private_pem, public_pem = benchmark.key_pair_make()
    path = tmp_path / "north.pem"
    path.write_bytes(private_pem)
    settings.COUNCIL_CODE, settings.COUNCIL_NAME = "NTH", "North Borough Council"
    settings.BENCHMARK_SIGNING_KEY_PATH = str(path)
    return public_pem.decode()


def become_south(settings, north_public_pem, *, trust=True):
    """The same database, now another install (South) that trusts North's key."""
    settings.COUNCIL_CODE, settings.COUNCIL_NAME = "STH", "South County Council"
    if trust:
        TrustedCouncilKey.objects.create(
            council_code="NTH", council_name="North Borough Council", public_key_pem=north_public_pem
        )


def test_a_pack_holds_all_teams_record_figures_only_with_small_numbers_hidden(north_key):
    """March: 13 of 18 within 15 days (published); 3 of 18 chronology (hidden); a team's row and the
    auditors' findings left out. Counts: 120 on plans, 3 looked after (hidden)."""
    north = TeamFactory.create(code="NORTH-T", name="Northern Team")
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 13, 18)
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 7, 9, team=north)
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 2.5, 6, source="audit")
    snap(MetricKey.CHRONOLOGY_ON_FILE, MARCH, 3, 18)
    snap(MetricKey.CHILDREN_ON_CP_PLANS, MARCH, 120)
    snap(MetricKey.CHILDREN_LOOKED_AFTER, MARCH, 3)
    snap(MetricKey.TURNING_18_LOOKED_AFTER, MARCH, 40)

    content = benchmark.pack_build(first=MARCH, last=APRIL)

    assert content["council_code"] == "NTH"
    assert content["measures"]["s47_within_15_days"]["months"] == {"2014-03": {"met": 13, "total": 18}}
    assert content["measures"]["chronology_on_file"]["months"] == {"2014-03": None}
    assert content["counts"]["children_on_cp_plans"]["months"] == {"2014-03": 120}
    assert content["counts"]["children_looked_after"]["months"] == {"2014-03": None}
    assert "turning_18_looked_after" not in content["counts"]
    assert "Northern Team" not in json.dumps(content)
    assert "NORTH-T" not in json.dumps(content)


def _case_audit_with(tool, values, *, status=CaseAudit.Status.SUBMITTED, child_id):
    case_audit = CaseAuditFactory.create(
        audit=AuditFactory.create(tool_version=tool),
        status=status,
        record_date=D(2014, 3, 10),
        child__child_id=child_id,
    )
    questions = list(tool.sections.get().questions.order_by("order"))
    for question, value in zip(questions, values, strict=False):
        Answer.objects.create(case_audit=case_audit, question=question, value=value)
    return case_audit


def test_audit_answers_are_counted_per_question_from_submitted_case_audits_and_small_rows_hidden(north_key):
    """Six submitted case audits: Q1 Yes in all six (published 6, 0, 0, 0); Q2 Yes in five and No in one
    (hidden: 1 No). An audit in progress is not counted; no child ID is in the pack."""
    tool = rating_tool_version(questions=2)
    for n in range(5):
        _case_audit_with(tool, ["yes", "yes"], child_id=f"C-PACK-{n}")
    _case_audit_with(tool, ["yes", "no"], child_id="C-PACK-5")
    _case_audit_with(tool, ["no", "no"], status=CaseAudit.Status.IN_PROGRESS, child_id="C-PACK-6")

    questions = benchmark.pack_build(first=MARCH, last=MARCH)["audit_questions"]

    assert [(q["code"], q["answers"]) for q in questions] == [
        ("Q1", {"yes": 6, "partly": 0, "no": 0, "na": 0}),
        ("Q2", None),
    ]
    assert "C-PACK" not in json.dumps(questions)


def test_a_question_asked_after_a_hidden_one_is_hidden_in_the_pack(north_key):
    """Q1 is Yes in five cases and No in two (hidden); Q3, asked only where Q1 is Yes, is Yes in all five:
    its row would give away Q1's Yes count, so it is hidden too."""
    tool = rating_tool_version(questions=2)
    section = tool.sections.get()
    first = section.questions.get(code="Q1")
    gated = QuestionFactory.create(
        section=section, order=3, code="Q3", applies_if=first, applies_if_values=["yes"]
    )
    for n in range(7):
        case_audit = _case_audit_with(tool, ["yes" if n < 5 else "no", "yes"], child_id=f"C-G{n}")
        if n < 5:
            Answer.objects.create(case_audit=case_audit, question=gated, value="yes")

    questions = {
        q["code"]: q["answers"] for q in benchmark.pack_build(first=MARCH, last=MARCH)["audit_questions"]
    }

    assert questions == {"Q1": None, "Q2": {"yes": 7, "partly": 0, "no": 0, "na": 0}, "Q3": None}


def test_a_signed_pack_verifies_against_the_trusted_key_and_imports(north_key, settings):
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 13, 18)
    name, data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key)

    pack = benchmark.benchmark_pack_import(data=data, user=None)

    assert name == "benchmark-NTH-2014-03-to-2014-03.json"
    pack.refresh_from_db()
    assert (pack.council_code, pack.council_name, pack.first_month) == ("NTH", "North Borough Council", MARCH)
    assert pack.content["measures"]["s47_within_15_days"]["months"]["2014-03"] == {"met": 13, "total": 18}
    assert pack.key_id == benchmark.key_id(benchmark.public_key_load(north_key))


def _altered(data: bytes, change) -> bytes:
    envelope = json.loads(data)
    content = json.loads(envelope["payload"])
    change(content)
    envelope["payload"] = json.dumps(content)
    return json.dumps(envelope).encode()


def test_a_pack_altered_after_signing_is_refused(north_key, settings):
    """13 of 18 changed to 17 of 18 on the way: the signature no longer verifies; nothing is stored."""
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 13, 18)
    _name, data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key)
    altered = _altered(
        data,
        lambda c: c["measures"]["s47_within_15_days"]["months"].update({"2014-03": {"met": 17, "total": 18}}),
    )

    with pytest.raises(BenchmarkPackError, match="signature does not verify .* North Borough Council"):
        benchmark.benchmark_pack_import(data=altered, user=None)
    assert not BenchmarkPack.objects.exists()


def test_a_pack_signed_with_another_key_is_refused(north_key, settings, tmp_path):
    """An impostor signs a pack naming North with its own key."""
    impostor, _public = benchmark.key_pair_make()
    (tmp_path / "impostor.pem").write_bytes(impostor)
    settings.BENCHMARK_SIGNING_KEY_PATH = str(tmp_path / "impostor.pem")
    _name, data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key)

    with pytest.raises(BenchmarkPackError, match="signature does not verify"):
        benchmark.benchmark_pack_import(data=data, user=None)
    assert not BenchmarkPack.objects.exists()


def test_a_pack_from_a_council_whose_key_is_not_trusted_is_refused(north_key, settings):
    _name, data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key, trust=False)

    with pytest.raises(BenchmarkPackError, match="council NTH, whose key this install does not trust"):
        benchmark.benchmark_pack_import(data=data, user=None)


def test_a_pack_whose_signature_is_not_base64_or_file_not_json_is_refused(north_key, settings):
    _name, data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key)
    envelope = json.loads(data)
    envelope["signature"] = "not base64!"
    with pytest.raises(BenchmarkPackError, match="signature does not verify"):
        benchmark.benchmark_pack_import(data=json.dumps(envelope).encode(), user=None)
    envelope["signature"] = base64.b64encode(b"x" * 64).decode()
    with pytest.raises(BenchmarkPackError, match="signature does not verify"):
        benchmark.benchmark_pack_import(data=json.dumps(envelope).encode(), user=None)
    with pytest.raises(BenchmarkPackError, match="not JSON"):
        benchmark.benchmark_pack_import(data=b"\x89PNG", user=None)


def test_this_councils_own_pack_is_not_imported(north_key):
    TrustedCouncilKey.objects.create(council_code="NTH", council_name="North", public_key_pem=north_key)
    _name, data = benchmark.pack_export(first=MARCH, last=MARCH)

    with pytest.raises(BenchmarkPackError, match="this council's own"):
        benchmark.benchmark_pack_import(data=data, user=None)


def test_exporting_without_a_signing_key_says_how_to_make_one(settings):
    settings.BENCHMARK_SIGNING_KEY_PATH = ""
    with pytest.raises(BenchmarkPackError, match="benchmark_keygen"):
        benchmark.pack_export(first=MARCH, last=MARCH)


def test_the_same_council_and_months_imported_again_replace_the_pack_held(north_key, settings):
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 13, 18)
    _name, first_data = benchmark.pack_export(first=MARCH, last=MARCH)
    MetricSnapshot.objects.update(numerator=12)
    _name, second_data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key)

    benchmark.benchmark_pack_import(data=first_data, user=None)
    benchmark.benchmark_pack_import(data=second_data, user=None)

    assert (
        BenchmarkPack.objects.get().content["measures"]["s47_within_15_days"]["months"]["2014-03"]["met"]
        == 12
    )


def test_an_older_copy_of_a_pack_does_not_undo_a_newer_one(north_key, settings):
    """North corrects March (12 of 18, made an hour later); the first copy, sent again, is refused."""
    snap(MetricKey.S47_WITHIN_15_DAYS, MARCH, 13, 18)
    with time_machine.travel(datetime.datetime(2014, 6, 16, 9, 0, tzinfo=datetime.UTC), tick=False):
        _name, first_data = benchmark.pack_export(first=MARCH, last=MARCH)
    MetricSnapshot.objects.update(numerator=12)
    with time_machine.travel(datetime.datetime(2014, 6, 16, 10, 0, tzinfo=datetime.UTC), tick=False):
        _name, second_data = benchmark.pack_export(first=MARCH, last=MARCH)
    become_south(settings, north_key)
    benchmark.benchmark_pack_import(data=second_data, user=None)

    with pytest.raises(BenchmarkPackError, match="A newer pack of North Borough Council .* is held already"):
        benchmark.benchmark_pack_import(data=first_data, user=None)
    assert (
        BenchmarkPack.objects.get().content["measures"]["s47_within_15_days"]["months"]["2014-03"]["met"]
        == 12
    )


def test_the_admin_form_refuses_a_key_that_is_not_an_ed25519_public_key(settings):
    settings.COUNCIL_CODE = "STH"
    form = TrustedCouncilKeyForm(
        {"council_code": "NTH", "council_name": "North", "public_key_pem": "-----BEGIN PUBLIC KEY-----\nxx"}
    )
    assert form.errors == {"public_key_pem": ["The public key is not a PEM public key (BEGIN PUBLIC KEY)."]}
    own = TrustedCouncilKeyForm(
        {"council_code": "STH", "council_name": "Us", "public_key_pem": benchmark.key_pair_make()[1].decode()}
    )
    assert own.errors == {"council_code": ["Enter another council's code: that is this council's own."]}


def test_the_commands_make_keys_export_trust_and_import_a_pack_between_two_installs(tmp_path, settings):
    """North makes its keys and exports; South trusts North's public key and imports; a tampered copy is
    refused with the reason."""
    settings.COUNCIL_CODE, settings.COUNCIL_NAME = "NTH", "North Borough Council"
    call_command("benchmark_keygen", str(tmp_path / "north.pem"), str(tmp_path / "north.pub"))
    settings.BENCHMARK_SIGNING_KEY_PATH = str(tmp_path / "north.pem")
    snap(MetricKey.CONSENT_RECORDED, MARCH, 20, 25)
    call_command(
        "export_benchmark_pack",
        "--first",
        "2014-03",
        "--last",
        "2014-03",
        "--output",
        str(tmp_path / "pack.json"),
    )
    with pytest.raises(CommandError, match="exists already"):
        call_command("benchmark_keygen", str(tmp_path / "north.pem"), str(tmp_path / "other.pub"))

    MetricSnapshot.objects.all().delete()  # South holds none of North's figures
    settings.COUNCIL_CODE, settings.COUNCIL_NAME = "STH", "South County Council"
    with pytest.raises(CommandError, match="was not imported. The pack is from council NTH"):
        call_command("import_benchmark_pack", str(tmp_path / "pack.json"))
    call_command("benchmark_trust", "NTH", "North Borough Council", str(tmp_path / "north.pub"))
    call_command("import_benchmark_pack", str(tmp_path / "pack.json"))
    tampered = _altered((tmp_path / "pack.json").read_bytes(), lambda c: c.update(council_name="Elsewhere"))
    (tmp_path / "tampered.json").write_bytes(tampered)
    with pytest.raises(CommandError, match="signature does not verify"):
        call_command("import_benchmark_pack", str(tmp_path / "tampered.json"))

    pack = BenchmarkPack.objects.get()
    assert pack.content["measures"]["consent_recorded"]["months"] == {"2014-03": {"met": 20, "total": 25}}
    assert list(AccessLogEntry.objects.values_list("action", "object_type").order_by("pk")) == [
        ("export", "benchmark pack"),
        ("import", "benchmark pack"),
    ]
