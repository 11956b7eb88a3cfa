"""DESIGN.md rule 1: every URL pattern and API route, walked by the sibling-county officer
(and by a member and a merchant), leaks nothing of the other county and changes nothing."""

from __future__ import annotations

import json
import re
from importlib import import_module

import pytest
from django.test import Client

from gonghui.core.models import AuditEvent, Notification
from gonghui.orgs.models import Employer, Org, Post
from tests.conftest import Cast, all_routes
from tests.members.walk import MEMBER_SECRET, walk_member

# Routes that answer every account by design: the org directory (code, name, kind, region,
# parent — no people, no figures), login/logout, and the OpenAPI description.
DIRECTORY_ROUTES = {"orgs:directory_picker", "api:directory"}


def fill(route: str, name: str, values: dict[str, dict[str, list[str]]]) -> list[str]:
    """Concrete URLs for a route pattern; every parameter must have values for this route."""
    route = route.lstrip("^").rstrip("$")
    params = re.findall(r"<(?:\w+:)?(\w+)>", route)
    urls = ["/" + route]
    for param in params:
        choices = values.get(name, {}).get(param) or values["*"].get(param)
        assert choices, f"no test value for <{param}> in route {name} ({route}): add one"
        urls = [re.sub(rf"<(?:\w+:)?{param}>", str(v), u, count=1) for u in urls for v in choices]
    return urls


def snapshot(cast: Cast) -> dict[str, object]:
    other = [cast.county, cast.town, cast.grassroots]
    return {
        "orgs": list(Org.objects.filter(pk__in=[o.pk for o in other]).values()),
        "employers": list(Employer.objects.filter(org_path__startswith=cast.county.path).values()),
        "posts": list(Post.objects.filter(org_path__startswith=cast.county.path).values()),
        "officer": list(
            type(cast.county_officer)
            .objects.filter(pk=cast.county_officer.pk)
            .values("is_active", "locked_until", "password")
        ),
    }


def walk(
    client: Client,
    user: object,
    values: dict[str, dict[str, list[str]]],
    secrets: list[str],
    object_routes_must_404: bool,
) -> list[str]:
    problems = []
    for route, name in all_routes():
        has_params = "<" in route
        for url in fill(route, name, values):
            for method in ("get", "post"):
                client.force_login(user)  # the walk passes through logout
                query = "" if has_params or method == "post" else "?q=东区"
                if method == "post" and url.startswith("/api/"):
                    response = getattr(client, method)(
                        url,
                        data=json.dumps(
                            {
                                "parent_code": "EAST",
                                "code": "LEAK-1",
                                "name": "越权",
                                "kind": "grassroots",
                            }
                        ),
                        content_type="application/json",
                    )
                else:
                    response = getattr(client, method)(
                        url + query, {"post": "1", "reason": "x", "confirm": "on"}
                    )
                raw = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                body = raw.decode("utf-8", "replace")
                leaked = [s for s in secrets if s in body]
                if name in DIRECTORY_ROUTES:
                    leaked = [s for s in leaked if s not in ORG_SECRETS]
                if leaked:
                    problems.append(
                        f"{method.upper()} {url}: {response.status_code} shows {leaked}"
                    )
                if object_routes_must_404 and has_params and response.status_code not in (404, 405):
                    problems.append(f"{method.upper()} {url}: {response.status_code}, not 404")
    return problems


def walk_jobs(cast: Cast) -> tuple[object, object]:
    """An import job (with its errors file) and an export job of the other county."""
    from gonghui.core.models import ExportJob, ImportJob

    common = {"actor": cast.county_officer, "org_path": cast.county.path, "status": "done"}
    import_job, _ = ImportJob.objects.get_or_create(
        importer="gonghui.orgs.importers.EmployerImporter",
        original_name="东方精密制造厂.xlsx",
        defaults={
            "source": "imports/walk.xlsx",
            "errors_file": "imports/errors/walk.xlsx",
            **common,
        },
    )
    export_job, _ = ExportJob.objects.get_or_create(
        exporter="gonghui.orgs.exporters.EmployerExporter",
        defaults={"result": "exports/walk.xlsx", **common},
    )
    return import_job, export_job


