from django.apps import AppConfig

from common import roles
from common.navigation import nav_register


class CommonConfig(AppConfig):
    name = "common"
    verbose_name = "Common"

    def ready(self) -> None:
        nav_register(label="Home", url_name="home", roles=None, order=10)
        nav_register(
            label="Access log", url_name="common-access-log", roles=(roles.ADMINISTRATOR,), order=110
        )
