import pytest

from reporting.services import metrics_recompute
from tests.reporting.helpers import TODAY


@pytest.fixture
def recompute(db):
    def run(today=TODAY) -> int:
        return metrics_recompute(today=today)

    return run
