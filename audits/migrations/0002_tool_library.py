from django.db import migrations

from audits.tool_library import TOOLS


def load_tools(apps, schema_editor):
    AuditTool = apps.get_model("audits", "AuditTool")
    ToolVersion = apps.get_model("audits", "ToolVersion")
    Section = apps.get_model("audits", "Section")
    Question = apps.get_model("audits", "Question")
    for spec in TOOLS:
        tool, _ = AuditTool.objects.get_or_create(
            name=spec["name"], defaults={"description": spec["description"]}
        )
        if ToolVersion.objects.filter(tool=tool).exists():
            continue
        version = ToolVersion.objects.create(
            tool=tool,
            number=1,
            partly_counts_half=spec["partly_counts_half"],
            change_note="Shipped with the product.",
        )
        by_code = {}
        for section_order, (title, questions) in enumerate(spec["sections"], start=1):
            section = Section.objects.create(version=version, order=section_order, title=title)
            for order, (code, text, kind, applies_if, subsample_only, measures) in enumerate(
                questions, start=1
            ):
                question = Question.objects.create(
                    section=section,
                    order=order,
                    code=code,
                    text=text,
                    kind=kind,
                    applies_if=by_code[applies_if[0]] if applies_if else None,
                    applies_if_values=applies_if[1] if applies_if else [],
                    subsample_only=subsample_only,
                    measures=measures,
                )
                by_code[code] = question


class Migration(migrations.Migration):
    dependencies = [("audits", "0001_initial")]
    operations = [migrations.RunPython(load_tools, migrations.RunPython.noop)]
