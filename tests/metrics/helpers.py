import datetime
from decimal import Decimal

from metrics.models import MetricSnapshot

D = datetime.date
TODAY = D(2014, 6, 16)  # a Monday, after the months the tests fill


def snapshot(
    metric: str, period: datetime.date, *, team=None, source: str = "records"
) -> MetricSnapshot | None:
    team_filter = {"team": team} if team else {"team__isnull": True}
    return MetricSnapshot.objects.filter(metric=metric, source=source, period=period, **team_filter).first()


def figure(metric: str, period: datetime.date, **kwargs) -> tuple[Decimal | int, int]:
    """(numerator, denominator) of a snapshot; (0, 0) when there is none."""
    found = snapshot(metric, period, **kwargs)
    return (found.numerator, found.denominator) if found else (0, 0)


def related(metric: str, period: datetime.date, **kwargs) -> int | None:
    found = snapshot(metric, period, **kwargs)
    return found.related_count if found else None


def count(metric: str, period: datetime.date, **kwargs) -> int | None:
    found = snapshot(metric, period, **kwargs)
    return int(found.numerator) if found else None
