from django.apps import AppConfig

from cases.events import records_imported
from common import roles
from common.home import home_register
from common.navigation import nav_register


class MetricsConfig(AppConfig):
    name = "metrics"

    def ready(self) -> None:
        from metrics import access, home, tasks  # they import the models, loaded only now

        # An import makes the figures stale (cases/events.py): recompute them.
        records_imported.subscribe(tasks.metrics_recompute_on_import, uid="metrics-recompute")
        nav_register(label="Dashboard", url_name="metrics-dashboard", roles=access.DASHBOARD_ROLES, order=80)
        home_register(key="metrics-below-target", roles=(roles.MANAGER,), order=40, build=home.below_target)
        home_register(
            key="metrics-failed-runs", roles=(roles.ADMINISTRATOR,), order=61, build=home.failed_runs
        )
