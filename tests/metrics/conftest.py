import pytest

from metrics.services import metrics_recompute
from tests.metrics.helpers import TODAY


@pytest.fixture
def recompute(db):
    def run(today=TODAY) -> int:
        return metrics_recompute(today=today)

    return run
