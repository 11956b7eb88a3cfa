"""Members' phone pages: the 公示 lists that cover the member's union, with the objection form
(anonymous allowed), and the member's own honours."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gonghui.core.decorators import member_required
from gonghui.core.scoping import ViewerRequest
from gonghui.core.views_support import submit_form
from gonghui.honors import selectors
from gonghui.honors.forms import ObjectionForm
from gonghui.honors.services import nominations
from gonghui.members.services.self_service import own_member


@member_required
@require_GET
def home(request: ViewerRequest) -> HttpResponse:
    member = own_member(request.user)
    return render(
        request,
        "honors/phone_home.html",
        {
            "calls": selectors.publicity_calls(member=member),
            "mine": selectors.my_honours(member=member),
            "member": member,
        },
    )


@member_required
@require_GET
def publicity(request: ViewerRequest, pk: int) -> HttpResponse:
    call, listed = selectors.publicity_list(member=own_member(request.user), call_pk=pk)
    return render(request, "honors/phone_publicity.html", {"call": call, "rows": listed})


@member_required
def objection(request: ViewerRequest, pk: int) -> HttpResponse:
    nomination = selectors.publicity_nomination(member=own_member(request.user), pk=pk)
    form = ObjectionForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: nominations.objection_receive(
            actor=request.user,
            nomination=nomination,
            content=form.cleaned_data["content"],
            anonymous=form.cleaned_data["anonymous"],
        ),
    ):
        _objection, code = done.value
        if code:
            messages.success(
                request, _("异议已匿名提交。查询码：%(code)s，请妥善保存") % {"code": code}
            )
        else:
            messages.success(request, _("异议已提交，评选单位将核查答复"))
        return redirect("honors_m:publicity", nomination.call_id)
    return render(request, "honors/phone_objection.html", {"n": nomination, "form": form})


# --- aftercare (hon2): the member's own honours and care records ---
@member_required
def my_care(request: ViewerRequest) -> HttpResponse:
    member = getattr(request.user, "member", None)
    return render(request, "honors/phone_care.html", selectors.own_care(member=member))
