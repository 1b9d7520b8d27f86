"""The service navigation, built from what each app registers: common imports no app.

Each app registers its own entries in its AppConfig.ready() (`nav_register`), naming the roles that may
open the page, so an entry is shown only to those roles. The entries are shown in `order`:

    10 Home, 20 My audits, 25 My feedback, 30 Audits, 40 Moderation, 45 Feedback (audits); 50 Cases, 60 Children, 70 Import (cases);
    80 Dashboard (the compliance measures); 90 Actions (actions); 100 Reports (reporting);
    110 Access log (common).

This module imports no model, so an AppConfig module may import it at the top.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypedDict

from django.urls import reverse

from common import roles


@dataclass(frozen=True)
class NavEntry:
    label: str
    url_name: str
    roles: tuple[str, ...] | None  # None: every signed-in user
    order: int


class NavItem(TypedDict):
    label: str
    url: str
    active: bool


_ENTRIES: dict[str, NavEntry] = {}


def nav_register(*, label: str, url_name: str, roles: Iterable[str] | None, order: int) -> None:
    """Add an entry (or replace the one for the same URL name, so registering twice is harmless)."""
    _ENTRIES[url_name] = NavEntry(label, url_name, None if roles is None else tuple(roles), order)


def nav_entries() -> list[NavEntry]:
    return sorted(_ENTRIES.values(), key=lambda entry: (entry.order, entry.label))


def nav_items(request) -> list[NavItem]:
    items: list[NavItem] = [
        {"label": entry.label, "url": reverse(entry.url_name), "active": False}
        for entry in nav_entries()
        if entry.roles is None or roles.has_role(request.user, *entry.roles)
    ]
    # The entry whose URL is the longest prefix of this page is the current one.
    matches = [
        item
        for item in items
        if request.path == item["url"] or (item["url"] != "/" and request.path.startswith(item["url"]))
    ]
    if matches:
        max(matches, key=lambda item: len(item["url"]))["active"] = True
    return items
