"""The demo log-ins: one user per role, each with the password published in the README."""

from django.contrib.auth.models import Group, User

from common import roles

DEMO_PASSWORD = "demo-password"  # noqa: S105 - published in the README; demo users exist only under DEBUG
# Made-up staff names, so the demo shows people by name as a council's directory would (accounts.people).
DEMO_NAMES = {
    roles.AUDITOR: ("Alex", "Auditor"),
    roles.MODERATOR: ("Morgan", "Moderator"),
    roles.MANAGER: ("Sam", "Manager"),
    roles.REPORT_OFFICER: ("Robin", "Reports"),
    roles.ADMINISTRATOR: ("Ash", "Admin"),
    roles.PARTNER_AUDITOR: ("Pat", "Partner"),
    roles.PANEL_MEMBER: ("Jo", "Panel"),
    roles.PRACTITIONER: ("Priya", "Practitioner"),
}


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
        first_name, last_name = DEMO_NAMES[role]
        user = User(username=username, first_name=first_name, last_name=last_name)
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
