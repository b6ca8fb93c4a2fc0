"""The photo wall's upload form: it parses the input's shape; whether the upload is really a photo, and
the other rules, are checked in services_photos, whose DomainError is put back on the form."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.registry.forms import DATE_WIDGET, add_domain_error  # noqa: F401 (add_domain_error: for views)


class PhotoForm(forms.Form):
    # accept="image/*" lets a phone offer its camera as well as its gallery (no `capture`: that would
    # hide the gallery, and photos are often taken first and uploaded later).
    upload = forms.FileField(
        label=_("照片"),
        help_text=_("可直接用手机拍照，或从相册选择；JPG、PNG、WebP或GIF，不超过10MB"),
        widget=forms.FileInput(attrs={"accept": "image/*"}),
    )
    stage = forms.TypedChoiceField(label=_("阶段"), coerce=int)
    caption = forms.CharField(label=_("说明"), max_length=200, help_text=_("例如：井道基础开挖"))
    taken_on = forms.DateField(label=_("拍摄日期"), widget=DATE_WIDGET, initial=timezone.localdate)

    def __init__(self, *args, stages, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s.pk, s.name) for s in stages]
        if current is not None:
            self.fields["stage"].initial = current.pk
