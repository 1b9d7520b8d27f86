from django.apps import AppConfig

from cases.events import records_imported
from common.navigation import nav_register


class ReportingConfig(AppConfig):
    name = "reporting"

    def ready(self) -> None:
        from reporting import access, tasks  # they import the models, loaded only now

        # An import makes the figures stale (cases/events.py); this moves to metrics/apps.py with the task.
        records_imported.subscribe(tasks.metrics_recompute_on_import, uid="metrics-recompute")

        # The dashboard is the compliance measures' page: its entry moves with them to metrics/apps.py.
        nav_register(
            label="Dashboard", url_name="reporting-dashboard", roles=access.DASHBOARD_ROLES, order=80
        )
        nav_register(label="Reports", url_name="reporting-reports", roles=access.REPORT_ALL_ROLES, order=100)
