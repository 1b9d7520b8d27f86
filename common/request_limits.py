"""Refuses a request whose body is larger than any page of the service accepts, before Django reads it.

Django caps form fields (DATA_UPLOAD_MAX_MEMORY_SIZE) but streams uploaded files to temporary files of
any size; the forms then refuse a file over its own limit (IMPORT_MAX_BYTES) only after it has all been
received. This middleware answers 413 at once from the declared Content-Length, so an oversized upload
never reaches the disk. A proxy in front should set the same limit (docs/operations.md).
"""

from django.conf import settings
from django.http import HttpResponse


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The request's Content-Length is not a number.", status=400)
        if length > settings.REQUEST_MAX_BYTES:
            limit = settings.REQUEST_MAX_BYTES // (1024 * 1024)
            return HttpResponse(
                f"The request is larger than the {limit} MB limit.", status=413, content_type="text/plain"
            )
        return self.get_response(request)
