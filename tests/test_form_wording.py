"""Every form in the project speaks GOV.UK: a field left empty says what to enter or select ("Enter the
due date", "Select the owner"), never Django's "This field is required."; a number says what it must be,
never "Enter a whole number."; and no whole number is an <input type="number"> (GOV.UK "Asking for numbers").

The forms are found by walking the apps' modules, so a new form is checked without being listed here; a
form whose constructor needs arguments is built by `BUILDERS`, and one missing from it fails the walk.
"""

import datetime
import importlib
import inspect
import pkgutil
from collections.abc import Callable
from typing import cast

import django_filters
import pytest
from django import forms
from django.test import RequestFactory

from actions.forms import ActionForm
from actions.models import ActionPlan
from audits import tool_editor
from audits.double import Disagreement
from audits.models import Question, ToolVersion
from common import roles
from tests.actions.factories import ActionPlanFactory
from tests.factories import CaseAuditFactory, UserFactory

APPS = ("accounts", "actions", "audits", "cases", "common", "metrics", "reporting", "demo")
DJANGO_DEFAULTS = {
    str(forms.Field.default_error_messages["required"]),  # "This field is required."
    str(forms.IntegerField.default_error_messages["invalid"]),  # "Enter a whole number."
    str(forms.DateField.default_error_messages["invalid"]),  # "Enter a valid date."
    str(forms.ModelChoiceField.default_error_messages["invalid_choice"]),
    str(forms.MultipleChoiceField.default_error_messages["invalid_choice"]),
}


def project_form_classes() -> list[type[forms.BaseForm]]:
    found: dict[str, type[forms.BaseForm]] = {}
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name or ".management" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if (
                    issubclass(cls, forms.BaseForm)
                    and cls.__module__ == module.__name__
                    and not cls.__name__.startswith("_")
                ):
                    found[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return sorted(found.values(), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


def filter_form_classes() -> list[type[django_filters.FilterSet]]:
    found = []
    for app in APPS:
        package = importlib.import_module(app)
        for module_info in pkgutil.walk_packages(package.__path__, f"{app}."):
            if ".migrations" in module_info.name:
                continue
            module = importlib.import_module(module_info.name)
            found += [
                cls
                for _, cls in inspect.getmembers(module, inspect.isclass)
                if issubclass(cls, django_filters.FilterSet) and cls.__module__ == module.__name__
            ]
    return found


def _plan() -> ActionPlan:
    return cast(ActionPlan, ActionPlanFactory())


def _tool_version() -> ToolVersion:
    return ToolVersion.objects.filter(sections__questions__isnull=False).distinct().first()  # type: ignore[return-value]


# The forms whose constructor needs more than the posted data; each builder takes the data.
BUILDERS: dict[str, Callable[[dict], forms.BaseForm]] = {
    "accounts.forms.SignInForm": lambda data: _cls("accounts.forms.SignInForm")(
        RequestFactory().post("/"), data
    ),
    "accounts.forms.ChangePasswordForm": lambda data: _cls("accounts.forms.ChangePasswordForm")(
        UserFactory(), data
    ),
    "actions.forms.IssueForm": lambda data: _cls("actions.forms.IssueForm")(data, plan=_plan(), figures={}),
    "actions.forms.ReasonForm": lambda data: _cls("actions.forms.ReasonForm")(
        data, label="Reason", button="Send back"
    ),
    "audits.forms.ToolEditForm": lambda data: _cls("audits.forms.ToolEditForm")(data, base=_tool_version()),
    "audits.tool_forms.QuestionForm": lambda data: _cls("audits.tool_forms.QuestionForm")(
        data, spec=tool_editor.spec_of(_tool_version()), button="Add question"
    ),
    "audits.tool_forms.SectionForm": lambda data: _cls("audits.tool_forms.SectionForm")(
        data, button="Add section"
    ),
    "audits.tool_forms.RemoveForm": lambda data: _cls("audits.tool_forms.RemoveForm")(data, button="Remove"),
    "audits.tool_forms.ScoringForm": lambda data: _cls("audits.tool_forms.ScoringForm")(data, button="Save"),
    "audits.forms.AssignmentForm": lambda data: _cls("audits.forms.AssignmentForm")(
        data, case_audits=[CaseAuditFactory()], auditors={}
    ),
    "audits.scoring_forms.ReconcileForm": lambda data: _cls("audits.scoring_forms.ReconcileForm")(
        data, disagreements=[_disagreement()]
    ),
    "metrics.forms.DashboardForm": lambda data: _cls("metrics.forms.DashboardForm")(data, today=_today()),
    "metrics.forms.BenchmarkExportForm": lambda data: _cls("metrics.forms.BenchmarkExportForm")(
        data, today=_today()
    ),
    "metrics.forms.RegionForm": lambda data: _cls("metrics.forms.RegionForm")(
        data, councils=[("NTH", "North Borough Council")]
    ),
    "metrics.forms.AnswerFilterForm": lambda data: _cls("metrics.forms.AnswerFilterForm")(
        data, today=_today()
    ),
    "metrics.forms.DrilldownForm": lambda data: _cls("metrics.forms.DrilldownForm")(data, today=_today()),
    "reporting.forms.ReportSelectionsForm": lambda data: _cls("reporting.forms.ReportSelectionsForm")(
        data, report_type="quality_assurance"
    ),
}


def _disagreement() -> Disagreement:
    """A question the two scorings of a case answered differently (unsaved: the form only reads it)."""
    return Disagreement(
        question=Question(pk=1, code="C1", text="Was consent recorded?"),
        first="yes",
        second="no",
        agreed=None,
    )


def _today() -> datetime.date:
    return datetime.date(2014, 3, 3)


def _cls(path: str) -> type:
    module, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module), name)


