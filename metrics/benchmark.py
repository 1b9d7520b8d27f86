"""Benchmark packs: the aggregate figures a council shares with the others of its region, signed.

A pack holds, for a run of months: the monthly compliance figures of all teams together (met and total per
measure, from the case records, never the auditors' findings), the children on child protection plans and
looked after on each month's first day, and the answer counts of each audit question over those months
(submitted and moderated case audits, first scorings with their agreed answers). It never names a child,
a worker or a team, and small numbers are hidden first (metrics.suppression).

The file is JSON: the pack itself as one string (`payload`), so the signature covers its exact bytes, and
an Ed25519 signature of it with the council's private key (BENCHMARK_SIGNING_KEY_PATH). Another install
imports it only where the signature verifies against the public key it trusts for the pack's council
(TrustedCouncilKey); docs/operations.md, "Benchmark packs", says how keys are made and exchanged.
"""

import base64
import binascii
import datetime
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from audits import scoring
from audits.models import Answer, CaseAudit, Question
from cases.standards import PERCENT_KEYS, MetricKey
from metrics import suppression
from metrics.models import BenchmarkPack, MetricSnapshot, TrustedCouncilKey
from metrics.periods import month_end

PACK_FORMAT = "case-audit-tracker/benchmark-pack"
FILE_FORMAT = "case-audit-tracker/signed-benchmark-pack"
PACK_VERSION = 1
COUNT_MEASURES = (MetricKey.CHILDREN_ON_CP_PLANS, MetricKey.CHILDREN_LOOKED_AFTER)
MAX_PACK_BYTES = 5 * 1024 * 1024


class BenchmarkPackError(Exception):
    """A pack that cannot be made or imported; the message is shown to the user as it is."""


# Making a pack ------------------------------------------------------------------------------------------


def month_key(day: datetime.date) -> str:
    return f"{day:%Y-%m}"


def parse_month(text: str) -> datetime.date:
    return datetime.datetime.strptime(text, "%Y-%m").date()


