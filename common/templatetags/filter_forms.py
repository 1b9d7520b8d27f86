"""`{% filter_form form %}`: a list's filter form (common.forms.FilterForm), rendered by crispy-forms once
and then taken from the cache while nothing it is made from changes (FilterForm.cache_key).

A GET form carries no CSRF token or anything else of the user's beyond what the key holds, so one
rendering serves everyone who sends the same filters and sees the same options. Any other form is rendered
as `{% crispy form %}` would."""

from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.core.cache import cache
from django.utils.safestring import SafeString

from common.forms import FilterForm

register = template.Library()


@register.simple_tag(takes_context=True)
def filter_form(context: template.Context, form) -> SafeString:
    cacheable = isinstance(form, FilterForm) and form.helper.form_method.lower() == "get"
    key = form.cache_key() if cacheable else None
    html = cache.get(key) if key else None
    if html is None:
        helper = getattr(form, "helper", None)
        html = SafeString(render_crispy_form(form, helper=helper, context=context.flatten()))
        if key:
            cache.set(key, str(html), settings.FILTER_FORM_CACHE_SECONDS)
        return html
    return SafeString(html)  # our own rendering, stored above
