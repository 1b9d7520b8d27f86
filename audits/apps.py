from django.apps import AppConfig

from cases.grants import child_sight_register
from common import roles
from common.home import home_register
from common.navigation import nav_register


class AuditsConfig(AppConfig):
    name = "audits"

    def ready(self) -> None:
        from audits import access, home  # they import the models, loaded only now

        # An auditor sees the child records of the cases assigned to them (cases/grants.py).
        child_sight_register(roles.AUDITOR, access.children_assigned_to)

        nav_register(label="My audits", url_name="audits-mine", roles=access.SCORING_ROLES, order=20)
        nav_register(label="Audits", url_name="audits-list", roles=access.ALL_AUDITS_ROLES, order=30)
        nav_register(
            label="Moderation", url_name="audits-moderation", roles=access.MODERATION_ROLES, order=40
        )
        nav_register(
            label="My feedback", url_name="audits-feedback-mine", roles=[roles.PRACTITIONER], order=25
        )
        nav_register(
            label="Feedback",
            url_name="audits-feedback-overview",
            roles=access.FEEDBACK_OVERVIEW_ROLES,
            order=45,
        )
        home_register(
            key="audits-feedback-to-respond",
            roles=[roles.PRACTITIONER],
            order=12,
            build=home.feedback_to_respond,
        )
        home_register(key="audits-to-score", roles=access.SCORING_ROLES, order=10, build=home.to_score)
        home_register(key="audits-returned", roles=access.SCORING_ROLES, order=11, build=home.returned)
        home_register(
            key="audits-awaiting-moderation", roles=access.MODERATION_ROLES, order=20,
            build=home.awaiting_moderation,
        )  # fmt: skip
        home_register(
            key="audits-ready-to-lock", roles=access.MODERATION_ROLES, order=21, build=home.ready_to_lock
        )
