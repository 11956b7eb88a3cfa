"""Forms of the voice pages (validation of shape only; the services check the rules)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin, BoundedDateField
from gonghui.voice.models import AppealCategory, AppealKind, AppealStatus, Channel, Rating


def _categories() -> Any:
    # Read only: the categories are seeded by migration voice 0005 (no write on a GET).
    from gonghui.voice.selectors import active_categories

    return active_categories()


class _CategoryMixin:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = _categories()  # type: ignore[attr-defined]


class AppealFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=50)
    org = forms.CharField(required=False, max_length=32)
    status = forms.ChoiceField(required=False, choices=[("", ""), *AppealStatus.choices])
    category = forms.CharField(required=False, max_length=20)
    channel = forms.ChoiceField(required=False, choices=[("", ""), *Channel.choices])
    kind = forms.ChoiceField(required=False, choices=[("", ""), *AppealKind.choices])
    overdue = forms.BooleanField(required=False)
    since = BoundedDateField(required=False)
    until = BoundedDateField(required=False)


class AppealEnterForm(_CategoryMixin, BootstrapMixin, forms.Form):
    org = forms.CharField(label=_("承办工会编码"), max_length=32)
    kind = forms.ChoiceField(label=_("类型"), choices=AppealKind.choices)
    channel = forms.ChoiceField(
        label=_("渠道"), choices=[c for c in Channel.choices if c[0] != Channel.CONGRESS]
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=AppealCategory.objects.none())
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))
    anonymous = forms.BooleanField(label=_("匿名"), required=False)
    contact_name = forms.CharField(label=_("提出人姓名"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("联系电话"), max_length=20, required=False)
    attachment = forms.FileField(label=_("附件"), required=False)


class MemberAppealForm(_CategoryMixin, BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(label=_("提交给"), choices=AppealKind.choices)
    to_org = forms.CharField(
        label=_("写给哪个工会的主席（组织编码，留空为本工会）"),
        max_length=32,
        required=False,
        # Only a letter to the chairman goes to another union; an appeal stays at the member's.
        widget=forms.TextInput(attrs={"data-show-when": f"kind={AppealKind.LETTER}"}),
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=AppealCategory.objects.none())
    title = forms.CharField(label=_("标题"), max_length=100)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 6}))
    anonymous = forms.BooleanField(
        label=_("匿名提交（工会干部看不到您的身份；提交后会给您一个查询码，凭它查看进度）"),
        required=False,
    )
    attachment = forms.FileField(label=_("附件"), required=False)


class FollowForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("查询码"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )


class OpinionForm(BootstrapMixin, forms.Form):
    opinion = forms.CharField(
        label=_("意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 2}))


class TransferForm(BootstrapMixin, forms.Form):
    to_code = forms.CharField(label=_("转至工会（组织编码）"), max_length=32)
    reason = forms.CharField(label=_("转办理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ReferForm(BootstrapMixin, forms.Form):
    department = forms.CharField(label=_("承办部门"), max_length=100)
    reason = forms.CharField(
        label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReplyForm(BootstrapMixin, forms.Form):
    reply = forms.CharField(label=_("答复意见"), widget=forms.Textarea(attrs={"rows": 6}))


class RateForm(BootstrapMixin, forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices)
    comment = forms.CharField(label=_("评价意见"), max_length=300, required=False)
