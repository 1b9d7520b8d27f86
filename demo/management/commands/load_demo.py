"""python manage.py load_demo [--children N] [--force]

What `make run` calls every time. Into an empty database it loads a small synthetic demo set (fixed
seed) and creates one demo user per role, each with the password `demo-password` (README, "Demo
log-ins"), then the demo audit (four of its cases moderated, with feedback to their workers), action plan
and draft report. Run again, it changes nothing: no
duplicates, nothing wiped, no password reset.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits.models import Audit
from cases.models import Child
from common import roles
from demo.audit import DEMO_AUDIT_TITLE, demo_audit_create, demo_tool_version_create
from demo.double import DEMO_DOUBLE_TITLE, SECOND_AUDITOR, demo_double_audit_create
from demo.feedback import demo_feedback_create
from demo.generator import demo_children_exist, generate
from demo.plan import demo_action_plan_load
from demo.profiles import DEFAULT_SEED
from demo.report import demo_report_create
from demo.targets import demo_targets_create
from demo.themes import demo_themes_tag
from demo.users import DEMO_PASSWORD, demo_users, demo_users_create

DEMO_SEED = DEFAULT_SEED
DEMO_CHILDREN = 3000


class Command(BaseCommand):
    help = (
        "Load the synthetic demo data set (once, into an empty database) and create one demo user per "
        f"role with the password {DEMO_PASSWORD!r}. Refuses to run when DEBUG is off."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--children", type=int, default=DEMO_CHILDREN, help="Size of the demo set. Default: %(default)s."
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even when DEBUG is off. Only for a throwaway database: the demo users' password is public.",
        )

    def handle(self, *args, children: int, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off: load_demo creates users whose password is published in the README, so it "
                "refuses to run. Use --force only on a throwaway demonstration database."
            )
        with transaction.atomic():
            self._load_records(children)
            self._create_users()
            self._create_demo_audit()
            self._create_demo_tool_version()
            self._create_demo_feedback()
            self._create_demo_double_audit()
            self._create_demo_themes()
            self._create_demo_action_plan()
            self._create_demo_report()
            self._create_demo_targets()

    def _load_records(self, children: int) -> None:
        if demo_children_exist():
            self.stdout.write("Demo data already loaded.")
            return
        if Child.objects.exists():
            self.stdout.write(
                "Case records are already present: the demo set is loaded only into an empty database."
            )
            return
        self.stdout.write(f"Loading the synthetic demo set ({children} children, seed {DEMO_SEED})...")
        counts = generate(seed=DEMO_SEED, children=children)
        for line in counts.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {counts.seconds:.1f} seconds."))

    def _create_users(self) -> None:
        created = demo_users_create()
        if created:
            self.stdout.write(f"Demo users created ({DEMO_PASSWORD!r}): {', '.join(created)}.")
        else:
            self.stdout.write("Demo users already exist.")

    def _create_demo_audit(self) -> None:
        """One audit in progress, its sample assigned to the demo auditor (demo.audit)."""
        if not demo_children_exist():
            return
        users = demo_users()
        audit = demo_audit_create(lead=users[roles.MANAGER], auditor=users[roles.AUDITOR])
        if audit:
            count = audit.case_audits.count()
            self.stdout.write(
                f"Demo audit {DEMO_AUDIT_TITLE!r}: {count} cases assigned to {users[roles.AUDITOR].username}."
            )

    def _create_demo_tool_version(self) -> None:
        """Version 2 of a tool, made with the tool editor (demo.audit); only beside the demo records."""
        if not demo_children_exist():
            return
        version = demo_tool_version_create(lead=demo_users()[roles.MANAGER])
        if version:
            self.stdout.write(f"Demo tool version {version}: {version.change_note}")

    def _create_demo_feedback(self) -> None:
        """Four of the demo audit's cases moderated, their feedback sent and answered (demo.feedback)."""
        audit = Audit.objects.filter(title=DEMO_AUDIT_TITLE).first()
        if audit is None:
            return
        users = demo_users()
        sent = demo_feedback_create(
            audit=audit, moderator=users[roles.MODERATOR], practitioner=users[roles.PRACTITIONER]
        )
        if sent:
            self.stdout.write(
                f"Demo feedback: {len(sent)} moderated cases, one waiting for {users[roles.PRACTITIONER].username}."
            )

    def _create_demo_double_audit(self) -> None:
        """A domestic abuse audit with four cases scored twice, blind (demo.double)."""
        if not demo_children_exist():
            return
        users = demo_users()
        audit = demo_double_audit_create(
            lead=users[roles.MANAGER], auditor=users[roles.AUDITOR], moderator=users[roles.MODERATOR]
        )
        if audit:
            pairs = audit.case_audits.filter(scoring=2).count()
            self.stdout.write(
                f"Demo audit {DEMO_DOUBLE_TITLE!r}: {pairs} cases scored twice, by "
                f"{users[roles.AUDITOR].username} and {SECOND_AUDITOR} ({DEMO_PASSWORD!r})."
            )

    def _create_demo_themes(self) -> None:
        """Some of the demo audit's findings tagged with learning themes, some confirmed (demo.themes)."""
        audit = Audit.objects.filter(title=DEMO_AUDIT_TITLE).first()
        if audit is None:
            return
        made = demo_themes_tag(audit=audit, moderator=demo_users()[roles.MODERATOR])
        if made:
            self.stdout.write(f"Demo learning themes: {made} findings tagged.")

    def _create_demo_action_plan(self) -> None:
        """One action plan on the demo audit, its actions in mixed states (demo.plan)."""
        audit = Audit.objects.filter(title=DEMO_AUDIT_TITLE).first()
        if audit is None:
            return
        users = demo_users()
        plan = demo_action_plan_load(
            audit=audit,
            lead=users[roles.MANAGER],
            owners=[users[roles.AUDITOR], users[roles.MODERATOR]],
        )
        if plan:
            self.stdout.write(f"Demo action plan {plan.title!r}: {plan.issues.count()} issues.")

    def _create_demo_report(self) -> None:
        """A draft quality assurance report for the demo report officer (demo.report)."""
        officer = demo_users()[roles.REPORT_OFFICER]
        if demo_report_create(user=officer, audit_title=DEMO_AUDIT_TITLE):
            self.stdout.write("Demo draft quality assurance report created for report-officer.")

    def _create_demo_targets(self) -> None:
        """A target for every percentage measure, so the dashboard shows its red, amber and green."""
        created = demo_targets_create(user=demo_users()[roles.ADMINISTRATOR])
        if created:
            self.stdout.write(f"Demo targets set for {len(created)} measures.")
