from django.db import migrations

ROLE = "Practitioner"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("common", "0003_access_log_children"), ("auth", "0012_alter_user_first_name_max_length")]
    operations = [migrations.RunPython(create_role, remove_role)]