FORMS = project_form_classes()


def build(cls: type[forms.BaseForm], data: dict) -> forms.BaseForm:
    path = f"{cls.__module__}.{cls.__qualname__}"
    if path in BUILDERS:
        return BUILDERS[path](data)
    try:
        return cls(data)
    except TypeError as error:
        pytest.fail(f"{path} needs constructor arguments: add it to BUILDERS ({error})")


def test_the_walk_finds_the_forms_of_every_app():
    modules = {cls.__module__.split(".")[0] for cls in FORMS}
    assert {"accounts", "actions", "audits", "cases", "metrics", "reporting"} <= modules
    assert len(FORMS) >= 25


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_an_empty_form_shows_no_django_default_message(cls: type[forms.BaseForm]):
    form = build(cls, {})
    form.is_valid()
    shown = {str(message) for messages in form.errors.values() for message in messages}
    assert not shown & DJANGO_DEFAULTS, f"{cls.__qualname__}: {form.errors}"


@pytest.mark.django_db
@pytest.mark.parametrize("cls", FORMS, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_field_has_govuk_messages_and_no_number_input(cls: type[forms.BaseForm]):
    """Checked field by field, so a field an empty post does not reach (a second step, a condition) is too."""
    form = build(cls, {})
    for name, field in form.fields.items():
        where = f"{cls.__qualname__}.{name}"
        if field.required and not field.disabled:
            assert str(field.error_messages["required"]) not in DJANGO_DEFAULTS, where
            first = str(field.error_messages["required"]).split()[0]
            assert first in {"Enter", "Select", "Upload", "Reload"}, (
                f"{where}: {field.error_messages['required']}"
            )
        if isinstance(field, forms.IntegerField):
            assert str(field.error_messages["invalid"]) not in DJANGO_DEFAULTS, where
            assert not isinstance(field.widget, forms.NumberInput), f"{where} is an <input type=number>"
            assert field.widget.attrs.get("inputmode") == "numeric" or isinstance(
                field.widget, forms.HiddenInput
            ), where
        assert not isinstance(field, forms.DateField), f"{where}: a date is common.forms.date_field"


def test_the_filters_type_dates_in_one_box_with_a_govuk_hint_and_message():
    """A GET filter keeps one box per date (its links carry the date as one parameter), labelled and
    hinted as GOV.UK does."""
    checked = 0
    for filterset in filter_form_classes():
        if filterset.__module__.endswith(".api"):
            continue  # the API's filters take ISO dates from scripts, not people
        for name, spec in filterset.base_filters.items():
            if isinstance(spec, django_filters.DateFilter):
                checked += 1
                field = spec.field
                assert field.help_text == "For example, 27 3 2026", f"{filterset.__name__}.{name}"
                assert str(field.error_messages["invalid"]) not in DJANGO_DEFAULTS
    assert checked >= 6


def test_a_form_with_a_django_default_message_fails_the_walk():
    """The check can fail: a plain required field shows Django's default."""

    class Careless(forms.Form):
        title = forms.CharField()

    form = Careless({})
    form.is_valid()
    assert {str(m) for m in form.errors["title"]} & DJANGO_DEFAULTS


def test_a_user_choice_shows_the_persons_name_or_their_username_without_one(db):
    UserFactory(username="sam-p", first_name="Sam", last_name="Patel", roles=[roles.MANAGER])
    UserFactory(username="no-name", first_name="", last_name="", roles=[roles.MANAGER])
    html = str(ActionForm()["owner"])
    assert ">Sam Patel</option>" in html and "sam-p</option>" not in html
    assert ">no-name</option>" in html
