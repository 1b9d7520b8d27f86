"""`{% standard_tag %}`: a record's standard as a GOV.UK tag, with the labels a template gives it."""

import pytest
from django.template import Context, Template


def _render(source: str, **context) -> str:
    return Template("{% load standard_tags %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, '<strong class="govuk-tag govuk-tag--grey">Not yet known</strong>'),
        (True, '<strong class="govuk-tag govuk-tag--green">Met</strong>'),
        (False, '<strong class="govuk-tag govuk-tag--red">Not met</strong>'),
    ],
)
def test_each_value_has_its_colour_and_default_label(value, expected):
    assert _render("{% standard_tag value %}", value=value) == expected


def test_a_template_names_its_own_labels():
    source = '{% standard_tag value none_label="Unknown (not in its source)" yes_label="Yes" no_label="No" %}'
    assert _render(source, value=None).endswith(">Unknown (not in its source)</strong>")
    assert _render(source, value=True).endswith(">Yes</strong>")
    assert _render(source, value=False).endswith(">No</strong>")


def test_a_label_from_data_is_escaped():
    html = _render("{% standard_tag value yes_label=label %}", value=True, label="<b>x</b>")
    assert "&lt;b&gt;x&lt;/b&gt;" in html
    assert "<b>" not in html
