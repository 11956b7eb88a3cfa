from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin
from gonghui.orgs.forms import OrgPickerInput
from gonghui.orgs.models import PostRole


class LoginForm(BootstrapMixin, AuthenticationForm):
    username = forms.CharField(label=_("用户名或手机号码"), max_length=150)
    password = forms.CharField(label=_("密码"), strip=False, widget=forms.PasswordInput)

    error_messages = {
        # A locked, an unknown and a mistyped account answer alike: the page must not tell a
        # guesser which accounts exist or which one it has locked.
        "invalid_login": _(
            "用户名（手机号码）或密码不正确。连续输错多次的账号会被临时锁定，请稍后再试或联系管理员解锁"
        ),
        "inactive": _("该账号已停用，请联系本级工会管理员"),
    }


class OfficerCreateForm(BootstrapMixin, forms.Form):
    username = forms.CharField(label=_("用户名"), max_length=150)
    full_name = forms.CharField(label=_("姓名"), max_length=50)
    phone = forms.CharField(label=_("手机号码"), max_length=20, required=False)
    org = forms.CharField(label=_("任职组织编码"), max_length=32, widget=OrgPickerInput)
    role = forms.ChoiceField(label=_("职务"), choices=PostRole.choices)


class _NewPasswordMixin(forms.Form):
    new_password = forms.CharField(
        label=_("新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=128,
    )
    new_password2 = forms.CharField(
        label=_("再次输入新密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        strip=False,
        max_length=128,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_password") != data.get("new_password2"):
            self.add_error("new_password2", _("两次输入的新密码不一致"))
        return data


class ActivationForm(BootstrapMixin, _NewPasswordMixin):
    pass


class PasswordChangeForm(BootstrapMixin, _NewPasswordMixin):
    old_password = forms.CharField(
        label=_("原密码"),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        strip=False,
        max_length=128,
    )
    field_order = ["old_password", "new_password", "new_password2"]
