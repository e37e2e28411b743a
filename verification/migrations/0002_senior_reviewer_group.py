from django.db import migrations


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Group.objects.get_or_create(name="Senior reviewer")


def remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name="Senior reviewer").delete()


class Migration(migrations.Migration):
    dependencies = [("verification", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, remove)]
