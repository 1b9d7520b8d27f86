from django.apps import AppConfig

from common.navigation import nav_register


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        from actions import access  # it imports the models, loaded only now

        nav_register(label="Actions", url_name="actions-mine", roles=access.ACTION_ROLES, order=90)
