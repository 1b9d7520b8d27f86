"""Formatting for the panel report templates: frozen figures as `72% (13 of 18)`."""

from django import template

from common.figures import NO_CASES
from reporting.content import figure_text
from reporting.schema import FrozenFigure

register = template.Library()


@register.filter
def figure(value: FrozenFigure | None) -> str:
    return figure_text(value) or NO_CASES


@register.filter
def labelled(text: str) -> str:
    """A label before a figure: "Chronology on file:", but "Was risk considered early?" as it is."""
    text = text.strip()
    return text if text.endswith(("?", ".", ":")) else f"{text}:"
