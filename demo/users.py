"""The demo log-ins: one user per role, each with the password published in the README."""

from django.contrib.auth.models import Group, User

from common import roles

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published in the README; demo users exist only under DEBUG


def demo_username(role: str) -> str:
    """ "Report officer" -> "report-officer"."""
    return role.lower().replace(" ", "-")


def demo_users_create() -> list[str]:
    """Creates the demo user of each role that is missing; returns their usernames.

    A user that exists is left alone: never reset a password or roles someone may have changed.
    """
    created = []
    for role in roles.ALL_ROLES:
        username = demo_username(role)
        if User.objects.filter(username=username).exists():
            continue
        user = User(username=username)
        if role == roles.ADMINISTRATOR:
            user.is_staff = user.is_superuser = True  # also signs in to Django admin
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        created.append(username)
    return created


def demo_users() -> dict[str, User]:
    """The demo user of each role, by role."""
    return {role: User.objects.get(username=demo_username(role)) for role in roles.ALL_ROLES}
