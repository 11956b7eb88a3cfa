from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.forms import BootstrapMixin, BoundedDateField
from gonghui.orgs.models import OrgKind, OwnershipType, PostRole


class OrgPickerInput(forms.TextInput):
    """A code input with a directory search beside it (static/core/app.js fills the code)."""

    template_name = "orgs/widgets/org_picker.html"


class OrgCreateForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label=_("组织编码"),
        max_length=32,
        help_text=_("2–32位大写字母、数字或连字符，建立后不再改变"),
    )
    name = forms.CharField(label=_("组织名称"), max_length=120)
    kind = forms.ChoiceField(label=_("组织类型"), choices=OrgKind.choices)
    region_code = forms.CharField(label=_("行政区划代码"), max_length=6, required=False)
    uscc = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=24,
        required=False,
        help_text=_("基层工会以81开头，其他工会以89开头"),
    )
    founded_on = BoundedDateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    chair_name = forms.CharField(label=_("工会主席"), max_length=50, required=False)


class OrgEditForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("组织名称"), max_length=120)
    region_code = forms.CharField(label=_("行政区划代码"), max_length=6, required=False)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=24, required=False)
    founded_on = BoundedDateField(
        label=_("成立日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    chair_name = forms.CharField(label=_("工会主席"), max_length=50, required=False)


class OrgMoveForm(BootstrapMixin, forms.Form):
    new_parent = forms.CharField(
        label=_("迁移到（新上级组织编码）"), max_length=32, widget=OrgPickerInput
    )


class OrgMergeForm(BootstrapMixin, forms.Form):
    target = forms.CharField(label=_("并入组织编码"), max_length=32, widget=OrgPickerInput)
    confirm = forms.BooleanField(label=_("我已确认：合并后本组织的下级、用人单位将转入目标组织"))


class OrgDissolveForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(label=_("撤销原因"), max_length=200)
    confirm = forms.BooleanField(label=_("我已确认撤销该组织"))


class EmployerForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label=_("单位名称"), max_length=150)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=24, required=False)
    industry = forms.CharField(label=_("所属行业"), max_length=60, required=False)
    ownership = forms.ChoiceField(label=_("经济类型"), choices=OwnershipType.choices)
    employee_count = forms.IntegerField(label=_("职工人数"), min_value=0, initial=0)
    union = forms.CharField(
        label=_("所属工会编码（未建会请留空）"),
        max_length=32,
        required=False,
        widget=OrgPickerInput,
    )


class PostAssignForm(BootstrapMixin, forms.Form):
    org = forms.CharField(label=_("任职组织编码"), max_length=32, widget=OrgPickerInput)
    role = forms.ChoiceField(label=_("职务"), choices=PostRole.choices)
