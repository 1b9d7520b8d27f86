"""The scoring page's repeated inputs, drawn in Python: a question's answer radios and its learning-theme
checkboxes. A case audit shows a dozen questions, each with four radios and a checkbox per theme; as
template loops they cost more than the rest of the page together (see docs/operations.md, capacity)."""

from collections.abc import Collection, Iterable

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from audits.models import Theme

register = template.Library()

RADIO = (
    '<div class="govuk-radios__item">'
    '<input class="govuk-radios__input" id="{0}-value-{1}" name="value" type="radio" value="{1}"{2}{3}>'
    '<label class="govuk-label govuk-radios__label" for="{0}-value-{1}">{4}</label>'
    "</div>"
)
CHECKBOX = (
    '<div class="govuk-checkboxes__item">'
    '<input class="govuk-checkboxes__input" id="{0}-theme-{1}" name="theme_list" type="checkbox" value="{2}"{3}>'
    '<label class="govuk-label govuk-checkboxes__label" for="{0}-theme-{1}">{4}</label>'
    "</div>"
)
CHECKED = " checked"
DISABLED = " disabled"


@register.simple_tag
def value_radios(
    choices: Iterable[tuple[str, str]], anchor: str, current: str | None, *, disabled: bool = False
) -> SafeString:
    """One radio per answer value (`choices`: value and label), `current` checked."""
    return format_html_join(
        "",
        RADIO,
        (
            (anchor, value, CHECKED if value == current else "", DISABLED if disabled else "", label)
            for value, label in choices
        ),
    )


@register.simple_tag
def theme_checkboxes(themes: Iterable[Theme], tagged: Collection[int], anchor: str) -> SafeString:
    """One checkbox per learning theme, those in `tagged` (theme ids) ticked."""
    return format_html_join(
        "",
        CHECKBOX,
        (
            (anchor, theme.pk, theme.uuid, CHECKED if theme.pk in tagged else "", theme.name)
            for theme in themes
        ),
    )
