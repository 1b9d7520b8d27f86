from django.apps import AppConfig

from common import roles
from common.home import home_register
from common.navigation import nav_register


class CasesConfig(AppConfig):
    name = "cases"

    def ready(self) -> None:
        from cases import home  # it imports the models, loaded only now

        nav_register(label="Cases", url_name="cases-s47-list", roles=roles.CASE_RECORD_ROLES, order=50)
        nav_register(label="Children", url_name="cases-child-list", roles=roles.CASE_RECORD_ROLES, order=60)
        nav_register(label="Import", url_name="cases-import", roles=roles.IMPORT_ROLES, order=70)
        home_register(
            key="cases-failed-imports", roles=(roles.ADMINISTRATOR,), order=60, build=home.failed_imports
        )
