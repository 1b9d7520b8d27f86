"""What each record type and each column of the two extract formats means (docs/import.md).

The product's own format names its columns after the model fields, so its columns are derived from
the models; Ofsted Annex A List 5 columns are matched loosely by pattern, as liia-tools' schema does.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import cast

from django.db import models

from cases import models as m
from cases.importing import cells
from common.child_ids import normalise_child_id

# Fields that hold the council's own IDs: read as codes (numeric IDs from Excel lose their ".0").
_ID_FIELDS = {"child_id", "referral_id", "discussion_id", "plan_id", "episode_id", "enquiry_id"}

# Foreign keys are given by the council's code of the row they point to.
REFERENCES: dict[str, tuple[type[models.Model], str]] = {
    "child": (m.Child, "child_id"),
    "strategy_discussion": (m.StrategyDiscussion, "discussion_id"),
    "team": (m.Team, "code"),
    "worker": (m.Worker, "code"),
    "oversight_manager": (m.Worker, "code"),
}

# Spellings councils use beyond the codes and labels of the choices.
_ALIASES: dict[tuple[type[models.Model], str], dict[str, str]] = {
    (m.Child, "gender"): {
        "m": "male",
        "f": "female",
        "boy": "male",
        "girl": "female",
        "not known": "unknown",
        "not stated": "unknown",
        "not recorded": "unknown",
        "not stated/recorded": "unknown",
        "u": "unknown",
        "indeterminate": "indeterminate",
        "i": "indeterminate",
    },
    (m.Child, "disability"): {"y": "yes", "n": "no", "not known": "unknown", "true": "yes", "false": "no"},
    (m.S47Enquiry, "outcome"): {"no further action": "nfa", "child in need": "cin", "cp conference": "icpc"},
}


@dataclass(frozen=True)
class Column:
    """One column of a file, feeding one field of one or more record types."""

    header: str
    targets: tuple[tuple[str, str], ...]  # (record type name, model field name)
    pattern: re.Pattern | None = None  # loose match for Annex A; own-format columns match by `cells.token`

    def matches(self, header: str) -> bool:
        if self.pattern is not None:
            return bool(self.pattern.search(cells.token(header).replace("_", " ")))
        return cells.token(header) == self.header


@dataclass(frozen=True)
class RecordType:
    name: str
    label: str
    model: type[models.Model]
    key: tuple[str, ...]

    def field(self, name: str) -> models.Field:
        return _concrete_field(self.model, name)

    def value_required(self, name: str) -> bool:
        """Cells that may not be blank: keys and fields with neither a default nor a blank value."""
        model_field = self.field(name)
        if name in self.key:
            return True
        return not (model_field.null or model_field.blank or model_field.has_default())

    def blank_value(self, name: str) -> object:
        model_field = self.field(name)
        if model_field.null:
            return None
        return model_field.get_default() if model_field.has_default() else ""

    @cached_property
    def parsers(self) -> dict[str, Callable[[object], object]]:
        return {f.name: _parser(self.model, f) for f in self.model._meta.concrete_fields}


def _concrete_field(model: type[models.Model], name: str) -> models.Field:
    """A field of the model's own table (never a reverse relation or a generic foreign key)."""
    return cast(models.Field, model._meta.get_field(name))


def _parser(model: type[models.Model], model_field: models.Field) -> Callable[[object], object]:
    if model_field.is_relation:
        target, code_field = REFERENCES[model_field.name]
        if (target, code_field) == (m.Child, "child_id"):
            return _parse_child_id
        max_length = _concrete_field(target, code_field).max_length
        return lambda value: cells.parse_code(value, max_length=max_length)
    if (model, model_field.name) == (m.Child, "child_id"):
        return _parse_child_id
    if model_field.name in _ID_FIELDS:
        return lambda value: cells.parse_code(value, max_length=model_field.max_length)
    if isinstance(model_field, models.DateField):
        return cells.parse_date
    if isinstance(model_field, models.BooleanField):
        return cells.parse_bool
    if model_field.choices:
        choices = cast(list[tuple[str, str]], model_field.choices)  # flat text choices, no groups
        lookup = cells.choice_lookup(choices, _ALIASES.get((model, model_field.name)))
        allowed = [code for code, _ in model_field.choices if code]
        return lambda value: cells.parse_choice(value, lookup, allowed)
    single_line = not isinstance(model_field, models.TextField)
    return lambda value: cells.parse_text(value, max_length=model_field.max_length, single_line=single_line)


def _parse_child_id(value: object) -> str:
    """A child ID in its stored form (common/child_ids.py): `ex 0001` and `EX0001` are one child."""
    child_id = normalise_child_id(cells.parse_code(value))
    if not child_id:  # only zero-width characters
        raise cells.CellError("A value is required, but the cell is blank.")
    max_length = m.Child._meta.get_field("child_id").max_length
    assert max_length is not None  # a CharField
    if len(child_id) > max_length:
        raise cells.CellError(f"Must be at most {max_length} characters (it has {len(child_id)}).")
    return child_id


