"""Officers' pages of the congress: congresses, rules, terms, delegates, sessions, attendance."""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org, acting_org_or_none
from gonghui.core.decorators import officer_required
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service, submit_form
from gonghui.democracy.forms import congress as forms
from gonghui.democracy.models import CheckInMethod, SessionState
from gonghui.democracy.selectors import congress as selectors
from gonghui.democracy.services import congress as svc
from gonghui.democracy.services import rules

MANAGE = "democracy.manage"


@officer_required
@require_GET
def index(request: ViewerRequest) -> HttpResponse:
    org = acting_org_or_none(request)
    congresses = selectors.congress_list(viewer=request.user)
    can_create = (
        org is not None
        and request.user.has_capability(MANAGE, org.path)
        and not congresses.filter(org=org).exists()
    )
    return render(
        request,
        "democracy/index.html",
        {"congresses": congresses[:200], "can_create": can_create, "form": forms.CongressForm()},
    )


@officer_required
@require_POST
def congress_create(request: ViewerRequest) -> HttpResponse:
    org = acting_org_or_none(request)
    form = forms.CongressForm(request.POST)
    if org is None or not form.is_valid():
        messages.error(request, _("请填写名称和职工人数"))
        return redirect("democracy:index")
    result: dict[str, Any] = {}

    def create() -> None:
        result["c"] = svc.congress_create(actor=request.user, org=org, **form.cleaned_data)

    if run_service(request, create, _("已建立职代会")):
        return redirect("democracy:congress_detail", pk=result["c"].pk)
    return redirect("democracy:index")


@officer_required
def rule_edit(request: ViewerRequest) -> HttpResponse:
    """The acting org's rule set (inherited by its subtree)."""
    org = acting_org(request)
    current = rules.rule_for(org)
    form = forms.RuleForm(request.POST or None, instance=current if current.pk else None)
    if submit_form(
        request,
        form,
        lambda: rules.rule_save(actor=request.user, org=org, **form.cleaned_data),
        _("规则已保存，下级组织未另行设置的按此执行"),
        denied=_("您没有设置本级规则的权限"),
    ):
        return redirect("democracy:rule")
    return render(
        request,
        "democracy/rule.html",
        {"form": form, "org": org, "current": current},
    )


@officer_required
@require_GET
def congress_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    congress = selectors.congress_get(viewer=request.user, pk=pk)
    term = congress.terms.first()
    delegates = list(term.delegates.select_related("member", "replaces")) if term else []
    return render(
        request,
        "democracy/congress.html",
        {
            "congress": congress,
            "term": term,
            "terms": congress.terms.all(),
            "delegates": delegates,
            "composition": rules.composition_check(term) if term else None,
            "sessions": term.sessions.all() if term else [],
            "departments": congress.org.democracy_departments.all(),
            "caps": request.user.capabilities_at(congress.org_path),
            "term_form": forms.TermForm(),
            "delegate_form": forms.DelegateForm(),
            "session_form": forms.SessionForm(),
            "department_form": forms.DepartmentForm(),
            "leave_form": forms.LeaveForm(),
        },
    )


@officer_required
@require_POST
def congress_add(request: ViewerRequest, pk: int, what: str) -> HttpResponse:
    """Add a term, a delegate (or a 补选), a session or a department to a congress."""
    congress = selectors.congress_get(viewer=request.user, pk=pk)
    term = congress.terms.first()
    form_class = {
        "term": forms.TermForm,
        "delegate": forms.DelegateForm,
        "session": forms.SessionForm,
        "department": forms.DepartmentForm,
    }.get(what)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            text = "；".join(str(e) for e in errors)
            messages.error(request, f"{label}：{text}" if label else text)
        return redirect("democracy:congress_detail", pk=pk)
    data = dict(form.cleaned_data)
    if what != "term" and what != "department" and term is None:
        messages.error(request, _("请先建立本届"))
        return redirect("democracy:congress_detail", pk=pk)

    def run() -> None:
        from gonghui.democracy.services.motions import department_add

        if what == "term":
            svc.term_create(actor=request.user, congress=congress, **data)
        elif what == "department":
            department_add(actor=request.user, congress=congress, **data)
        elif what == "session":
            assert term is not None
            svc.session_create(actor=request.user, term=term, **data)
        else:
            assert term is not None
            require_capability(request.user, MANAGE, congress.org_path)
            member_id, replaces_id = data.pop("member_id"), data.pop("replaces")
            member = (
                selectors.electable_member(viewer=request.user, congress=congress, pk=member_id)
                if member_id
                else None
            )
            if member_id and member is None:
                raise ValidationError({"member": _("未找到该会员")})
            replaces = (
                selectors.term_delegate(viewer=request.user, term_id=term.pk, pk=replaces_id)
                if replaces_id
                else None
            )
            if replaces_id and replaces is None:
                raise ValidationError({"replaces": _("未找到被接替的代表")})
            svc.delegate_elect(
                actor=request.user, term=term, member=member, replaces=replaces, **data
            )

    run_service(request, run, _("已保存"))
    return redirect("democracy:congress_detail", pk=pk)


