from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from cases.importing.reading import CSV_ENCODINGS, UTF_8, UTF_16, WINDOWS_1252, ExtractFileError, file_format

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


class ImportUploadForm(forms.Form):
    """A case extract to check, then import. `cleaned_data["file"]` is the name and the bytes;
    `cleaned_data["encoding"]` the encoding a CSV file is read in."""

    file = forms.FileField(
        label="Upload a case extract",
        help_text="An Ofsted Annex A workbook (List 5) or the product's own extract format, as .xlsx or CSV.",
        error_messages={
            "required": "Select a CSV or Excel (.xlsx) file",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": CSV_OR_XLSX}),
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

    def clean_file(self) -> dict:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            file_format(upload.name or "")  # an upload always has a name
        except ExtractFileError as error:
            raise forms.ValidationError(str(error)) from None
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The selected file must be smaller than {limit} MB")
        return {"name": upload.name, "content": upload.read()}

    def clean_encoding(self) -> str:
        return self.cleaned_data.get("encoding") or UTF_8


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
