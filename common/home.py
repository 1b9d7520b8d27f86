"""The home page's tasks, built from what each app registers: common imports no app.

After signing in, every user lands on their own work. Each app registers the tasks it knows about in its
AppConfig.ready() (`home_register`), naming the roles the task is for and a function that builds it for
the signed-in user. The home page shows the tasks of the user's roles, in `order`, once each:

    10-19 scoring (audits: to score, returned; feedback to respond to), 20-29 moderation (audits), 30-39 actions (sign-off,
    overdue, amber), 40-49 measures below target (metrics), 50-59 panel reports (reporting),
    60-69 failed imports and recomputes (cases, metrics), 70-79 locked accounts (accounts).

A task names the children it shows (`child_ids`), so the home page's access log entry names them, as
every list does. This module imports no model, so an AppConfig module may import it at the top.
"""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from common import roles
from common.http import AuthenticatedHttpRequest

SHOWN = 5  # items listed under a task; the task's link leads to the rest


@dataclass(frozen=True)
class HomeItem:
    text: str
    url: str
    hint: str = ""  # e.g. "7 of 10 answered · due 12 December 2026"
    tag: str = ""  # e.g. "Overdue", shown as a red tag
    hidden: str = ""  # more words for a screen reader's link text


@dataclass(frozen=True)
class HomeTask:
    title: str  # "Case audits to score"
    count: int
    items: Sequence[HomeItem]
    empty: str  # what will appear here, when there is nothing yet
    url: str = ""  # the page with all of them
    link_text: str = ""  # "See all 12 case audits"
    child_ids: Sequence[str] = field(default_factory=tuple)

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


Builder = Callable[[AuthenticatedHttpRequest], HomeTask]


@dataclass(frozen=True)
class _Registered:
    key: str
    roles: tuple[str, ...]
    order: int
    build: Builder


_TASKS: dict[str, _Registered] = {}


def home_register(*, key: str, roles: Iterable[str], order: int, build: Builder) -> None:
    """Add a task (or replace the one with the same key, so registering twice is harmless)."""
    _TASKS[key] = _Registered(key, tuple(roles), order, build)


def home_tasks(request: AuthenticatedHttpRequest) -> list[HomeTask]:
    """The tasks of the signed-in user's roles, in order; each task once, however many roles it is for."""
    registered = sorted(_TASKS.values(), key=lambda task: (task.order, task.key))
    return [task.build(request) for task in registered if roles.has_role(request.user, *task.roles)]
