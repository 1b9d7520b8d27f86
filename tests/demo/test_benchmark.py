"""The demo's neighbour councils (demo/benchmark.py, `manage.py load_demo_packs`): signed packs imported
through the same checks as a real one, suppressed as an export is, made once."""

import datetime
import random
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from demo.benchmark import DEMO_NEIGHBOURS, neighbour_figures
from metrics import benchmark, suppression
from metrics.models import BenchmarkPack, TrustedCouncilKey

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 12, 7)


@pytest.fixture
def demo_figures(recompute, time_machine):
    time_machine.move_to(datetime.datetime(2026, 12, 7, 9, 0, tzinfo=datetime.UTC), tick=False)
    with override_settings(DEBUG=True):
        call_command("load_demo", "--children", "40", stdout=StringIO())
    recompute(TODAY)


def _load(**settings) -> str:
    out = StringIO()
    with override_settings(DEBUG=True, **settings):
        call_command("load_demo_packs", stdout=out)
    return out.getvalue()


def _small(value) -> bool:
    return isinstance(value, int) and suppression.is_small(value)


def test_five_neighbours_are_imported_with_their_keys_trusted(demo_figures):
    assert "Demo benchmark packs imported: Demo neighbour North" in _load()
    packs = {pack.council_code: pack for pack in BenchmarkPack.objects.all()}
    assert set(packs) == {code for code, *_ in DEMO_NEIGHBOURS}
    for code, pack in packs.items():
        trusted = TrustedCouncilKey.objects.get(council_code=code)
        assert pack.key_id == benchmark.key_id(benchmark.public_key_load(trusted.public_key_pem))
        assert (pack.first_month, pack.last_month) == (datetime.date(2025, 12, 1), datetime.date(2026, 11, 1))


def test_no_pack_shows_a_small_number(demo_figures):
    _load()
    for pack in BenchmarkPack.objects.all():
        content = pack.content
        for measure in content["measures"].values():
            for figure in measure["months"].values():
                if figure is not None:
                    assert not _small(figure["met"]) and not _small(figure["total"] - figure["met"])
        for measure in content["counts"].values():
            assert not any(_small(value) for value in measure["months"].values())
        for question in content["audit_questions"]:
            assert "asked_after" not in question
            assert question["answers"] is None or not any(_small(v) for v in question["answers"].values())


def test_each_neighbour_is_our_figures_at_its_size_and_shifted_by_its_amount(demo_figures):
    own = benchmark.pack_figures(first=datetime.date(2025, 12, 1), last=datetime.date(2026, 11, 1))
    rng = random.Random(1)
    north = neighbour_figures(own, "DEMO-N", "North", 3.0, 20.0, rng)
    west = neighbour_figures(own, "DEMO-W", "West", 0.5, -20.0, rng)

    def totals(figures):
        return sum(f["total"] for m in figures["measures"].values() for f in m["months"].values())

    def met(figures):
        return sum(f["met"] for m in figures["measures"].values() for f in m["months"].values())

    assert totals(west) < totals(own) < totals(north)
    assert met(west) / totals(west) < met(own) / totals(own) < met(north) / totals(north)
    assert north["council_code"] == "DEMO-N" and north["council_name"] == "North"


def test_run_again_it_changes_nothing(demo_figures):
    _load()
    held = {pack.council_code: pack.content for pack in BenchmarkPack.objects.all()}
    assert "already held" in _load()
    assert {pack.council_code: pack.content for pack in BenchmarkPack.objects.all()} == held


def test_it_makes_the_demo_signing_key_only_at_the_demo_path(demo_figures, tmp_path):
    demo_key = tmp_path / "demo-key.pem"
    _load(DEMO_BENCHMARK_KEY_PATH=demo_key, BENCHMARK_SIGNING_KEY_PATH=str(demo_key))
    assert demo_key.exists() and demo_key.stat().st_mode & 0o077 == 0
    with override_settings(BENCHMARK_SIGNING_KEY_PATH=str(demo_key), COUNCIL_CODE="DEMO"):
        name, data = benchmark.pack_export(first=datetime.date(2026, 1, 1), last=datetime.date(2026, 3, 1))
    assert name == "benchmark-DEMO-2026-01-to-2026-03.json" and b'"signature"' in data

    real_key = tmp_path / "council.pem"
    _load(DEMO_BENCHMARK_KEY_PATH=demo_key, BENCHMARK_SIGNING_KEY_PATH=str(real_key))
    assert not real_key.exists()


def test_without_figures_it_imports_nothing_and_says_why(db):
    assert "No figures yet" in _load()
    assert not BenchmarkPack.objects.exists()


def test_it_refuses_to_run_with_debug_off(db):
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG is off"):
        call_command("load_demo_packs", stdout=StringIO())