def walk_application(cast: Cast) -> object:
    """A worker's pending application to the other county's union."""
    from gonghui.members.models import JoinApplication
    from gonghui.members.services.applications import join_apply
    from tests.factories import make_account, resident

    existing = JoinApplication.objects.filter(name=MEMBER_SECRET + "乙").first()
    return existing or join_apply(
        applicant=make_account("member", "walk_worker"),
        union=cast.grassroots,
        id_type="resident",
        id_number=resident("41010519880808001"),
        name=MEMBER_SECRET + "乙",
        consent_purpose="实名登记",
    )


# Each module's tests/<app>/walk.py adds its routes' values and its secrets.
MODULE_WALKS = [
    import_module(f"tests.{module}")
    for module in (
        "members.walk",
        "members.walk_phone",
        "assistance.walk",
        "democracy.walk",
        "voice.walk",
        "benefits.walk",
        "stats.walk",
        "honors.walk",
        "honors.walk_aftercare",
        "governance.walk_dues",
        "governance.walk",
    )
]


def sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    values = core_sibling_values(cast)
    for module in MODULE_WALKS:
        values.update(module.sibling_values(cast))
    return values


def core_sibling_values(cast: Cast) -> dict[str, dict[str, list[str]]]:
    other_post = Post.objects.get(user=cast.county_officer)
    member, transfer = walk_member(cast)
    other_note, _ = Notification.objects.get_or_create(
        recipient=cast.county_officer,
        channel="inbox",
        template="tests.walk",
        defaults={"subject": "东方精密制造厂", "body": "13800000001"},
    )
    import_job, export_job = walk_jobs(cast)
    return {
        "*": {
            "code": [cast.county.code, cast.town.code, cast.grassroots.code],
            "action": ["unlock", "deactivate", "password", "assign"],
            "year": ["2026"],
        },
        "orgs:employer_edit": {"pk": [str(cast.employer.pk)]},
        "accounts:officer_detail": {"pk": [str(cast.county_officer.pk)]},
        "accounts:officer_action": {"pk": [str(cast.county_officer.pk)]},
        "accounts:post_end": {"pk": [str(other_post.pk)]},
        # the link is the credential: an unknown one opens nothing, for anyone
        "accounts:activate": {"token": ["tG9rZW4tdGhhdC1uby1hY2NvdW50LWhhcy1iZWVuLWdpdmVu"]},
        "core:import_job": {"pk": [str(import_job.pk)]},
        "core:import_job_errors": {"pk": [str(import_job.pk)]},
        "core:export_job": {"pk": [str(export_job.pk)]},
        "core:export_job_download": {"pk": [str(export_job.pk)]},
        "core:inbox_read": {"pk": [str(other_note.pk)]},
        # any task id: the queue page is the superuser's, everyone else is refused first
        "core:queue_retry": {"task_id": ["00000000-0000-0000-0000-000000000000"]},
        "core:schedule_job": {"name": ["voice.escalate_overdue"]},  # superusers only: a 404
        "core:schedule_run": {"name": ["voice.escalate_overdue"]},
        "members:detail": {"pk": [str(member.pk)]},
        "api:member_detail": {"id": [str(member.pk)]},  # type: ignore[attr-defined]
        "members:reveal": {"pk": [str(member.pk)], "field": ["id_number", "phone"]},  # type: ignore[attr-defined]
        "members:status": {"pk": [str(member.pk)]},  # type: ignore[attr-defined]
        "members:card_replace": {"pk": [str(member.pk)]},  # type: ignore[attr-defined]
        "members:transfer_issue": {"pk": [str(member.pk)]},  # type: ignore[attr-defined]
        "members:transfer_letter": {"pk": [str(transfer.pk)]},  # type: ignore[attr-defined]
        "members:application_decide": {
            "pk": [str(walk_application(cast).pk)],
            "decision": ["approve", "reject"],
        },
        "members:transfer_decide": {
            "pk": [str(transfer.pk)],  # type: ignore[attr-defined]
            "decision": ["accept", "reject", "cancel"],
        },
    }


