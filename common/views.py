from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from common.roles import user_roles


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Every signed-in user may see this page; it lists what their roles give them."""
    return render(request, "common/home.html", {"roles": sorted(user_roles(request.user))})