@officer_required
@require_POST
def delegate_leave(request: ViewerRequest, pk: int) -> HttpResponse:
    delegate = selectors.delegate_get(viewer=request.user, pk=pk)
    form = forms.LeaveForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: svc.delegate_leave(actor=request.user, delegate=delegate, **form.cleaned_data),
            _("已登记离任"),
        )
    else:
        messages.error(request, _("请填写离任日期和原因"))
    return redirect("democracy:congress_detail", pk=delegate.term.congress_id)


@officer_required
@require_GET
def session_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=pk)
    present = {a.delegate_id: a for a in session.attendances.all()}
    delegates = session.term.delegates.filter(left_on__isnull=True)
    return render(
        request,
        "democracy/session.html",
        {
            "session": session,
            "quorum": svc.session_quorum(session),
            "may_vote": svc.session_may_vote(session),
            "preflight": svc.session_preflight(session)
            if session.state in (SessionState.PLANNED, SessionState.MATERIALS_SENT)
            else [],
            "deadline": svc.materials_deadline(session),
            "rows": [(d, present.get(d.pk)) for d in delegates],
            "history": selectors.history(session),
            "motions": session.motions.all(),
            "caps": request.user.capabilities_at(session.org_path),
        },
    )


@officer_required
def session_edit(request: ViewerRequest, pk: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=pk)
    initial = {k: getattr(session, k) for k in svc.EDITABLE}
    form = forms.SessionForm(request.POST or None, initial=initial)
    if submit_form(
        request,
        form,
        lambda: svc.session_update(actor=request.user, session=session, **form.cleaned_data),
        _("已保存"),
        denied=_("您没有办理此项的权限"),
    ):
        return redirect("democracy:session_detail", pk=pk)
    return render(request, "democracy/session_edit.html", {"form": form, "session": session})


@officer_required
@require_GET
def session_quorum(request: ViewerRequest, pk: int) -> HttpResponse:
    """htmx: the live quorum box, polled while check-in goes on."""
    session = selectors.session_get(viewer=request.user, pk=pk)
    return render(
        request,
        "democracy/session.html#quorum",
        {
            "session": session,
            "quorum": svc.session_quorum(session),
            "may_vote": svc.session_may_vote(session),
        },
    )


@officer_required
@require_POST
def session_action(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=pk)
    services = {
        "send_materials": (svc.session_send_materials, _("会议材料已送达代表")),
        "open": (svc.session_open, _("会议已开幕")),
        "close": (svc.session_close, _("会议已闭幕")),
    }
    if action not in services:
        raise Http404
    service, success = services[action]
    run_service(request, lambda: service(actor=request.user, session=session), success)
    return redirect("democracy:session_detail", pk=pk)


@officer_required
@require_POST
def session_checkin(request: ViewerRequest, pk: int, delegate: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=pk)
    seat = selectors.term_delegate(viewer=request.user, term_id=session.term_id, pk=delegate)
    if seat is None:
        raise Http404
    run_service(
        request,
        lambda: svc.attendance_check_in(actor=request.user, session=session, delegate=seat),
        _("%(name)s已签到") % {"name": seat.name},
    )
    return redirect("democracy:session_detail", pk=pk)


@officer_required
@require_POST
def session_leave(request: ViewerRequest, pk: int, delegate: int) -> HttpResponse:
    session = selectors.session_get(viewer=request.user, pk=pk)
    seat = selectors.term_delegate(viewer=request.user, term_id=session.term_id, pk=delegate)
    if seat is None:
        raise Http404
    run_service(
        request,
        lambda: svc.attendance_leave(actor=request.user, session=session, delegate=seat),
        _("%(name)s已离场") % {"name": seat.name},
    )
    return redirect("democracy:session_detail", pk=pk)


@officer_required
def session_scan(request: ViewerRequest, pk: int) -> HttpResponse:
    """The door: the delegate's phone QR opens this page (or its code is typed in)."""
    session = selectors.session_get(viewer=request.user, pk=pk)
    require_capability(request.user, MANAGE, session.org_path)
    token = (request.POST.get("token") or request.GET.get("t") or "").strip()
    if request.method == "POST" and token:

        def check_in() -> None:
            seat = svc.checkin_delegate_from_token(session, token)
            svc.attendance_check_in(
                actor=request.user, session=session, delegate=seat, method=CheckInMethod.QR
            )

        run_service(request, check_in, _("签到成功"))
        return redirect("democracy:session_scan", pk=pk)
    return render(
        request,
        "democracy/scan.html",
        {"session": session, "token": token, "quorum": svc.session_quorum(session)},
    )


@officer_required
@require_GET
def session_report(request: ViewerRequest, pk: int) -> HttpResponse:
    """Printable: every motion of the congress and its state, for the next session."""
    session = selectors.session_get(viewer=request.user, pk=pk)
    motions = selectors.motion_list(
        viewer=request.user,
        filters=selectors.MotionFilters(congress=session.term.congress_id),
    ).order_by("number", "pk")
    return render(request, "democracy/report_print.html", {"session": session, "motions": motions})


def qr_svg(url: str) -> str:
    return str(segno.make(url, error="m").svg_inline(scale=5))


def scan_url(request: ViewerRequest, session_pk: int, token: str) -> str:
    return request.build_absolute_uri(reverse("democracy:session_scan", args=[session_pk])) + (
        f"?t={token}"
    )
