"""Forms of the member's phone pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.core.identifiers import IdType
from gonghui.members.services.corrections import CORRECTABLE


class ActivationStartForm(BootstrapMixin, forms.Form):
    id_type = forms.ChoiceField(label=_("证件类型"), choices=IdType.choices)
    id_number = forms.CharField(label=_("证件号码"), max_length=30)
    phone = forms.CharField(
        label=_("手机号码"),
        max_length=20,
        help_text=_("须是工会登记的手机号码"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel"}),
    )


class ActivationFinishForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    password = forms.CharField(
        label=_("设置登录密码"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    consent = forms.BooleanField(label=_("我已阅读并同意《会员个人信息保护政策》"), required=False)


class CardLostForm(BootstrapMixin, forms.Form):
    confirm = forms.BooleanField(label=_("我确认会员卡已遗失，立即挂失"), required=True)


class CorrectionForm(BootstrapMixin, forms.Form):
    """One optional input per correctable field: only those filled in are requested."""

    note = forms.CharField(
        label=_("更正说明"),
        max_length=200,
        required=False,
        help_text=_("例如：登记时证件号码录错了一位"),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {
            name: forms.CharField(label=str(label), max_length=100, required=False)
            for name, (label, _dictionary) in CORRECTABLE.items()
        }
        fields["note"] = self.fields.pop("note")
        self.fields = fields  # the requested values first, the note last
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-control")


class CorrectionDecisionForm(BootstrapMixin, forms.Form):
    note = forms.CharField(label=_("处理意见"), max_length=200, required=False)


class JoinFindForm(forms.Form):
    """The org-directory search of the join page (names and codes only, DESIGN.md rule 1)."""

    find = forms.CharField(label=_("单位或工会名称"), max_length=50, required=False)
    joint = forms.BooleanField(required=False)
