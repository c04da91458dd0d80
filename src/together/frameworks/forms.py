from django import forms
from django.utils.translation import gettext_lazy as _

from together.framework.yamlsafe import MAX_BYTES

from .uploads import SUFFIXES

UPLOAD_LIMIT = 1_000_000  # the shipped framework is under 50 KB


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Upload a framework file"),
        help_text=_(
            "A YAML file (.yaml or .yml) or an Excel workbook (.xlsx) from the spreadsheet template, written as "
            "docs/framework-format.md describes, smaller than 1 MB."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(SUFFIXES)}),
        error_messages={"required": _("Choose a framework file to upload"), "empty": _("The file is empty")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > min(UPLOAD_LIMIT, MAX_BYTES):
            raise forms.ValidationError(_("The file must be smaller than 1 MB"))
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(
                _("The file must be a YAML file (ending in .yaml or .yml) or an Excel workbook (ending in .xlsx)")
            )
        return upload


class TranslationForm(forms.Form):
    file = forms.FileField(
        label=_("Upload the translator's file"),
        help_text=_(
            "The CSV or Excel file downloaded below, with the Welsh column filled in or corrected. Rows whose "
            "English has changed since it was downloaded are refused."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
        error_messages={"required": _("Choose the translator's file to upload"), "empty": _("The file is empty")},
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > UPLOAD_LIMIT * 5:
            raise forms.ValidationError(_("The file must be smaller than 5 MB"))
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("The file must be a CSV file or an Excel workbook (ending in .xlsx)"))
        return upload
