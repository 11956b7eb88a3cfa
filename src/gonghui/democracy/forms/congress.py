from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin, BoundedDateField
from gonghui.democracy.models import (
    CompositionRule,
    DisclosureCategory,
    MotionState,
    OccupationGroup,
    Rating,
)
from gonghui.members.models import Gender

DATE = forms.DateInput(attrs={"type": "date"})


class CongressForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=120)
    staff_count = forms.IntegerField(
        label=_("职工人数"),
        min_value=1,
        help_text=_("100人以上为职工代表大会，不足100人为职工大会"),
    )
    female_staff_count = forms.IntegerField(label=_("女职工人数"), min_value=0, initial=0)


class RuleForm(BootstrapMixin, forms.ModelForm):
    class Meta:
        model = CompositionRule
        fields = [
            "min_delegates",
            "min_staff_pct",
            "frontline_min_pct",
            "managers_max_pct",
            "women_gap_max_pct",
            "min_cosigners",
            "reply_working_days",
            "materials_days",
            "question_days",
        ]


class TermForm(BootstrapMixin, forms.Form):
    starts_on = BoundedDateField(label=_("开始日期"), widget=DATE)
    ends_on = BoundedDateField(label=_("届满日期"), widget=DATE)


class DelegateForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=50)
    gender = forms.ChoiceField(label=_("性别"), choices=Gender.choices)
    group = forms.ChoiceField(label=_("职工类别"), choices=OccupationGroup.choices)
    constituency = forms.CharField(label=_("选区"), max_length=80)
    elected_on = BoundedDateField(label=_("当选日期"), widget=DATE)
    member_id = forms.IntegerField(label=_("会员编号（可不填）"), required=False)
    replaces = forms.IntegerField(label=_("补选接替的代表编号"), required=False)


class LeaveForm(BootstrapMixin, forms.Form):
    left_on = BoundedDateField(label=_("离任日期"), widget=DATE)
    reason = forms.CharField(label=_("离任原因"), max_length=200)


class DepartmentForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("部门名称"), max_length=80)
    contact = forms.CharField(label=_("联系人"), max_length=50, required=False)


class SessionForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("会议名称"), max_length=150)
    scheduled_for = BoundedDateField(label=_("召开日期"), widget=DATE)
    location = forms.CharField(label=_("地点"), max_length=120, required=False)
    agenda = forms.CharField(
        label=_("议程"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    materials = forms.CharField(
        label=_("会议材料"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class MotionDraftForm(BootstrapMixin, forms.Form):
    title = forms.CharField(label=_("案由（一事一议）"), max_length=150)
    content = forms.CharField(label=_("理由和建议"), widget=forms.Textarea(attrs={"rows": 6}))


class MotionFilterForm(forms.Form):
    state = forms.ChoiceField(choices=[("", ""), *MotionState.choices], required=False)
    department = forms.IntegerField(required=False)
    congress = forms.IntegerField(required=False)


class RatingForm(BootstrapMixin, forms.Form):
    rating = forms.ChoiceField(label=_("评价"), choices=Rating.choices)
    comment = forms.CharField(label=_("意见"), max_length=300, required=False)


class PlanForm(BootstrapMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("计划名称"), max_length=120)
    state_owned = forms.BooleanField(label=_("国有或集体企业"), required=False)


class ItemForm(BootstrapMixin, forms.Form):
    category = forms.ChoiceField(label=_("类别"), choices=DisclosureCategory.choices)
    title = forms.CharField(label=_("公开事项"), max_length=150)
    period = forms.CharField(label=_("公开期间"), max_length=40)
    due_on = BoundedDateField(label=_("应公开日期"), widget=DATE)
