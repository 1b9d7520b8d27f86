from django.apps import AppConfig

from cases.events import records_imported
from common.navigation import nav_register


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from metrics import access, tasks  # they import the models, loaded only now

        # An import makes the figures stale (cases/events.py): recompute them.
        records_imported.subscribe(tasks.metrics_recompute_on_import, uid="metrics-recompute")
        nav_register(label="Dashboard", url_name="metrics-dashboard", roles=access.DASHBOARD_ROLES, order=80)