def pack_build(*, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    """The pack's content for the months from `first` to `last` (first days of months), suppressed."""
    return pack_suppress(pack_figures(first=first, last=last))


def pack_figures(*, first: datetime.date, last: datetime.date) -> dict[str, Any]:
    """The pack's content before suppression: never exported as it is (pack_suppress first). Each audit
    question carries `asked_after`, the index of the question it is asked after, for the suppression."""
    snapshots = MetricSnapshot.objects.filter(
        team__isnull=True,
        source=MetricSnapshot.Source.RECORDS,
        metric__in=[*PERCENT_KEYS, *COUNT_MEASURES],
        period__gte=first,
        period__lte=last,
    ).order_by("metric", "period")
    measures: dict[str, dict[str, Any]] = {
        key.value: {"name": key.label, "months": {}} for key in (*PERCENT_KEYS, *COUNT_MEASURES)
    }
    for snapshot in snapshots:
        months = measures[snapshot.metric]["months"]
        if snapshot.metric in PERCENT_KEYS:
            months[month_key(snapshot.period)] = {
                "met": int(snapshot.numerator),
                "total": snapshot.denominator,
            }
        else:
            months[month_key(snapshot.period)] = int(snapshot.numerator)
    return {
        "format": PACK_FORMAT,
        "version": PACK_VERSION,
        "council_code": settings.COUNCIL_CODE,
        "council_name": settings.COUNCIL_NAME,
        "first_month": month_key(first),
        "last_month": month_key(last),
        "created_at": timezone.now().isoformat(timespec="seconds"),
        "suppression": f"Counts from 1 to {suppression.THRESHOLD - 1} are hidden (null): "
        f"shown as {suppression.FEWER_THAN}.",
        "measures": {key: measures[key] for key in PERCENT_KEYS},
        "counts": {key: measures[key] for key in COUNT_MEASURES},
        "audit_questions": audit_questions(first=first, last=last, suppress=False),
    }


def _compliance_published(figure: dict[str, int] | None) -> dict[str, int] | None:
    published = None if figure is None else suppression.compliance(figure["met"], figure["total"])
    return None if published is None else {"met": published[0], "total": published[1]}


def pack_suppress(figures: dict[str, Any]) -> dict[str, Any]:
    """Content from pack_figures with small numbers hidden (metrics.suppression), ready to sign."""
    questions = figures["audit_questions"]
    rows = suppression.hide_with_gates(
        [None if q["answers"] is None else suppression.answer_row(q["answers"]) for q in questions],
        [q.get("asked_after") for q in questions],
    )
    return {
        **figures,
        "measures": {
            key: {**measure, "months": {m: _compliance_published(f) for m, f in measure["months"].items()}}
            for key, measure in figures["measures"].items()
        },
        "counts": {
            key: {
                **measure,
                "months": {
                    m: None if v is None else suppression.count(v) for m, v in measure["months"].items()
                },
            }
            for key, measure in figures["counts"].items()
        },
        "audit_questions": [
            {k: v for k, v in q.items() if k != "asked_after"} | {"answers": row}
            for q, row in zip(questions, rows, strict=True)
        ],
    }


def audit_questions(
    *, first: datetime.date, last: datetime.date, suppress: bool = True
) -> list[dict[str, Any]]:
    """Each rating question's answer counts over the months (by the audited record's date, as the audit
    figures of the dashboard), questions not asked of a case left out; small numbers hidden unless
    `suppress` is False (this council's own figures on its regional view)."""
    asked = scoring.ASKED
    rows = (
        Answer.objects.filter(
            asked,
            question__kind=Question.Kind.RATING,
            case_audit__status__in=[CaseAudit.Status.SUBMITTED, CaseAudit.Status.MODERATED],
            case_audit__scoring=1,
            case_audit__record_date__gte=first,
            case_audit__record_date__lte=month_end(last),
        )
        .order_by()
        .values("question_id")
        .annotate(
            **{
                key: value
                for key, value in scoring.tally(agreed=True).items()
                if key in ("yes", "partly", "no")
            },
            na=Count("pk", filter=asked & Q(value=Answer.Value.NOT_APPLICABLE) & ~scoring.COUNTS_AGREED),
        )
    )
    counts = {row["question_id"]: row for row in rows}
    questions = list(
        Question.objects.filter(pk__in=counts)
        .select_related("section__version__tool")
        .order_by("section__version__tool__name", "section__version__number", "section__order", "order")
    )
    index = {question.pk: number for number, question in enumerate(questions)}
    answers = [{key: counts[question.pk][key] for key in suppression.ANSWER_KEYS} for question in questions]
    gates = [index.get(question.applies_if_id) if question.applies_if_id else None for question in questions]
    published: list[dict[str, int] | None] = list(answers)
    if suppress:
        published = suppression.hide_with_gates([suppression.answer_row(row) for row in answers], gates)
    return [
        {
            "tool": question.section.version.tool.name,
            "version": question.section.version.number,
            "code": question.code,
            "text": question.text,
            "answers": row,
        }
        | ({} if suppress else {"asked_after": gate})
        for question, row, gate in zip(questions, published, gates, strict=True)
    ]


# Signing --------------------------------------------------------------------------------------------------


def key_id(public_key: Ed25519PublicKey) -> str:
    """The key's fingerprint: the first 16 bytes of the SHA-256 of its raw bytes, in hex groups of 4."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    digest = hashlib.sha256(raw).hexdigest()[:32]
    return ":".join(digest[i : i + 4] for i in range(0, 32, 4))


def key_pair_make() -> tuple[bytes, bytes]:
    """A new Ed25519 key pair as PEM: (private, public)."""
    private = Ed25519PrivateKey.generate()
    private_pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return private_pem, public_pem_of(private)


def public_pem_of(private: Ed25519PrivateKey) -> bytes:
    """The public half of a private key, as PEM (what another council trusts)."""
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def public_key_load(pem: str | bytes) -> Ed25519PublicKey:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        key = serialization.load_pem_public_key(data)
    except ValueError:
        raise BenchmarkPackError("The public key is not a PEM public key (BEGIN PUBLIC KEY).") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BenchmarkPackError("The public key is not an Ed25519 key.")
    return key


def signing_key() -> Ed25519PrivateKey:
    path = settings.BENCHMARK_SIGNING_KEY_PATH
    if not path:
        raise BenchmarkPackError(
            "No signing key is set: an administrator makes one with `manage.py benchmark_keygen` and sets "
            "BENCHMARK_SIGNING_KEY_PATH."
        )
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except OSError:
        raise BenchmarkPackError(f"The signing key {path} cannot be read.") from None
    except (ValueError, TypeError):
        raise BenchmarkPackError(f"The signing key {path} is not an unencrypted PEM private key.") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BenchmarkPackError(f"The signing key {path} is not an Ed25519 key.")
    return key


def pack_sign(content: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The signed file: the pack as a JSON string and its signature."""
    payload = json.dumps(content, ensure_ascii=False, sort_keys=True, indent=1)
    signature = key.sign(payload.encode())
    envelope = {
        "format": FILE_FORMAT,
        "key_id": key_id(key.public_key()),
        "signature": base64.b64encode(signature).decode(),
        "payload": payload,
    }
    return json.dumps(envelope, ensure_ascii=False, indent=1).encode()


def pack_file_name(content: dict[str, Any]) -> str:
    return f"benchmark-{content['council_code']}-{content['first_month']}-to-{content['last_month']}.json"


def pack_export(*, first: datetime.date, last: datetime.date) -> tuple[str, bytes]:
    """This council's pack for the months, signed: (file name, bytes)."""
    if first > last:
        raise BenchmarkPackError("The first month must be the same as or before the last month.")
    key = signing_key()
    content = pack_build(first=first, last=last)
    return pack_file_name(content), pack_sign(content, key)


# Checking and importing a pack ----------------------------------------------------------------------------


@dataclass(frozen=True)
class VerifiedPack:
    content: dict[str, Any]
    key_id: str
    trusted: TrustedCouncilKey


def pack_verify(data: bytes) -> VerifiedPack:
    """The pack in a signed file, once its signature has verified against the key this install trusts for
    its council; BenchmarkPackError, saying why, for anything else."""
    if len(data) > MAX_PACK_BYTES:
        raise BenchmarkPackError("The file is larger than a benchmark pack can be.")
    try:
        envelope = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BenchmarkPackError("The file is not a benchmark pack: it is not JSON.") from None
    if not isinstance(envelope, dict) or envelope.get("format") != FILE_FORMAT:
        raise BenchmarkPackError("The file is not a benchmark pack.")
    payload, signature_text = envelope.get("payload"), envelope.get("signature")
    if not isinstance(payload, str) or not isinstance(signature_text, str):
        raise BenchmarkPackError("The file is not a benchmark pack: it has no signed content.")
    try:
        content = json.loads(payload)
    except json.JSONDecodeError:
        raise BenchmarkPackError("The pack's content is not JSON: the file was damaged.") from None
    code = content.get("council_code") if isinstance(content, dict) else None
    if not isinstance(code, str) or not code:
        raise BenchmarkPackError("The pack names no council.")
    trusted = TrustedCouncilKey.objects.filter(council_code=code).first()
    if trusted is None:
        raise BenchmarkPackError(
            f"The pack is from council {code}, whose key this install does not trust: an administrator adds "
            "its public key first (Django admin, Trusted council keys, or `manage.py benchmark_trust`)."
        )
    try:
        signature = base64.b64decode(signature_text, validate=True)
        public_key = public_key_load(trusted.public_key_pem)
        public_key.verify(signature, payload.encode())
    except (binascii.Error, InvalidSignature):
        raise BenchmarkPackError(
            f"The pack's signature does not verify with the key trusted for {trusted.council_name}: it was "
            "changed after it was signed, or signed with another key. It was not imported."
        ) from None
    _check_content(content)
    return VerifiedPack(
        content=content, key_id=key_id(public_key_load(trusted.public_key_pem)), trusted=trusted
    )


def _check_content(content: dict[str, Any]) -> None:
    """A signed pack is trusted for its figures, but its shape is still checked before it is stored."""
    if content.get("format") != PACK_FORMAT or content.get("version") != PACK_VERSION:
        raise BenchmarkPackError("The pack was made by a version of the tracker this one cannot read.")
    try:
        first, last = parse_month(content["first_month"]), parse_month(content["last_month"])
        if datetime.datetime.fromisoformat(content["created_at"]).tzinfo is None:
            raise ValueError("a time with no time zone")
        for section in ("measures", "counts"):
            for measure in content[section].values():
                for month, value in measure["months"].items():
                    parse_month(month)
                    if value is None:
                        continue
                    if section == "measures":
                        _whole(value["met"])
                        _whole(value["total"])
                    else:
                        _whole(value)
        for question in content["audit_questions"]:
            if not isinstance(question["tool"], str) or not isinstance(question["code"], str):
                raise ValueError("a question names no tool or code")
            if question["answers"] is not None:
                for key in suppression.ANSWER_KEYS:
                    _whole(question["answers"][key])
    except (KeyError, TypeError, ValueError, AttributeError):
        raise BenchmarkPackError("The pack's content is not in the expected form.") from None
    if first > last:
        raise BenchmarkPackError("The pack's first month is after its last.")
    if content["council_code"] == settings.COUNCIL_CODE:
        raise BenchmarkPackError("The pack is this council's own: only other councils' packs are imported.")


def _whole(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError("not a count")
    return value


@transaction.atomic
def benchmark_pack_import(*, data: bytes, user: User | None) -> BenchmarkPack:
    """Import a signed pack: verified first; a pack of the same council and months replaces the one held,
    unless the one held was made later."""
    verified = pack_verify(data)
    content = verified.content
    period = {
        "council_code": content["council_code"],
        "first_month": parse_month(content["first_month"]),
        "last_month": parse_month(content["last_month"]),
    }
    created_at = datetime.datetime.fromisoformat(content["created_at"])
    held = BenchmarkPack.objects.select_for_update().filter(**period).first()
    if held and held.created_at > created_at:
        # A signed pack stays valid for ever: an old copy sent again must not undo a correction.
        raise BenchmarkPackError(
            f"A newer pack of {held.council_name} for these months is held already (made "
            f"{timezone.localtime(held.created_at):%-d %B %Y %H:%M}): the older one was not imported."
        )
    pack, _created = BenchmarkPack.objects.update_or_create(
        **period,
        defaults={
            "council_name": verified.trusted.council_name,
            "content": content,
            "key_id": verified.key_id,
            "created_at": created_at,
            "imported_by": user,
            "imported_at": timezone.now(),
        },
    )
    return pack


@transaction.atomic
def trusted_key_save(*, council_code: str, council_name: str, public_key_pem: str, user: User | None):
    """Trust a council's public key (replacing the one held for its code)."""
    public_key_load(public_key_pem)
    if council_code == settings.COUNCIL_CODE:
        raise BenchmarkPackError("That is this council's own code.")
    trusted, _created = TrustedCouncilKey.objects.update_or_create(
        council_code=council_code,
        defaults={
            "council_name": council_name,
            "public_key_pem": public_key_pem.strip() + "\n",
            "added_by": user,
        },
    )
    return trusted
