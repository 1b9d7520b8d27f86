"""python manage.py load_demo [--children N] [--force]

What `make run` calls every time. Into an empty database it loads a small synthetic demo set (fixed
seed) and creates one demo user per role, each with the password `demo-password` (README, "Demo
log-ins"). Run again, it changes nothing: no duplicates, nothing wiped, no password reset.
"""

import datetime

from django.conf import settings
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from cases import demo
from cases.models import Child
from common import roles

DEMO_AUDIT_TITLE = "S47 and information sharing audit (demo)"
DEMO_PASSWORD = "demo-password"  # noqa: S105 - published in the README; demo users exist only under DEBUG
DEMO_SEED = demo.DEFAULT_SEED
DEMO_CHILDREN = 3000


def demo_username(role: str) -> str:
    """ "Report officer" -> "report-officer"."""
    return role.lower().replace(" ", "-")


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
            self._create_demo_action_plan()
            self._create_demo_report()

    def _load_records(self, children: int) -> None:
        if demo.demo_children_exist():
            self.stdout.write("Demo data already loaded.")
            return
        if Child.objects.exists():
            self.stdout.write(
                "Case records are already present: the demo set is loaded only into an empty database."
            )
            return
        self.stdout.write(f"Loading the synthetic demo set ({children} children, seed {DEMO_SEED})...")
        counts = demo.generate(seed=DEMO_SEED, children=children)
        for line in counts.lines():
            self.stdout.write(f"  {line}")
        self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {counts.seconds:.1f} seconds."))

    def _create_users(self) -> None:
        created = []
        for role in roles.ALL_ROLES:
            username = demo_username(role)
            if User.objects.filter(username=username).exists():
                continue  # never reset a password or roles someone may have changed
            user = User(username=username)
            if role == roles.ADMINISTRATOR:
                user.is_staff = user.is_superuser = True  # also signs in to Django admin
            user.set_password(DEMO_PASSWORD)
            user.save()
            user.groups.add(Group.objects.get(name=role))
            created.append(username)
        if created:
            self.stdout.write(f"Demo users created ({DEMO_PASSWORD!r}): {', '.join(created)}.")
        else:
            self.stdout.write("Demo users already exist.")

    def _create_demo_audit(self) -> None:
        """One audit in progress, its sample assigned to the demo auditor, so every role has work to see."""
        from audits import services as audit_services  # the demo spans apps; audits builds on cases
        from audits.models import Audit, ToolVersion

        if Audit.objects.filter(title=DEMO_AUDIT_TITLE).exists() or not demo.demo_children_exist():
            return
        lead = User.objects.get(username=demo_username(roles.MANAGER))
        auditor = User.objects.get(username=demo_username(roles.AUDITOR))
        today = timezone.localdate()
        audit = audit_services.audit_create(
            user=lead,
            title=DEMO_AUDIT_TITLE,
            theme="S47 and information sharing",
            tool_version=ToolVersion.objects.filter(tool__name="S47 and information sharing").latest(
                "number"
            ),
            planned_month=today,
            due_date=today + datetime.timedelta(days=28),
        )
        audit_services.sample_draw(
            audit=audit,
            user=lead,
            frame_type=Audit.FrameType.S47,
            frame_start=today - datetime.timedelta(days=365),
            frame_end=today - datetime.timedelta(days=30),
            teams=[],
            size=10,
            subsample_percent=10,
            exclude_recently_audited=False,
            seed=DEMO_SEED,
        )
        audit_services.sample_confirm(audit=audit, user=lead)
        for case_audit in audit.case_audits.all():
            audit_services.case_audit_assign(
                case_audit=case_audit, auditor=auditor, due_date=audit.due_date, user=lead
            )
        count = audit.case_audits.count()
        self.stdout.write(f"Demo audit {DEMO_AUDIT_TITLE!r}: {count} cases assigned to {auditor.username}.")

    def _create_demo_action_plan(self) -> None:
        """One action plan on the demo audit, its actions in mixed states (actions.demo)."""
        from actions.demo import demo_action_plan_load
        from audits.models import Audit

        audit = Audit.objects.filter(title=DEMO_AUDIT_TITLE).first()
        if audit is None:
            return
        users = {role: User.objects.get(username=demo_username(role)) for role in roles.ALL_ROLES}
        plan = demo_action_plan_load(
            audit=audit,
            lead=users[roles.MANAGER],
            owners=[users[roles.AUDITOR], users[roles.MODERATOR]],
        )
        if plan:
            self.stdout.write(f"Demo action plan {plan.title!r}: {plan.issues.count()} issues.")

    def _create_demo_report(self) -> None:
        """A draft quality assurance report for the demo report officer (reporting builds on audits)."""
        from reporting.report_demo import demo_report_create

        officer = User.objects.get(username=demo_username(roles.REPORT_OFFICER))
        if demo_report_create(user=officer, audit_title=DEMO_AUDIT_TITLE):
            self.stdout.write("Demo draft quality assurance report created for report-officer.")
