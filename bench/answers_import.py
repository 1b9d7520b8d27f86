"""The answers workbook import benchmark (`make bench`): a workbook of 50 case audits x 30 questions.

Creates a scratch PostgreSQL database (bench_answers, created and dropped), a 30-question tool (27 rated,
3 free text), an audit of 50 open case audits for one auditor with half their questions answered, and that
auditor's exported workbook with every answer and grade changed: 750 answers created, 750 changed and
50 grades. Then times `audits.exchange.answers_import` on it (reading, checking every cell and saving),
each run rolled back so the next starts from the same rows.

Prints `answers_import_50x30_s: <seconds>` (the median of a few runs, after one warm-up) and the CPU time of
this process. Target on the 2-core reference machine: under 2 seconds.

    python bench/answers_import.py [--runs 3] [--database-url postgres://.../bench_answers] [--keep]
"""

import argparse
import io
import os
import statistics
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:  # imported for real once Django is set up
    from django.contrib.auth.models import User

    from audits.models import Audit

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_answers"
CASES, RATED, TEXT = 50, 27, 3
TARGET_SECONDS = 2.0


def _admin(url: str):
    import psycopg

    return psycopg.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")), autocommit=True)


def _name(url: str) -> str:
    name = urlsplit(url).path.lstrip("/")
    if not name.startswith("bench"):
        sys.exit(f"Refusing to create or drop {name!r}: the scratch database's name must start with 'bench'.")
    return name


def _recreate(url: str, *, drop_only: bool = False) -> None:
    from psycopg import sql

    name = sql.Identifier(_name(url))
    with _admin(url) as connection:
        connection.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not drop_only:
            connection.execute(sql.SQL("CREATE DATABASE {}").format(name))


def _setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ["DEMO_MODE"] = "false"
    os.environ["CELERY_BROKER_URL"] = ""
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def audit_and_workbook(cases: int = CASES) -> tuple["Audit", "User", bytes]:
    """The audit, its auditor, and the auditor's exported workbook with every answer and grade changed."""
    import datetime

    import openpyxl
    from django.contrib.auth.models import Group, User

    from audits import exchange
    from audits.models import Answer, Audit, AuditTool, CaseAudit, Question, Section, ToolVersion
    from cases.models import Child
    from common import roles

    auditor = User.objects.create_user("bench-auditor")
    auditor.groups.add(Group.objects.get(name=roles.AUDITOR))
    tool = AuditTool.objects.create(name="Bench tool")
    version = ToolVersion.objects.create(tool=tool, number=1)
    section = Section.objects.create(version=version, order=1, title="Everything")
    questions = [
        Question.objects.create(
            section=section,
            order=n,
            code=f"Q{n}",
            text=f"Question {n}?",
            kind=Question.Kind.RATING if n <= RATED else Question.Kind.TEXT,
        )
        for n in range(1, RATED + TEXT + 1)
    ]
    audit = Audit.objects.create(
        title="Bench audit", tool_version=version, planned_month=datetime.date(2014, 3, 1), lead=auditor
    )
    children = Child.objects.bulk_create(
        Child(child_id=f"B{n:05d}", name=f"Synthetic Child {n}", date_of_birth=datetime.date(2012, 5, 1))
        for n in range(cases)
    )
    case_audits = CaseAudit.objects.bulk_create(
        CaseAudit(
            audit=audit,
            child=child,
            record_id=n + 1,
            record_date=datetime.date(2014, 1, 6),
            agency="social_care",
            auditor=auditor,
            status=CaseAudit.Status.IN_PROGRESS,
        )
        for n, child in enumerate(children)
    )
    Answer.objects.bulk_create(
        Answer(
            case_audit=case_audit,
            question=question,
            value="yes" if question.kind == Question.Kind.RATING else "",
            text="" if question.kind == Question.Kind.RATING else "Noted",
        )
        for case_audit in case_audits
        for question in questions[::2]
    )
    workbook = openpyxl.load_workbook(io.BytesIO(exchange.answers_export(audit=audit, user=auditor)))
    sheet = workbook["Answers"]
    columns = {cell.value: column for column, cell in enumerate(sheet[1], start=1)}
    for row in range(3, sheet.max_row + 1):
        for question in questions:
            value = "Partly" if question.kind == Question.Kind.RATING else f"Rewritten on row {row}"
            sheet.cell(row, columns[question.code]).value = value
        sheet.cell(row, columns["Grade"]).value = "Good"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return audit, auditor, buffer.getvalue()


def time_import(audit: "Audit", auditor: "User", content: bytes, runs: int) -> dict:
    from django.db import transaction

    from audits import exchange

    def once() -> exchange.ImportOutcome:
        with transaction.atomic():
            outcome = exchange.answers_import(
                audit=audit, user=auditor, file_name="bench.xlsx", content=content
            )
            transaction.set_rollback(True)
        if not outcome.ok or outcome.answers_saved != audit.case_audits.count() * (RATED + TEXT):
            sys.exit(f"The import did not save every answer: {outcome}")
        return outcome

    once()  # warm-up
    times, cpu_times = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        once()
        times.append(time.perf_counter() - started)
        cpu_times.append(time.process_time() - cpu_started)
    # CPU time as well: on a shared machine the wall time includes waiting for a core.
    return {
        "answers_import_50x30_s": round(statistics.median(times), 2),
        "answers_import_50x30_cpu_s": round(statistics.median(cpu_times), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ANSWERS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--keep", action="store_true", help="Keep the scratch database afterwards.")
    arguments = parser.parse_args()
    _recreate(arguments.database_url)
    try:
        _setup_django(arguments.database_url)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
        figures = time_import(*audit_and_workbook(), arguments.runs)
        for name, value in figures.items():
            print(f"{name}: {value:.2f}", flush=True)
        if figures["answers_import_50x30_s"] >= TARGET_SECONDS:
            print(f"answers_import_50x30_s is over its target of {TARGET_SECONDS} s", file=sys.stderr)
    finally:
        if not arguments.keep:
            from django.db import connections

            connections.close_all()
            _recreate(arguments.database_url, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
