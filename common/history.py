"""Saving a change with its history row: who made it and why (simple_history)."""

from django.contrib.auth.models import User
from django.db import models

REASON_MAX = 100  # simple_history's change reason column


def save_with_history(instance: models.Model, *, user: User | None, reason: str = "", **save_kwargs) -> None:
    """Saves `instance`; its history row names `user` and `reason` (cut to the column's length).

    Set explicitly, not only by HistoryRequestMiddleware, so the API, tasks and commands record the user.
    """
    instance._history_user = user  # type: ignore[attr-defined]
    instance._change_reason = reason[:REASON_MAX] or None  # type: ignore[attr-defined]
    instance.save(**save_kwargs)
