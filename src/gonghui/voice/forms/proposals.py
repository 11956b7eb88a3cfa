"""Forms of the proposal, campaign and forum pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import AmountField, BootstrapMixin, BoundedDateField
from gonghui.voice.models import BenefitKind, ProposalField

DATE = forms.DateInput(attrs={"type": "date"})


class ProposalForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label=_("工会编码"), max_length=32)
    campaign = forms.IntegerField(label=_("所属活动"), required=False, widget=forms.Select)
    field = forms.ChoiceField(label=_("类别"), choices=ProposalField.choices)
    title = forms.CharField(label=_("建议名称"), max_length=100)
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 5}))
    expected_benefit = forms.CharField(
        label=_("预期效益"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    estimated_saving = AmountField(
        label=_("预计效益（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    proposer = forms.CharField(label=_("建议人（团队写牵头人）"), max_length=50)
    team = forms.CharField(label=_("团队成员（个人建议留空）"), max_length=200, required=False)

    def __init__(
        self, *args: object, campaigns: list[tuple[int, str]] | None = None, **kw: object
    ) -> None:
        super().__init__(*args, **kw)
        self.fields["campaign"].widget.choices = [("", "—"), *(campaigns or [])]


class MemberProposalForm(BootstrapMixin, forms.Form):
    field = forms.ChoiceField(label=_("类别"), choices=ProposalField.choices)
    title = forms.CharField(label=_("建议名称"), max_length=100)
    content = forms.CharField(label=_("建议内容"), widget=forms.Textarea(attrs={"rows": 5}))
    expected_benefit = forms.CharField(
        label=_("预期效益"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    team = forms.CharField(label=_("团队成员（个人建议留空）"), max_length=200, required=False)


class ReviewForm(BootstrapMixin, forms.Form):
    adopt = forms.TypedChoiceField(
        label=_("评审意见"),
        choices=[("1", _("建议采纳")), ("0", _("建议不采纳"))],
        coerce=lambda v: v == "1",
    )
    score = forms.IntegerField(label=_("评分"), required=False, min_value=0, max_value=100)
    opinion = forms.CharField(label=_("评审意见"), widget=forms.Textarea(attrs={"rows": 2}))
    reviewer_name = forms.CharField(
        label=_("代录评审人（本人评审留空）"), max_length=50, required=False
    )


class DecideForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("评审结论和理由"), widget=forms.Textarea(attrs={"rows": 2}))


class ImplementForm(BootstrapMixin, forms.Form):
    implemented_on = BoundedDateField(label=_("实施日期"), widget=DATE)
    benefit_kind = forms.ChoiceField(label=_("效益类型"), choices=BenefitKind.choices)
    verified_saving = AmountField(
        label=_("核定效益（元）"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    note = forms.CharField(label=_("效益说明"), max_length=300, required=False)


class RewardForm(BootstrapMixin, forms.Form):
    amount = AmountField(label=_("奖励金额（元）"), min_value=0, max_digits=12, decimal_places=2)
    paid_on = BoundedDateField(label=_("发放日期"), widget=DATE)


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("活动名称"), max_length=100)
    starts_on = BoundedDateField(label=_("开始日期"), widget=DATE)
    ends_on = BoundedDateField(label=_("结束日期"), widget=DATE)


class ForumForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("座谈会名称"), max_length=100)
    held_on = BoundedDateField(label=_("召开日期"), widget=DATE)
    place = forms.CharField(label=_("地点"), max_length=100, required=False)
    participants = forms.CharField(
        label=_("参加人员"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    summary = forms.CharField(
        label=_("会议纪要"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ForumItemForm(BootstrapMixin, forms.Form):
    text = forms.CharField(label=_("反映事项"), widget=forms.Textarea(attrs={"rows": 3}))
    title = forms.CharField(label=_("标题（留空取首行）"), max_length=100, required=False)
    raised_by = forms.CharField(label=_("提出人（留空为匿名）"), max_length=50, required=False)
    kind = forms.ChoiceField(
        label=_("转为"), choices=[("appeal", _("诉求")), ("proposal", _("合理化建议"))]
    )
    category = forms.ChoiceField(label=_("诉求类别"), choices=())
    field = forms.ChoiceField(label=_("建议类别"), choices=ProposalField.choices)

    def __init__(self, *args: object, **kw: object) -> None:
        from gonghui.voice.forms.appeals import _categories

        super().__init__(*args, **kw)
        self.fields["category"].choices = [(c.code, c.name) for c in _categories()]  # type: ignore[attr-defined]
