"""Pages of the union tree, driven through the test client as an officer would."""

from __future__ import annotations

from django.test import Client

from gonghui.orgs.models import Employer, Org, OrgStatus
from tests.conftest import Cast


def officer_client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_tree_shows_scope_roots_and_loads_children_lazily(cast: Cast) -> None:
    client = officer_client(cast.county_officer)
    body = client.get("/orgs/").content.decode()
    assert "东区总工会" in body and "东区街道工会" not in body  # children come on demand
    assert 'hx-get="/orgs/EAST/children/"' in body
    fragment = client.get("/orgs/EAST/children/", HTTP_HX_REQUEST="true").content.decode()
    assert "东区街道工会" in fragment and "<html" not in fragment


def test_search_by_name_and_code_within_scope(cast: Cast) -> None:
    client = officer_client(cast.city_officer)
    assert "东方机械有限公司工会委员会" in client.get("/orgs/search/?q=东方").content.decode()
    assert "东区街道工会" in client.get("/orgs/search/?q=east-t1").content.decode()
    partial = client.get("/orgs/search/?q=西区", HTTP_HX_REQUEST="true").content.decode()
    assert "西区总工会" in partial and "<html" not in partial
    assert (
        "西区总工会"
        not in officer_client(cast.county_officer).get("/orgs/search/?q=西区").content.decode()
    )


def test_detail_shows_employers_officers_and_actions_by_capability(cast: Cast) -> None:
    body = officer_client(cast.county_officer).get("/orgs/EAST-G1/").content.decode()
    assert "东方精密制造厂" in body and "/orgs/EAST-G1/move/" in body
    body = officer_client(cast.grassroots_officer).get("/orgs/EAST-G1/").content.decode()
    assert "/orgs/EAST-G1/move/" not in body  # its own union's place is the county's business


def test_create_child_through_the_form(cast: Cast) -> None:
    client = officer_client(cast.county_officer)
    response = client.post(
        "/orgs/EAST/new/",
        {
            "code": "east-g2",
            "name": "东区新建工会",
            "kind": "grassroots",
            "region_code": "",
            "uscc": "",
            "chair_name": "张三",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/orgs/EAST-G2/"
    bad = client.post("/orgs/EAST/new/", {"code": "EAST-G2", "name": "", "kind": "county"})
    text = bad.content.decode()
    assert bad.status_code == 200
    assert "这个字段是必填项" in text


def test_move_merge_and_dissolve_through_forms(cast: Cast) -> None:
    client = officer_client(cast.city_officer)
    assert client.post("/orgs/EAST-T1/move/", {"new_parent": "west"}).status_code == 302
    assert Org.objects.get(code="EAST-T1").parent.code == "WEST"
    outside = client.post("/orgs/EAST-T1/move/", {"new_parent": "PROV"})
    assert "找不到组织编码" in outside.content.decode()
    Employer.objects.filter(pk=cast.employer.pk).update(union=None, org_path=cast.town.path)
    response = client.post("/orgs/EAST-G1/merge/", {"target": "WEST-G1", "confirm": "on"})
    assert response.status_code == 302
    assert Org.objects.get(code="EAST-G1").status == OrgStatus.MERGED
    refused = client.post("/orgs/EAST-T1/dissolve/", {"reason": "撤并", "confirm": "on"})
    assert refused.status_code == 302  # its only child was merged away, so it may go
    assert Org.objects.get(code="EAST-T1").status == OrgStatus.DISSOLVED
    blocked = client.post("/orgs/WEST/dissolve/", {"reason": "撤并", "confirm": "on"})
    assert "下级组织" in blocked.content.decode()


def test_roster_is_printable(cast: Cast) -> None:
    body = officer_client(cast.county_officer).get("/orgs/EAST/roster/").content.decode()
    assert "组织花名册" in body and "东方机械有限公司工会委员会" in body and "data-print" in body


def test_employer_pages(cast: Cast) -> None:
    client = officer_client(cast.sibling_officer)
    body = client.get("/orgs/employers/?has_union=0&min_employees=25").content.decode()
    assert "西郊未建会制衣厂" in body and "西山运输集团" not in body
    response = client.post(
        f"/orgs/employers/{cast.unorganized_employer.pk}/edit/",
        {
            "name": "西郊制衣厂",
            "uscc": "",
            "industry": "纺织",
            "ownership": "private",
            "employee_count": "80",
            "union": "WEST-G1",
        },
    )
    assert response.status_code == 302
    assert (
        Employer.objects.get(pk=cast.unorganized_employer.pk).union_id == cast.sibling_grassroots.pk
    )
    response = client.post(
        "/orgs/WEST/employers/new/",
        {"name": "新登记单位", "ownership": "private", "employee_count": "-1", "union": ""},
    )
    assert response.status_code == 200 and "确保该值大于或等于0" in response.content.decode()


def test_home_page_lists_todo_items(cast: Cast) -> None:
    body = officer_client(cast.sibling_officer).get("/").content.decode()
    assert "尚未建会" in body and "西区总工会" in body


def test_directory_picker_answers_any_logged_in_account(cast: Cast) -> None:
    body = (
        officer_client(cast.member).get("/orgs/directory/picker/?q=西区&target=x").content.decode()
    )
    assert 'data-pick-code="WEST"' in body
    assert Client().get("/orgs/directory/picker/?q=西区").status_code == 404
