"""入会申请: a worker applies from their phone; the grassroots union approves or refuses with a
reason (总工发[2000]18号: application, 登记表, approval by the 基层工会)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.accounts.models import PHONE_RE, normalize_phone
from gonghui.core.audit import audit_record
from gonghui.core.crypto import mask_id_number
from gonghui.core.identifiers import validate_personal_id
from gonghui.core.notify import notify
from gonghui.core.scoping import Actor, Viewer, require_capability, scoped
from gonghui.core.workflow import stamp_decision, transition
from gonghui.members.models import ApplicationStatus, JoinApplication, Member
from gonghui.members.services.members import id_index, member_register
from gonghui.orgs.models import GRASSROOTS_KINDS, Org


@transaction.atomic
def join_apply(
    *,
    applicant: Any,
    union: Org,
    id_type: str,
    id_number: str,
    name: str,
    consent_purpose: str,
    phone: str = "",
    employer_name: str = "",
) -> JoinApplication:
    """A worker's application to a grassroots union found in the org directory."""
    if getattr(applicant, "account_type", "") != "member":
        raise PermissionDenied("members.apply")
    if hasattr(applicant, "member"):
        raise ValidationError(_("您已是工会会员，无需重复申请"))
    if JoinApplication.objects.filter(
        applicant=applicant, status=ApplicationStatus.PENDING
    ).exists():
        raise ValidationError(_("您已有一份待审批的入会申请"))
    errors: dict[str, Any] = {}
    if union.kind not in GRASSROOTS_KINDS or not union.is_active:
        errors["union"] = _("请选择一个正常状态的基层工会")
    try:
        person = validate_personal_id(id_type, id_number)
    except ValidationError as exc:
        errors["id_number"] = exc.messages
        person = None
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = _("姓名不能为空")
    phone = normalize_phone(phone)
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("手机号码应为11位，以1开头，第二位为3至9")
    if not consent_purpose.strip():
        errors["consent_purpose"] = _("请阅读并同意个人信息的收集目的")
    if (
        person
        and Member.objects.filter(id_type=person.id_type, id_index=id_index(person.number)).exists()
    ):
        errors["id_number"] = _("该证件号码已登记为会员；如需转会，请联系原所在工会")
    if errors:
        raise ValidationError(errors)
    assert person is not None
    application = JoinApplication.objects.create(
        applicant=applicant,
        union=union,
        org_path=union.path,
        id_type=person.id_type,
        id_number=person.number,
        id_index=id_index(person.number),
        name=name,
        phone=phone,
        employer_name=employer_name.strip(),
        consent_at=timezone.now(),
        consent_purpose=consent_purpose.strip(),
    )
    audit_record(
        action="members.application.submitted",
        actor=applicant,
        target=application,
        org_path=union.path,
        after={"name": name, "id_number": mask_id_number(person.number)},
    )
    return application


def _lock_pending(application: JoinApplication) -> JoinApplication:
    application = JoinApplication.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.PENDING:
        raise ValidationError(_("该申请已处理"))
    return application


# The decisions on an application (core.workflow), each with its audit code.
APPLICATION_TRANSITIONS = {
    "approve": "members.application.approved",
    "reject": "members.application.rejected",
}


def _decide(
    application: JoinApplication, name: str, actor: Actor, **options: Any
) -> JoinApplication:
    """Decide a pending application, locked by the caller (its officer checked), through the
    one transition service."""
    return transition(
        application, name, actor=actor, capability="members.manage", locked=True, **options
    )


@transaction.atomic
def join_approve(*, actor: Actor, application: JoinApplication, **extra: Any) -> Member:
    """Approve: the member record is registered from the application and linked to the login."""
    require_capability(actor, "members.manage", application.org_path)
    application = _lock_pending(application)
    member = member_register(
        actor=actor,
        union=application.union,
        id_type=application.id_type,
        id_number=application.id_number,
        name=application.name,
        phone=application.phone,
        joined_on=timezone.localdate(),
        consent_purpose=application.consent_purpose,
        account=application.applicant,
        **extra,
    )

    _decide(application, "approve", actor, apply=stamp_decision(actor, member=member))
    return member


@transaction.atomic
def join_reject(*, actor: Actor, application: JoinApplication, reason: str) -> JoinApplication:
    require_capability(actor, "members.manage", application.org_path)
    if not reason.strip():
        raise ValidationError({"reason": _("不批准时须说明理由")})
    reason = reason.strip()

    application = _decide(
        _lock_pending(application),
        "reject",
        actor,
        reason=reason,
        apply=stamp_decision(actor, decision_reason=reason),
    )
    notify(
        template="members.application.rejected",
        to_user=application.applicant,
        data={"union": application.union.name, "reason": application.decision_reason},
    )
    return application


def application_list(
    *, viewer: Viewer | None, pending_only: bool = True
) -> QuerySet[JoinApplication]:
    qs = scoped(JoinApplication.objects.select_related("union"), viewer)
    if pending_only:
        qs = qs.filter(status=ApplicationStatus.PENDING)
    return qs.order_by("created_at", "id")


def application_get(*, viewer: Viewer | None, pk: int) -> JoinApplication:
    application = application_list(viewer=viewer, pending_only=False).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def own_applications(*, applicant: Any) -> QuerySet[JoinApplication]:
    """A worker sees their own applications, and only theirs."""
    own = JoinApplication.objects.unscoped(reason="the applicant's own applications")
    return own.filter(applicant=applicant).select_related("union")
