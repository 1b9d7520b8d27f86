from django import forms


class OneTimeCodeForm(forms.Form):
    """A six-digit code from an authenticator app; spaces people type from the app are ignored."""

    code = forms.CharField(
        label="Code",
        max_length=12,
        error_messages={"required": "Enter the 6-digit code from your authenticator app"},
    )

    def clean_code(self) -> str:
        code = self.cleaned_data["code"].replace(" ", "").replace("-", "")
        if not (code.isdigit() and len(code) == 6):
            raise forms.ValidationError("The code must be 6 digits, like 123456")
        return code
