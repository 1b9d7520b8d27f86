"""The actions app's tasks on the home page (common/home.py): actions awaiting the user's sign-off,
overdue and amber actions, and the user's own open actions."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from accounts.people import person_name
from actions import access, selectors
from actions.models import Action
from common.home import SHOWN, HomeItem, HomeTask
from common.http import AuthenticatedHttpRequest


def _items(actions: QuerySet[Action], hint) -> list[HomeItem]:
    return [
        HomeItem(
            text=_short(action),
            url=reverse("actions-action-detail", args=[action.uuid]),
            hint=f"{action.issue.plan.title} · {hint(action)}",
        )
        for action in actions.select_related("issue__plan", "owner")[:SHOWN]
    ]


def _short(action: Action) -> str:
    return Truncator(action.description).words(12)


def _owner(action: Action) -> str:
    return person_name(action.owner)


def awaiting_sign_off(request: AuthenticatedHttpRequest) -> HomeTask:
    found = access.awaiting_sign_off_by(request.user).order_by("due_date", "pk")
    return HomeTask(
        title="Actions awaiting your sign-off",
        count=found.count(),
        items=_items(found, lambda a: f"owner {_owner(a)} · due {a.due_date:%-d %B %Y}"),
        empty="Actions will appear here when their owners mark them complete, for you to check the evidence.",
    )


def overdue(request: AuthenticatedHttpRequest) -> HomeTask:
    today = timezone.localdate()
    found = (
        access.actions_visible_to(request.user).filter(selectors.overdue(today)).order_by("due_date", "pk")
    )
    return HomeTask(
        title="Overdue actions",
        count=found.count(),
        items=_items(found, lambda a: f"owner {_owner(a)} · {(today - a.due_date).days} days overdue"),
        empty="Open actions past their due date will appear here.",
        url=reverse("actions-overdue"),
        link_text="All overdue actions",
    )


def amber(request: AuthenticatedHttpRequest) -> HomeTask:
    today = timezone.localdate()
    found = (
        selectors.with_rag(access.actions_visible_to(request.user), today)
        .filter(rag=Action.Rag.AMBER)
        .order_by("due_date", "pk")
    )
    return HomeTask(
        title="Actions not started and due soon (amber)",
        count=found.count(),
        items=_items(found, lambda a: f"owner {_owner(a)} · due {a.due_date:%-d %B %Y}"),
        empty="Actions not yet started and due within two weeks will appear here.",
        url=reverse("actions-plan-list"),
        link_text="Action plans",
    )


def mine(request: AuthenticatedHttpRequest) -> HomeTask:
    today = timezone.localdate()
    found = Action.objects.filter(owner=request.user, status__in=selectors.OPEN_STATUSES).order_by(
        "due_date", "pk"
    )
    items = [
        HomeItem(
            text=_short(action),
            url=reverse("actions-action-detail", args=[action.uuid]),
            hint=f"{action.get_status_display()} · due {action.due_date:%-d %B %Y}",
            tag="Overdue" if action.due_date < today else "",
        )
        for action in found.select_related("issue__plan")[:SHOWN]
    ]
    return HomeTask(
        title="Your open actions",
        count=found.count(),
        items=items,
        empty="Actions you own on an action plan will appear here.",
        url=reverse("actions-mine"),
        link_text="My actions",
    )
