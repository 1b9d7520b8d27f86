"""The demo's neighbours: signed benchmark packs of five synthetic councils, so the regional view
(metrics/regional.py) has something to compare with from the first `make run`.

Each neighbour is this install's own figures for the last twelve complete months, scaled to a council of
another size (and a larger audit programme) and shifted up or down by a seeded amount, then suppressed as
an export is, signed with a key made for it and imported through the same checks as a real pack (its key
trusted first). The councils are invented ("Demo neighbour North" ...); nothing in them comes from a real
council. Made once: run again, it finds the packs and changes nothing."""

import datetime
import random
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from metrics import benchmark
from metrics.models import BenchmarkPack
from metrics.periods import add_months, last_complete_month

# code, name, size (their totals against ours), shift (their rates against ours, in points)
DEMO_NEIGHBOURS: tuple[tuple[str, str, float, float], ...] = (
    ("DEMO-N", "Demo neighbour North", 1.4, 6.0),
    ("DEMO-E", "Demo neighbour East", 0.8, -4.0),
    ("DEMO-S", "Demo neighbour South", 2.1, 2.5),
    ("DEMO-W", "Demo neighbour West", 1.1, -9.0),
    ("DEMO-C", "Demo neighbour Central", 0.6, 11.0),
)
MONTHS = 12


AUDITED = 4.0  # each neighbour audits about four times as many cases as the demo audit holds


def _compliance(figure: dict[str, int], size: float, shift: float, rng: random.Random) -> dict[str, int]:
    total = round(figure["total"] * size * rng.uniform(0.85, 1.15))
    rate = figure["met"] / figure["total"] if figure["total"] else 0.0
    rate = min(1.0, max(0.0, rate + (shift + rng.uniform(-4, 4)) / 100))
    return {"met": round(total * rate), "total": total}


def neighbour_figures(
    own: dict[str, Any], code: str, name: str, size: float, shift: float, rng: random.Random
) -> dict[str, Any]:
    """A neighbour's figures, before suppression, made from our own (metrics.benchmark.pack_figures)."""
    figures = {**own, "council_code": code, "council_name": name}
    figures["measures"] = {
        key: {
            **measure,
            "months": {m: _compliance(f, size, shift, rng) for m, f in measure["months"].items()},
        }
        for key, measure in own["measures"].items()
    }
    figures["counts"] = {
        key: {
            **measure,
            "months": {m: round(v * size * rng.uniform(0.85, 1.15)) for m, v in measure["months"].items()},
        }
        for key, measure in own["counts"].items()
    }
    figures["audit_questions"] = [
        {
            **question,
            "answers": {
                key: round(value * size * AUDITED * rng.uniform(0.6, 1.4))
                for key, value in question["answers"].items()
            },
        }
        for question in own["audit_questions"]
    ]
    return figures


def demo_benchmark_packs_create(*, today: datetime.date, seed: int) -> list[BenchmarkPack]:
    """Imports the neighbours' packs not held yet; returns those imported."""
    last = last_complete_month(today)
    first = add_months(last, -(MONTHS - 1))
    own = benchmark.pack_figures(first=first, last=last)
    rng = random.Random(f"{seed}/benchmark-neighbours")  # noqa: S311 - made-up figures, not a secret
    imported = []
    for code, name, size, shift in DEMO_NEIGHBOURS:
        # Drawn even when held, so each neighbour's figures are the same whichever are missing.
        content = benchmark.pack_suppress(neighbour_figures(own, code, name, size, shift, rng))
        if BenchmarkPack.objects.filter(council_code=code).exists():
            continue
        key = Ed25519PrivateKey.generate()
        public_pem = benchmark.public_pem_of(key).decode()
        benchmark.trusted_key_save(council_code=code, council_name=name, public_key_pem=public_pem, user=None)
        imported.append(benchmark.benchmark_pack_import(data=benchmark.pack_sign(content, key), user=None))
    return imported
