from django.apps import AppConfig

from common import roles
from common.home import home_register
from common.navigation import nav_register


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from reporting import access, home  # they import the models, loaded only now

        nav_register(label="Reports", url_name="reporting-reports", roles=access.REPORT_ALL_ROLES, order=100)
        home_register(key="reporting-drafts", roles=access.REPORT_BUILD_ROLES, order=50, build=home.drafts)
        home_register(
            key="reporting-ready-to-issue",
            roles=access.REPORT_BUILD_ROLES,
            order=51,
            build=home.ready_to_issue,
        )
        home_register(key="reporting-issued", roles=(roles.PANEL_MEMBER,), order=55, build=home.issued)
