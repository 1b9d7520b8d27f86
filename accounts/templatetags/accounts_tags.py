from datetime import timedelta

from django import template
from django.contrib.auth.models import AbstractBaseUser

from accounts.people import person_name

register = template.Library()


@register.filter
def minutes(value: timedelta | None) -> int:
    """A cool-off period in whole minutes (rounded up), for 'try again in 30 minutes'."""
    if not value:
        return 0
    return -(-int(value.total_seconds()) // 60)


@register.filter
def person(user: AbstractBaseUser | None) -> str:
    """`{{ action.owner|person }}`: the person's full name, or their username when they have none."""
    return person_name(user)
