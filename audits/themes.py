"""Learning themes: the QA leads' managed list, and the writes that tag findings with them."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from audits.models import Answer, AnswerTheme, CaseAudit, Theme
from common.history import save_with_history


def _check_name(name: str, *, theme: Theme | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": "Enter the theme's name"})
    clash = Theme.objects.filter(name__iexact=name)
    if theme is not None:
        clash = clash.exclude(pk=theme.pk)
    if clash.exists():
        raise ValidationError({"name": f"Enter a name no other theme has: “{name}” is taken"})
    return name


@transaction.atomic
def theme_create(*, user: User, name: str, description: str = "") -> Theme:
    theme = Theme(name=_check_name(name), description=description.strip())
    save_with_history(theme, user=user, reason="Theme added")
    return theme


@transaction.atomic
def theme_update(*, theme: Theme, user: User, name: str, description: str, is_active: bool) -> Theme:
    """Renames, redescribes or (de)activates a theme; a deactivated theme keeps its tags."""
    theme = Theme.objects.select_for_update().get(pk=theme.pk)
    name = _check_name(name, theme=theme)
    changes = []
    if name != theme.name:
        changes.append(f"renamed from “{theme.name}”")
    if is_active != theme.is_active:
        changes.append("reactivated" if is_active else "deactivated")
    if description.strip() != theme.description:
        changes.append("description changed")
    if not changes:
        return theme
    theme.name, theme.description, theme.is_active = name, description.strip(), is_active
    save_with_history(theme, user=user, reason="Theme " + ", ".join(changes))
    return theme


def answer_themes_set(*, answer: Answer, user: User, themes: Iterable[Theme]) -> bool:
    """Makes the answer's tags of active themes exactly `themes`; returns whether anything changed.

    Called inside answer_save's transaction. A tag of a deactivated theme is not offered on the page, so it
    is kept: deactivating a theme never loses what was tagged with it.
    """
    wanted = {theme.pk for theme in themes if theme.is_active}
    tags = {tag.theme_id: tag for tag in answer.theme_tags.select_related("theme")}
    changed = False
    for theme_id, tag in tags.items():
        if theme_id not in wanted and tag.theme.is_active:
            tag._history_user = user  # type: ignore[attr-defined]
            tag.delete()
            changed = True
    for theme_id in wanted - tags.keys():
        save_with_history(AnswerTheme(answer=answer, theme_id=theme_id, tagged_by=user), user=user)
        changed = True
    return changed


def grade_themes_set(*, case_audit: CaseAudit, themes: Iterable[Theme]) -> None:
    """Makes the grade note's tags of active themes exactly `themes` (deactivated themes' tags are kept)."""
    kept = [theme for theme in case_audit.grade_themes.all() if not theme.is_active]
    case_audit.grade_themes.set([*kept, *(theme for theme in themes if theme.is_active)])


@transaction.atomic
def theme_tag_moderate(*, tag: AnswerTheme, user: User, confirm: bool) -> AnswerTheme | None:
    """A moderator confirms a finding's theme (who and when are kept) or removes it; None once removed."""
    tag = AnswerTheme.objects.select_for_update().get(pk=tag.pk)
    tag._history_user = user  # type: ignore[attr-defined]
    if not confirm:
        tag._change_reason = "Theme removed by the moderator"  # type: ignore[attr-defined]
        tag.delete()
        return None
    if tag.confirmed_at is None:
        tag.confirmed_by, tag.confirmed_at = user, timezone.now()
        save_with_history(tag, user=user, reason="Theme confirmed by the moderator")
    return tag
