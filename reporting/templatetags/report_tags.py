"""Formatting for the panel report templates: frozen figures as `72% (13 of 18)`."""

from django import template

from reporting.report_content import figure_text

register = template.Library()


@register.filter
def figure(value: dict | None) -> str:
    return figure_text(value) or "No cases (0 of 0)"
