"""How the service names a person: by their full name, or their username when they have none."""

from django import forms
from django.contrib.auth.models import AbstractBaseUser, User


def person_name(user: AbstractBaseUser | None, *, nobody: str = "") -> str:
    """A user's full name ("Sam Patel"), their username when no name is recorded, `nobody` for no user."""
    if user is None:
        return nobody
    full_name = user.get_full_name() if isinstance(user, User) else ""
    return full_name.strip() or user.get_username()


class UserChoiceField(forms.ModelChoiceField):
    """A choice of a person, shown by name (a select of usernames reads like a list of codes)."""

    def label_from_instance(self, obj) -> str:
        return person_name(obj)


class UserMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return person_name(obj)
