from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Button, Field, Layout, Size
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile

from cases.importing.reading import ExtractFileError, file_format

CSV_OR_XLSX = ".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportUploadForm(forms.Form):
    """A case extract to check, then import. `cleaned_data["file"]` is the name and the bytes."""

    file = forms.FileField(
        label="Upload a case extract",
        help_text="An Ofsted Annex A workbook (List 5) or the product's own extract format, as .xlsx or CSV.",
        error_messages={
            "required": "Select a CSV or Excel (.xlsx) file",
            "empty": "The selected file is empty",
        },
        widget=forms.ClearableFileInput(attrs={"accept": CSV_OR_XLSX}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.label_size = Size.MEDIUM
        self.helper.layout = Layout(Field("file"), Button.primary("upload", "Upload and check"))

    def clean_file(self) -> dict:
        upload: UploadedFile = self.cleaned_data["file"]
        try:
            file_format(upload.name)
        except ExtractFileError as error:
            raise forms.ValidationError(str(error)) from None
        if upload.size > settings.IMPORT_MAX_BYTES:
            limit = settings.IMPORT_MAX_BYTES // (1024 * 1024)
            raise forms.ValidationError(f"The selected file must be smaller than {limit} MB")
        return {"name": upload.name, "content": upload.read()}
