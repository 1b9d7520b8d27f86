"""The demo's targets for the percentage measures, so the dashboard shows red, amber and green from the
first `make run`. Each is made once: an administrator's later change is never overwritten."""

from django.contrib.auth.models import User

from cases.standards import MetricKey
from metrics.models import MetricTarget

# (green at or above, amber at or above): statutory timescales and recording standards, set high as
# councils set them; the synthetic data falls either side of some of them.
DEMO_TARGETS: dict[str, tuple[int, int]] = {
    MetricKey.S47_WITHIN_15_DAYS: (90, 80),
    MetricKey.ICPC_WITHIN_15_DAYS: (85, 75),
    MetricKey.CONSENT_RECORDED: (95, 85),
    MetricKey.CHRONOLOGY_ON_FILE: (90, 75),
    MetricKey.MANAGEMENT_OVERSIGHT: (95, 85),
    MetricKey.STRATEGY_AGENCIES: (90, 80),
    MetricKey.REFERRER_ACKNOWLEDGED: (90, 75),
}


def demo_targets_create(*, user: User | None) -> list[str]:
    """Creates the targets not yet set; returns the keys created."""
    created = []
    for key, (target, amber) in DEMO_TARGETS.items():
        _, made = MetricTarget.objects.get_or_create(
            metric=key, defaults={"target_percent": target, "amber_percent": amber, "updated_by": user}
        )
        if made:
            created.append(key)
    return created
