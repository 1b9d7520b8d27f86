from django.apps import AppConfig

from cases.grants import child_sight_register
from common import roles
from common.navigation import nav_register


class AuditsConfig(AppConfig):
    name = "audits"

    def ready(self) -> None:
        from audits import access  # it imports the models, loaded only now

        # An auditor sees the child records of the cases assigned to them (cases/grants.py).
        child_sight_register(roles.AUDITOR, access.children_assigned_to)

        nav_register(label="My audits", url_name="audits-mine", roles=access.SCORING_ROLES, order=20)
        nav_register(label="Audits", url_name="audits-list", roles=access.ALL_AUDITS_ROLES, order=30)
        nav_register(
            label="Moderation", url_name="audits-moderation", roles=access.MODERATION_ROLES, order=40
        )
