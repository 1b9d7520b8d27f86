from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from cases.importing.reading import CSV_ENCODINGS, UTF_8, UTF_16, WINDOWS_1252, ExtractFileError, file_format
from cases.importing.uploads import StoredFile

CSV_OR_XLSX = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


ENCODING_CHOICES = [
    (UTF_8, f'{CSV_ENCODINGS[UTF_8]} (most files, and Excel\'s "CSV UTF-8")'),
    (WINDOWS_1252, f'{CSV_ENCODINGS[WINDOWS_1252]} (Excel\'s "CSV (Comma delimited)" on Windows)'),
    (UTF_16, f'{CSV_ENCODINGS[UTF_16]} (Excel\'s "Unicode Text")'),
]


def encoding_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Character encoding of a CSV file",
        help_text="Excel workbooks (.xlsx) need no choice. A CSV file that is not valid in the encoding "
        "chosen is refused, naming the row, rather than imported with garbled names.",
        choices=ENCODING_CHOICES,
        initial=UTF_8,
        widget=forms.RadioSelect,
        required=False,  # left out, as a script posting only the file does: UTF-8
    )


def multiple_file_input(attrs: dict[str, str]) -> forms.ClearableFileInput:
    """A file input that takes several files (Django's "Uploading multiple files"). An instance of
    ClearableFileInput itself, not a subclass: the GOV.UK template pack styles widgets by class name
    (govuk-file-upload, and govuk-file-upload--error)."""
    widget = forms.ClearableFileInput(attrs=attrs)
    widget.allow_multiple_selected = True
    widget.attrs["multiple"] = "multiple"
    return widget


class MultipleFileField(forms.FileField):
    """One file or several (Django's "Uploading multiple files"): cleans to a list of uploads."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", multiple_file_input({}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            if not data:
                return super().clean(None, initial)  # "required"
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]


class ImportUploadForm(forms.Form):
    """A case extract to check, then import: one file, or several (children, referrals, S47 enquiries...)
    imported as one. `cleaned_data["file"]` is a list of StoredFile (name and bytes);
    `cleaned_data["encoding"]` the encoding its CSV files are read in."""

    file = MultipleFileField(
        label="Upload a case extract",
        help_text="An Ofsted Annex A workbook (List 5) or the product's own extract format, as .xlsx or CSV. "
        "Select several files at once (children, referrals, S47 enquiries...) to import them together, "
        "in any order.",
        error_messages={
            "required": "Select a CSV or Excel (.xlsx) file",
            "empty": "The selected file is empty",
        },
        widget=multiple_file_input({"accept": CSV_OR_XLSX}),
    )
    encoding = encoding_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(
            Field("file"),
            Field.radios("encoding", legend_size=Size.SMALL, small=True),
            Button.primary("upload", "Upload and check"),
        )

    def clean_file(self) -> list[StoredFile]:
        uploads: list[UploadedFile] = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
        several = len(uploads) > 1
        names: set[str] = set()
        for upload in uploads:
            name = upload.name or ""  # an upload always has a name
            try:
                file_format(name)
            except ExtractFileError as error:
                raise forms.ValidationError(f"{name}: {error}" if several else str(error)) from None
            if upload.size > settings.IMPORT_MAX_BYTES:
                if several:
                    raise forms.ValidationError(
                        f"{name} is too big: each file must be smaller than {limit} MB"
                    )
                raise forms.ValidationError(f"The selected file must be smaller than {limit} MB")
            if name in names:
                raise forms.ValidationError(f"{name} is selected twice: select each file once")
            names.add(name)
        total = sum(upload.size or 0 for upload in uploads)
        if total > settings.IMPORT_MAX_BYTES:
            biggest = max(uploads, key=lambda upload: upload.size or 0)
            raise forms.ValidationError(
                f"The selected files add up to {_megabytes(total)} MB; together they must be smaller than "
                f"{limit} MB. Upload fewer at a time (the biggest is {biggest.name}, {_megabytes(biggest.size or 0)} MB)"
            )
        return [StoredFile(upload.name or "", upload.read()) for upload in uploads]

    def clean_encoding(self) -> str:
        return self.cleaned_data.get("encoding") or UTF_8


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".removesuffix(".0")


class ImportEncodingForm(forms.Form):
    """Read an uploaded CSV file again in another encoding (from the preview page)."""

    encoding = encoding_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["encoding"].label = "Read the file in another encoding"
        self.fields["encoding"].help_text = "Choose the encoding the file was saved in, then check it again."
        self.helper = FormHelper()
        self.helper.form_tag = False  # the page's form posts to the upload's own URL
        self.helper.layout = Layout(
            Field.radios("encoding", legend_size=Size.SMALL, small=True),
            Button.secondary("recheck", "Check again"),
        )

    def clean_encoding(self) -> str:
        return self.cleaned_data.get("encoding") or UTF_8
