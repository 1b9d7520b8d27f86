"""`{% filter_form %}` (common/templatetags/filter_forms.py): a list's filter form comes from the cache only
while it would render the same HTML; whatever it is made from (the filters sent, the options, a team's
name) makes another rendering."""

import pytest
from crispy_forms.utils import render_crispy_form
from django.core.cache import cache
from django.db import connection
from django.http import QueryDict
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext

from cases.filters import S47EnquiryFilter
from cases.models import S47Enquiry
from common.forms import field_choices_key
from tests.factories import TeamFactory

pytestmark = pytest.mark.django_db

TEMPLATE = Template("{% load filter_forms %}{% filter_form form %}")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def form(query: str = ""):
    return S47EnquiryFilter(QueryDict(query), queryset=S47Enquiry.objects.all()).form


def rendered(query: str = "") -> str:
    return TEMPLATE.render(Context({"form": form(query)}))


def uncached(query: str = "") -> str:
    filter_form = form(query)
    return render_crispy_form(filter_form, helper=filter_form.helper)


@pytest.mark.parametrize(
    "query", ["", "team=999", "child_id=C1&outcome=nfa", "start_from_0=31&start_from_1=2&start_from_2=2024"]
)
def test_the_cached_rendering_is_the_rendering(query):
    first = rendered(query)
    assert first == rendered(query) == uncached(query)  # from the cache the second time, the same HTML
    assert "Apply filters" in first and 'method="get"' in first


def test_the_second_rendering_comes_from_the_cache():
    TeamFactory.create(name="Assessment team North")
    rendered("child_id=C1")
    key = form("child_id=C1").cache_key()
    assert "Assessment team North" in cache.get(key)


def test_other_filters_or_changed_options_render_afresh():
    north = TeamFactory.create(name="Assessment team North")
    keys = {
        form(q).cache_key()
        for q in ("", "child_id=C1", f"team={north.pk}", "start_from_0=31&start_from_1=2&start_from_2=2024")
    }
    assert len(keys) == 4
    before = rendered(f"team={north.pk}")
    assert "Assessment team North" in before and "error" not in before.lower()

    north.name = "Assessment team East"
    north.save()
    after = rendered(f"team={north.pk}")
    assert "Assessment team East" in after and "Assessment team North" not in after
    TeamFactory.create(name="Assessment team South")
    assert "Assessment team South" in rendered(f"team={north.pk}")


def test_with_no_time_to_keep_it_nothing_is_kept(settings):
    settings.FILTER_FORM_CACHE_SECONDS = 0
    rendered("child_id=C2")
    assert cache.get(form("child_id=C2").cache_key()) is None


def test_the_key_reads_each_model_fields_options_in_one_plain_query():
    TeamFactory.create_batch(3)
    filter_form = form()
    with CaptureQueriesContext(connection) as queries:
        filter_form.cache_key()
    sql = [query["sql"] for query in queries]
    assert len(sql) == 2  # the teams and the workers
    assert not any("DECLARE" in statement or "CURSOR" in statement for statement in sql)


def test_the_key_holds_the_options_the_widget_draws():
    TeamFactory.create_batch(3)
    field = form().fields["team"]
    assert field_choices_key(field) == [(str(value), str(label)) for value, label in field.choices]