# Names and codes of the other county's orgs (directory data) and what is never directory data:
# its employers and its officers' phone numbers.
ORG_SECRETS = ["东区总工会", "东区街道工会", "东方机械有限公司工会委员会", "EAST-G1", "EAST-T1"]
SECRETS = [
    *ORG_SECRETS,
    MEMBER_SECRET,
    "139******22",
    "东方精密制造厂",
    "13800000001",
    "138******01",
    *(secret for module in MODULE_WALKS for secret in module.SECRETS),
]


def test_sibling_county_officer_gets_nothing_of_the_other_county(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.sibling_officer)
    values = sibling_values(cast)  # creates the objects walked: before the snapshot
    before = snapshot(cast)
    audit_before = AuditEvent.objects.filter(org_path__startswith=cast.county.path).count()
    problems = walk(client, cast.sibling_officer, values, SECRETS, object_routes_must_404=True)
    assert not problems, "\n".join(problems)
    assert snapshot(cast) == before
    assert AuditEvent.objects.filter(org_path__startswith=cast.county.path).count() == audit_before


@pytest.mark.parametrize("who", ["member", "merchant"])
def test_members_and_merchants_get_no_officer_data(cast: Cast, who: str) -> None:
    client = Client()
    client.force_login(getattr(cast, who))
    values = sibling_values(cast)  # creates the objects walked: before the snapshot
    before = snapshot(cast)
    problems = walk(
        client,
        getattr(cast, who),
        values,
        [*SECRETS, "西山运输集团", "西郊未建会制衣厂"],
        object_routes_must_404=False,
    )
    assert not problems, "\n".join(problems)
    assert snapshot(cast) == before


def test_officers_are_not_admin_staff(cast: Cast) -> None:
    client = Client()
    client.force_login(cast.province_officer)
    response = client.get("/admin/orgs/org/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_every_route_was_walked() -> None:
    """Guard against the walk silently covering nothing."""
    names = {name for _, name in all_routes()}
    assert {
        "orgs:detail",
        "orgs:employer_edit",
        "accounts:officer_detail",
        "core:audit_list",
        "api:org_detail",
    } <= names, names


def test_every_front_door_reads_path_models_through_the_guard(cast: Cast) -> None:
    """ADR 0020: every URL pattern and API route, opened by the officers who own the walked
    objects (and above them) and by every member and merchant account, reads path models only
    through for_viewer() or unscoped(reason=): an unscoped read raises UnscopedQuery here.

    The owners, not the sibling officer: a page refused early never reaches its reads. GET for
    everyone; POST too for the province officer (above every walked object, so the actions it
    takes on the county's officer do not lock itself out) and for members and merchants."""
    from django.conf import settings

    from gonghui.accounts.models import AccountType, User
    from gonghui.core.scoping import UnscopedQuery

    assert settings.GONGHUI_STRICT_SCOPE  # on for the whole suite (tests/conftest.py)
    values = sibling_values(cast)  # objects of the county: the owners' pages render in full
    officers = [cast.county_officer, cast.town_officer, cast.grassroots_officer, cast.city_officer]
    accounts = User.objects.filter(account_type__in=[AccountType.MEMBER, AccountType.MERCHANT])
    walkers = [(user, ("get",)) for user in officers]
    walkers += [(user, ("get", "post")) for user in [cast.province_officer, *accounts]]
    client = Client()
    problems, opened = [], 0
    for user, methods in walkers:
        for route, name in all_routes():
            for url in fill(route, name, values):
                for method in methods:
                    client.force_login(user)  # the walk passes through logout
                    try:
                        if method == "get":
                            client.get(url)
                        elif url.startswith("/api/"):
                            client.post(url, data="{}", content_type="application/json")
                        else:
                            client.post(url, {"post": "1", "reason": "x", "confirm": "on"})
                    except UnscopedQuery as exc:
                        problems.append(f"{user.username} {method.upper()} {url}: {exc}")
                    except Exception:
                        pass  # the walk's stand-ins (an export whose file was never written)
                    opened += 1
    assert not problems, "\n".join(problems)
    assert opened > 10 * len(all_routes()), opened  # every account walked every route
