"""Officers' pages of the selection engine: calls, quotas, the list an org holds with its live
composition check, candidates with their 征求意见 and evidence, 公示 with its objections, the
print views (公示 list, certificates, 光荣榜) and the 推荐审批表 export."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.acting import acting_org
from gonghui.core.audit import audit_record
from gonghui.core.decorators import officer_required
from gonghui.core.exporting import export_response
from gonghui.core.scoping import ViewerRequest, require_capability
from gonghui.core.views_support import run_service, submit_form
from gonghui.core.workflow import history_of
from gonghui.honors import exporters, selectors
from gonghui.honors.forms import (
    AnswerForm,
    CallForm,
    ConsultForm,
    EvidenceForm,
    NominationForm,
    QuotaForm,
    SubmitListForm,
)
from gonghui.honors.models import AwardCall, Nomination
from gonghui.honors.services import calls, nominations
from gonghui.orgs import selectors as org_selectors

STEPS: dict[str, Callable[..., AwardCall]] = {
    "close": calls.call_close_nominations,
    "publish": calls.call_publish,
    "approve": calls.call_approve,
}


@officer_required
def call_list(request: ViewerRequest) -> HttpResponse:
    org = acting_org(request)
    form = CallForm(request.POST or None)
    if done := submit_form(
        request,
        form,
        lambda: calls.call_issue(actor=request.user, org=org, **form.cleaned_data),
        _("已发布评选"),
        denied=_("发布评选需要本级工会的组织评选权限"),
    ):
        return redirect("honors:call", done.value.pk)
    return render(
        request,
        "honors/calls.html",
        {"rows": selectors.call_list(viewer=request.user)[:200], "form": form, "org": org},
    )


def _chosen(request: ViewerRequest) -> list[int]:
    return [
        int(v)
        for v in request.POST.getlist("chosen") + request.GET.getlist("chosen")
        if v.isdigit()
    ]


@officer_required
@require_GET
def call_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(viewer=request.user, pk=pk)
    org = acting_org(request)
    held = selectors.nominations_held(viewer=request.user, call=call, org=org)
    return render(
        request,
        "honors/call_detail.html",
        {
            "call": call,
            "org": org,
            "conferring": org.pk == call.org_id,
            "held": held,
            "seats": selectors.quota_of(call=call, org=org),
            "composition": selectors.composition_live(viewer=request.user, call=call, org=org),
            "quotas": selectors.quotas_of(viewer=request.user, call=call),
            "submissions": selectors.submissions_of(viewer=request.user, call=call),
            "objections": selectors.objections_of_call(viewer=request.user, call=call),
            "quota_form": QuotaForm(),
            "submit_form": SubmitListForm(),
            "answer_form": AnswerForm(),
            "history": history_of(call),
        },
    )


@officer_required
@require_GET
def call_composition(request: ViewerRequest, pk: int) -> HttpResponse:
    """The live check of the candidates ticked on the list (htmx partial)."""
    call = selectors.call_get(viewer=request.user, pk=pk)
    org = acting_org(request)
    composition = selectors.composition_live(
        viewer=request.user, call=call, org=org, chosen=_chosen(request)
    )
    return render(request, "honors/_composition.html", {"composition": composition, "call": call})


@officer_required
@require_POST
def call_quota(request: ViewerRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(viewer=request.user, pk=pk)
    form = QuotaForm(request.POST)
    if form.is_valid():
        try:
            child = org_selectors.org_for_form(viewer=request.user, code=form.cleaned_data["org"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
            return redirect("honors:call", pk)
        run_service(
            request,
            lambda: calls.quota_give(
                actor=request.user, call=call, org=child, seats=form.cleaned_data["seats"]
            ),
            _("已分配推荐名额"),
        )
    return redirect("honors:call", pk)


@officer_required
@require_POST
def call_step(request: ViewerRequest, pk: int, action: str) -> HttpResponse:
    call = selectors.call_get(viewer=request.user, pk=pk)
    step = STEPS.get(action)
    if step is None:
        raise Http404
    run_service(request, lambda: step(actor=request.user, call=call), _("已办理"))
    return redirect("honors:call", pk)


@officer_required
@require_POST
def call_submit(request: ViewerRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(viewer=request.user, pk=pk)
    org = acting_org(request)
    form = SubmitListForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: nominations.list_submit(
                actor=request.user,
                call=call,
                org=org,
                chosen=_chosen(request),
                override_reason=form.cleaned_data["override_reason"],
            ),
            _("推荐名单已上报"),
        )
    return redirect("honors:call", pk)


@officer_required
def nominate(request: ViewerRequest, pk: int) -> HttpResponse:
    call = selectors.call_get(viewer=request.user, pk=pk)
    org = acting_org(request)
    form = NominationForm(request.POST or None)

    def create() -> Nomination:
        data = form.cleaned_data
        member = (
            selectors.member_by_id_number(viewer=request.user, number=data["member_id_number"])
            if data["member_id_number"]
            else None
        )
        employer = (
            selectors.employer_by_uscc(viewer=request.user, uscc=data["employer_uscc"])
            if data["employer_uscc"]
            else None
        )
        team = (
            org_selectors.org_for_form(viewer=request.user, code=data["team"])
            if data["team"]
            else None
        )
        return nominations.nomination_create(
            actor=request.user,
            call=call,
            org=org,
            member=member,
            name=data["name"],
            id_number=data["id_number"],
            team=team,
            employer=employer,
            position=data["position"],
            deeds=data["deeds"],
            flags={flag: data[flag] for flag in nominations.FLAGS},
        )

    if done := submit_form(request, form, create, _("已添加推荐人选")):
        return redirect("honors:nomination", done.value.pk)
    return render(request, "honors/form.html", {"form": form, "call": call, "title": _("推荐人选")})


@officer_required
@require_GET
def nomination_detail(request: ViewerRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(viewer=request.user, pk=pk)
    return render(
        request,
        "honors/nomination_detail.html",
        {
            "n": nomination,
            "consult_form": ConsultForm(),
            "evidence_form": EvidenceForm(),
            "history": history_of(nomination),
        },
    )


@officer_required
@require_POST
def nomination_consult(request: ViewerRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(viewer=request.user, pk=pk)
    form = ConsultForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: nominations.nomination_consult(
                actor=request.user, nomination=nomination, **form.cleaned_data
            ),
            _("已登记征求意见"),
        )
    else:
        messages.error(request, _("请完整填写征求意见"))
    return redirect("honors:nomination", pk)


@officer_required
@require_POST
def nomination_evidence(request: ViewerRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get(viewer=request.user, pk=pk)
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        run_service(
            request,
            lambda: nominations.evidence_add(
                actor=request.user,
                nomination=nomination,
                title=form.cleaned_data["title"],
                upload=form.cleaned_data["file"],
            ),
            _("已上传事迹材料"),
        )
    else:
        messages.error(request, _("请选择要上传的文件"))
    return redirect("honors:nomination", pk)


@officer_required
@require_GET
def evidence_file(request: ViewerRequest, pk: int) -> HttpResponse:
    """Evidence may hold personal data: only through this scoped view, and audited."""
    evidence = selectors.evidence_get(viewer=request.user, pk=pk)
    require_capability(request.user, "honors.view", evidence.org_path)
    audit_record(
        action="honors.evidence.viewed",
        actor=request.user,
        target=evidence,
        org_path=evidence.org_path,
        after={"title": evidence.title},
    )
    return FileResponse(  # type: ignore[return-value]
        evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name
    )


@officer_required
@require_POST
def objection_answer(request: ViewerRequest, pk: int) -> HttpResponse:
    objection = selectors.objection_get(viewer=request.user, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: nominations.objection_answer(
                actor=request.user, objection=objection, **form.cleaned_data
            ),
            _("已答复公示异议"),
        )
    else:
        messages.error(request, _("请填写核查答复"))
    return redirect("honors:call", objection.nomination.call_id)


def _call_page(request: ViewerRequest, pk: int, template: str) -> HttpResponse:
    call: AwardCall = selectors.call_get(viewer=request.user, pk=pk)
    return render(
        request,
        template,
        {
            "call": call,
            "rows": selectors.nominations_of_call(viewer=request.user, call=call).filter(
                status__in=["publicity", "conferred"]
            ),
            "honours": selectors.honours_of_call(viewer=request.user, call=call),
        },
    )


@officer_required
@require_GET
def call_publicity_print(request: ViewerRequest, pk: int) -> HttpResponse:
    return _call_page(request, pk, "honors/print_publicity.html")


@officer_required
@require_GET
def call_certificates(request: ViewerRequest, pk: int) -> HttpResponse:
    return _call_page(request, pk, "honors/print_certificates.html")


@officer_required
@require_GET
def call_board(request: ViewerRequest, pk: int) -> HttpResponse:
    """光荣榜 of a call's honours."""
    return _call_page(request, pk, "honors/board.html")


@officer_required
@require_GET
def call_export(request: ViewerRequest, pk: int) -> HttpResponse:
    """The 推荐审批表 of the call's candidates in the viewer's scope (ID masked)."""
    call = selectors.call_get(viewer=request.user, pk=pk)
    exporter = exporters.NominationExporter(viewer=request.user, call_id=call.pk)
    file_format = "csv" if request.GET.get("format") == "csv" else "xlsx"
    return export_response(exporter, file_format)
