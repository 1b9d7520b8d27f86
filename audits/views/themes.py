"""The managed list of learning themes: QA leads list, add, rename and deactivate them."""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from audits import access, themes
from audits.models import Theme
from audits.theme_forms import ThemeEditForm, ThemeForm
from common.decorators import role_required
from common.forms import add_service_errors
from common.http import AuthenticatedHttpRequest

GET_AND_POST = require_http_methods(["GET", "POST"])


@GET_AND_POST
@role_required(*access.LEAD_ROLES)
def theme_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ThemeForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            theme = themes.theme_create(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme “{theme.name}” added.")
            return redirect("audits-theme-list")
    return render(request, "audits/theme_list.html", {"themes": Theme.objects.all(), "form": form})


@GET_AND_POST
@role_required(*access.LEAD_ROLES)
def theme_edit(request: AuthenticatedHttpRequest, theme_uuid: uuid.UUID) -> HttpResponse:
    theme = get_object_or_404(Theme, uuid=theme_uuid)
    initial = {
        "name": theme.name,
        "description": theme.description,
        "is_active": "yes" if theme.is_active else "no",
    }
    form = ThemeEditForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        try:
            theme = themes.theme_update(theme=theme, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Theme “{theme.name}” saved.")
            return redirect("audits-theme-list")
    return render(request, "audits/theme_edit.html", {"theme": theme, "form": form})
