# Child IDs are stored in one form (common/child_ids.py): trimmed, upper case, no inner spaces.

import logging
import re
from collections import defaultdict

import cases.models
from django.db import migrations

logger = logging.getLogger(__name__)

# As common/child_ids.py at the time of this migration (a migration does not follow later code).
_SPACES = re.compile(r"[\s\u200b\u200c\u200d\u2060\ufeff]+")


def _normalised(child_id):
    return _SPACES.sub("", child_id).upper()


def normalise_child_ids(apps, schema_editor):
    """Rewrites each stored child ID in its normalised form, unless that would make two children one.

    Those clashes (`EX0001` and `ex 0001` already stored as two children) are left as they are and
    reported: only a person can tell whether they are one child to merge or two to tell apart. Saving
    a child in Django admin normalises its ID once the clash is resolved.
    """
    Child = apps.get_model("cases", "Child")
    by_form = defaultdict(list)
    for pk, child_id in Child.objects.values_list("pk", "child_id").iterator():
        by_form[_normalised(child_id)].append((pk, child_id))
    clashes = {form: rows for form, rows in by_form.items() if len(rows) > 1}
    for form, rows in by_form.items():
        if form in clashes:
            continue
        (pk, child_id), = rows
        if child_id != form:
            Child.objects.filter(pk=pk).update(child_id=form)
    if clashes:
        lines = [
            f"  {form}: " + ", ".join(f"{child_id!r} (id {pk})" for pk, child_id in sorted(rows))
            for form, rows in sorted(clashes.items())
        ]
        message = (
            f"{len(clashes)} child ID(s) were left as they are: each is stored for more than one child once "
            "case and spaces are ignored. Merge or correct these children in Django admin (saving a child "
            "stores its ID normalised):\n" + "\n".join(lines)
        )
        logger.warning(message)
        print("\n" + message)  # noqa: T201  (migrate's output is where an operator reads it)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AlterField(
            model_name="child",
            name="child_id",
            field=cases.models.ChildIdField(
                help_text="The council's child ID. Stored in upper case without spaces: ex 0001 is EX0001.",
                max_length=50,
                unique=True,
                verbose_name="Child ID",
            ),
        ),
        migrations.AlterField(
            model_name="historicalchild",
            name="child_id",
            field=cases.models.ChildIdField(
                db_index=True,
                help_text="The council's child ID. Stored in upper case without spaces: ex 0001 is EX0001.",
                max_length=50,
                verbose_name="Child ID",
            ),
        ),
        migrations.RunPython(normalise_child_ids, migrations.RunPython.noop),
    ]
