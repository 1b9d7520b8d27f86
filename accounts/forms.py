from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_texts


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


class SignInForm(AuthenticationForm):
    """Django's log-in form, with error messages in the GOV.UK style (no "please", say what to do)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password (the password is case-sensitive)",
        "inactive": "This account has been disabled: ask an administrator",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


class ChangePasswordForm(PasswordChangeForm):
    """Django's password change form, with GOV.UK labels, hint and error messages."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": "Your current password is not correct: enter it again",
        "password_mismatch": "The new passwords do not match: enter the same new password twice",
    }

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        labels_and_required = {
            "old_password": ("Current password", "Enter your current password"),
            "new_password1": ("New password", "Enter a new password"),
            "new_password2": ("Confirm new password", "Enter the new password again"),
        }
        for name, (label, required) in labels_and_required.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = required
        # The validators' rules as sentences, not run together from Django's HTML list.
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())
        self.fields["new_password2"].help_text = ""  # the label says it
