from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Synthetic data only: the seeded generator, the demo audit, plan and report, and their commands."""

    name = "demo"
