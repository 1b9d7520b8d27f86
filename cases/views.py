from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from cases import selectors
from cases.filters import ChildFilter, S47EnquiryFilter
from cases.import_views import (  # noqa: F401  (routed in urls)
    import_confirm,
    import_encoding,
    import_preview,
    import_upload,
)
from common import roles
from common.access_log import access_log_record
from common.decorators import role_required
from common.http import AuthenticatedHttpRequest
from common.pagination import page_of_many, query_without


@role_required(*roles.CASE_RECORD_ROLES)
def s47_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    queryset = selectors.s47_enquiries_visible_to(request.user).select_related("child", "team", "worker")
    filterset = S47EnquiryFilter(request.GET, queryset=queryset)
    page = page_of_many(request, filterset.qs if filterset.is_valid() else queryset.none())
    access_log_record(
        request, action="list", object_type="S47 enquiries", detail=request.GET.urlencode(),
        child_ids=[enquiry.child.child_id for enquiry in page],
    )  # fmt: skip
    return render(
        request,
        "cases/s47_list.html",
        {
            "filter": filterset,
            "page": page,
            "today": timezone.localdate(),
            "query": query_without(request, "page"),
        },
    )


@role_required(*roles.CASE_RECORD_ROLES)
def child_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    visible = selectors.children_visible_to(request.user)
    filterset = ChildFilter(request.GET, queryset=visible)
    page = page_of_many(request, filterset.qs if filterset.is_valid() else visible.none())
    access_log_record(
        request, action="list", object_type="children", detail=request.GET.urlencode(),
        child_ids=[child.child_id for child in page],
    )  # fmt: skip
    return render(
        request,
        "cases/child_list.html",
        {"filter": filterset, "page": page, "query": query_without(request, "page")},
    )


@role_required(*roles.CASE_RECORD_ROLES)
def child_detail(request: AuthenticatedHttpRequest, child_uuid) -> HttpResponse:
    child = selectors.access_child(request.user, child_uuid)
    access_log_record(
        request, action="view", object_type="child", object_ref=child.child_id, child_ids=[child.child_id]
    )
    return render(
        request,
        "cases/child_detail.html",
        {"child": child, "timeline": selectors.child_timeline(child), "today": timezone.localdate()},
    )
