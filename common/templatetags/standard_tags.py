"""`{% standard_tag value %}`: whether a record met a standard, as a GOV.UK tag.

`None` is grey ("Not yet known" unless `none_label` says otherwise), true green ("Met", `yes_label`) and
false red ("Not met", `no_label`). A tag in Python rather than an included template: the case list draws
up to four a row, and an `{% include %}` each cost more than the rest of the row together."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def standard_tag(
    value: bool | None,
    *,
    none_label: str = "Not yet known",
    yes_label: str = "Met",
    no_label: str = "Not met",
) -> SafeString:
    if value is None:
        colour, label = "grey", none_label
    elif value:
        colour, label = "green", yes_label
    else:
        colour, label = "red", no_label
    return format_html('<strong class="govuk-tag govuk-tag--{}">{}</strong>', colour, label)
