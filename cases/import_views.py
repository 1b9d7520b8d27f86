"""Importing a case extract: upload -> preview (checked, nothing written) -> confirm (imported).

An upload is one file or several (children, referrals, S47 enquiries...), checked and imported as one.
"""

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from cases.forms import ImportEncodingForm, ImportUploadForm
from cases.importing import ExtractFile, ImportResult, cases_import_files, cases_import_preview_files
from cases.importing.reading import CSV_ENCODINGS, file_format
from cases.importing.services import format_label
from cases.importing.uploads import (
    StoredUpload,
    upload_discard,
    upload_get,
    upload_set_encoding,
    upload_store,
)
from common import roles
from common.access_log import Origin
from common.decorators import role_required
from common.http import AuthenticatedHttpRequest


@role_required(*roles.IMPORT_ROLES)
@require_http_methods(["GET", "POST"])
def import_upload(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = ImportUploadForm(request.POST, request.FILES) if request.method == "POST" else ImportUploadForm()
    if form.is_bound and form.is_valid():
        token = upload_store(
            request.session, files=form.cleaned_data["file"], encoding=form.cleaned_data["encoding"]
        )
        return redirect("cases-import-preview", token=token)
    return render(request, "cases/import_upload.html", {"form": form})


@role_required(*roles.IMPORT_ROLES)
@require_GET
def import_preview(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    upload = upload_get(request.session, token)
    result = cases_import_preview_files(files=_extract_files(upload))
    return _preview(request, upload, result)


@role_required(*roles.IMPORT_ROLES)
@require_POST
def import_encoding(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    """The same upload, read again in the encoding the user now picks."""
    upload = upload_get(request.session, token)
    form = ImportEncodingForm(request.POST)
    if not form.is_valid():
        result = cases_import_preview_files(files=_extract_files(upload))
        return _preview(request, upload, result, encoding_form=form)
    upload_set_encoding(request.session, token, form.cleaned_data["encoding"])
    return redirect("cases-import-preview", token=token)


@role_required(*roles.IMPORT_ROLES)
@require_POST
def import_confirm(request: AuthenticatedHttpRequest, token: str) -> HttpResponse:
    upload = upload_get(request.session, token)
    try:
        result = cases_import_files(
            files=_extract_files(upload), user=request.user, origin=Origin.of(request)
        )
    except IntegrityError:  # another import changed the same records between the checks and the writes
        result = cases_import_preview_files(files=_extract_files(upload))
        return _preview(request, upload, result, conflict=True)
    if not result.ok:
        return _preview(request, upload, result)
    upload_discard(request.session, token)  # the import wrote its own access log entry
    return render(request, "cases/import_done.html", {"result": result, "batch": result.batch})


def _extract_files(upload: StoredUpload) -> list[ExtractFile]:
    return [ExtractFile(f.file_name, f.content, upload.encoding) for f in upload.files]


def _preview(
    request: HttpRequest,
    upload: StoredUpload,
    result: ImportResult,
    conflict: bool = False,
    encoding_form: ImportEncodingForm | None = None,
):
    is_csv = any(file_format(f.file_name) == "csv" for f in upload.files)
    files = [
        {
            "name": f.file_name,
            "format": format_label(f.file_name, result.formats[f.file_name])
            if f.file_name in result.formats
            else "Not recognised",
            "rows": result.rows_by_file.get(f.file_name, 0),
            "counts": result.by_file.get(f.file_name),
        }
        for f in upload.files
    ]
    context = {
        "upload": upload,
        "files": files,
        "result": result,
        "conflict": conflict,
        "encoding_label": CSV_ENCODINGS[upload.encoding] if is_csv else "",
        # A CSV file may be read in another encoding: offered where it could not be read, or its
        # letters may look wrong ("ZoÃ«" is UTF-8 read as Windows-1252).
        "encoding_form": (encoding_form or ImportEncodingForm(initial={"encoding": upload.encoding}))
        if is_csv
        else None,
    }
    return render(request, "cases/import_preview.html", context)