CHILDREN = RecordType("children", "Children", m.Child, ("child_id",))
REFERRALS = RecordType("referrals", "Referrals", m.Referral, ("referral_id",))
STRATEGY_DISCUSSIONS = RecordType(
    "strategy_discussions", "Strategy discussions", m.StrategyDiscussion, ("discussion_id",)
)
S47_ENQUIRIES = RecordType("s47_enquiries", "S47 enquiries", m.S47Enquiry, ("child", "start_date"))
CP_PLANS = RecordType("cp_plans", "CP plans", m.CPPlan, ("plan_id",))
LOOKED_AFTER = RecordType("looked_after", "Looked-after episodes", m.LookedAfterEpisode, ("episode_id",))

# Dependency order: a record is written after the records it points to.
RECORD_TYPES = (CHILDREN, STRATEGY_DISCUSSIONS, REFERRALS, S47_ENQUIRIES, CP_PLANS, LOOKED_AFTER)
RECORD_TYPES_BY_NAME = {record_type.name: record_type for record_type in RECORD_TYPES}

# Not columns of the own format: the database's own keys, and values the service derives.
_NOT_IMPORTED = {"id", "uuid", "target_date"}


def own_format_header(field: models.Field) -> str:
    if field.name in ("child", "strategy_discussion"):
        return f"{field.name}_id"
    return field.name


def own_format_columns(record_type: RecordType) -> tuple[Column, ...]:
    return tuple(
        Column(own_format_header(f), ((record_type.name, f.name),))
        for f in record_type.model._meta.concrete_fields
        if f.name not in _NOT_IMPORTED
    )


def required_headers(record_type: RecordType) -> list[str]:
    return [
        own_format_header(f)
        for f in record_type.model._meta.concrete_fields
        if f.name not in _NOT_IMPORTED and record_type.value_required(f.name)
    ]


def _loose(pattern: str) -> re.Pattern:
    return re.compile(pattern)


# Ofsted ILACS Annex A, List 5: S47 enquiries and ICPCs. Patterns run on `token`ised headers
# (lower case, punctuation dropped, single spaces), so "Child  Unique ID:" matches like "Child Unique ID".
_CHILD = "children"
_S47 = "s47_enquiries"
ANNEX_A_CHILD_ID = Column(
    "Child Unique ID", ((_CHILD, "child_id"), (_S47, "child")), _loose(r"^child (unique )?id(entifier)?$")
)
ANNEX_A_START_DATE = Column(
    "Strategy discussion initiating Section 47 Enquiry Start Date",
    ((_S47, "start_date"),),
    _loose(r"(section 47|s47).*start date|^strategy discussion.*date$"),
)
ANNEX_A_LIST_5 = (
    ANNEX_A_CHILD_ID,
    Column("Gender", ((_CHILD, "gender"),), _loose(r"^(gender|sex)$")),
    Column("Ethnicity", ((_CHILD, "ethnicity"),), _loose(r"^ethnicity$")),
    Column("Date of Birth", ((_CHILD, "date_of_birth"),), _loose(r"^(date of birth|dob)$")),
    Column(
        "Does the Child have a Disability",
        ((_CHILD, "disability"),),
        _loose(r"^(does the child have a )?disabilit(y|ies)$"),
    ),
    ANNEX_A_START_DATE,
    Column(
        "Was an Initial Child Protection Conference deemed unnecessary?",
        ((_S47, "icpc_not_required"),),
        _loose(r"(initial child protection conference|icpc).*(unnecessary|not required)"),
    ),
    Column(
        "Date of Initial Child Protection Conference",
        ((_S47, "icpc_date"),),
        _loose(
            r"^date of (the )?(initial child protection conference|icpc)$|^(icpc|initial cp conference) date$"
        ),
    ),
    Column(
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        ((_S47, "icpc_cp_plan"),),
        _loose(r"(initial child protection conference|icpc).*result.*(child protection plan|cp plan|cpp)"),
    ),
    Column("Allocated Team", ((_S47, "team"),), _loose(r"^(allocated )?team( name)?$")),
    Column("Allocated Worker", ((_S47, "worker"),), _loose(r"^(allocated )?(social )?worker( name)?$")),
)
# Columns List 5 carries that the product derives itself, so they are read past.
ANNEX_A_LIST_5_DERIVED = (
    _loose(r"^age( of child)?( years)?$"),
    _loose(r"^number of (section 47|s47)"),
    _loose(r"^number of (initial child protection conferences|icpcs?)"),
)
ANNEX_A_LIST_5_REQUIRED = (ANNEX_A_CHILD_ID.header, ANNEX_A_START_DATE.header)
ANNEX_A_SHEET = re.compile(r"^list_?0*5(_|$)")
ANNEX_A_ANY_LIST_SHEET = re.compile(r"^list_?\d+(_|$)")
