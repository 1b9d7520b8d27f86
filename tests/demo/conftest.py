import pytest

from metrics.services import metrics_recompute


@pytest.fixture
def recompute(db):
    def run(today):
        return metrics_recompute(today=today)

    return run
