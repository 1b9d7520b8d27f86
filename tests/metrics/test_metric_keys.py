"""One list of metric keys (`cases.standards.MetricKey`): every app's choices and definitions use it."""

from actions.models import PlanIssue
from audits.models import Question
from cases import standards
from cases.standards import AUDIT_KEYS, COUNT_KEYS, PERCENT_KEYS, MetricKey, metric_choices
from metrics import measures
from metrics.models import MetricSnapshot, MetricTarget


def choices(model, field: str) -> list[tuple[str, str]]:
    return [(value, label) for value, label in model._meta.get_field(field).choices if value]


def test_each_key_is_a_percentage_or_a_count_and_audit_keys_are_percentages():
    assert set(PERCENT_KEYS) | set(COUNT_KEYS) == set(MetricKey)
    assert not set(PERCENT_KEYS) & set(COUNT_KEYS)
    assert set(AUDIT_KEYS) < set(PERCENT_KEYS)


def test_the_measures_are_defined_in_the_keys_order_and_named_by_them():
    assert [m.key for m in measures.METRICS] == list(PERCENT_KEYS)
    assert [c.key for c in measures.COUNT_MEASURES] == list(COUNT_KEYS)
    assert measures.get("consent_recorded").name == "Consent decision recorded"
    assert measures.LEAVING_CARE.name == "Young people leaving care at 18"


def test_every_percentage_says_which_source_fields_it_needs():
    assert set(standards.SOURCE_NEEDS) == set(PERCENT_KEYS)


def test_the_models_choices_are_the_keys_with_their_names():
    assert choices(MetricSnapshot, "metric") == MetricKey.choices
    assert choices(MetricTarget, "metric") == choices(PlanIssue, "metric") == metric_choices(PERCENT_KEYS)
    assert choices(Question, "measures") == metric_choices(AUDIT_KEYS)


def test_a_key_is_its_plain_string_wherever_it_is_written():
    """Stored in a JSON report, a URL or a dict lookup, the member is the key itself."""
    key = MetricKey.STRATEGY_AGENCIES
    assert (str(key), f"{key}", key == "strategy_agencies") == (
        "strategy_agencies",
        "strategy_agencies",
        True,
    )
    assert measures.BY_KEY["strategy_agencies"].key is key
