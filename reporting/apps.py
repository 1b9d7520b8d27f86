from django.apps import AppConfig

from common.navigation import nav_register


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from reporting import access  # it imports the models, loaded only now

        nav_register(label="Reports", url_name="reporting-reports", roles=access.REPORT_ALL_ROLES, order=100)
