from django.apps import AppConfig

from common.home import home_register
from common.navigation import nav_register


class ActionsConfig(AppConfig):
    name = "actions"

    def ready(self) -> None:
        from actions import access, home  # they import the models, loaded only now

        nav_register(label="Actions", url_name="actions-mine", roles=access.ACTION_ROLES, order=90)
        home_register(
            key="actions-sign-off", roles=access.SIGN_OFF_ROLES, order=30, build=home.awaiting_sign_off
        )
        home_register(key="actions-overdue", roles=access.SIGN_OFF_ROLES, order=31, build=home.overdue)
        home_register(key="actions-amber", roles=access.SIGN_OFF_ROLES, order=32, build=home.amber)
        home_register(key="actions-mine", roles=access.ACTION_ROLES, order=35, build=home.mine)
