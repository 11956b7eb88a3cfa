"""The member roster import (issue 5): a messy workbook as officers really send it."""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

import pytest
import xlsxwriter
from django.core.management import call_command

from gonghui.core.identifiers import resident_id_from_15
from gonghui.core.importing import ImportFileError
from gonghui.core.models import AuditEvent
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, Member, MembershipChange
from gonghui.members.services.members import member_register
from tests.conftest import Cast, fresh
from tests.factories import make_org, person, problem_rows, resident, superuser, workbook

A = resident("41010519850312101")  # male, born 1985-03-12
B = resident("41010519900101202")  # female, born 1990-01-01
C = resident("41030219750615303")
D = resident("41010519880808404")
E = resident("41010519920202505")
F = resident("41010519930303606")
ELSEWHERE = resident("41010519800101707")
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def messy_rows(x_lower: str) -> list[list[Any]]:
    return [
        person(1, "张三", A, phone="13912345678", employer="东方精密制造厂", joined="2010.03.12"),
        # full-width digits and spaces around, a lower-case x, year-month join date
        person(2, " 李 四 ", "  " + x_lower.translate(FULLWIDTH) + " ", joined="2019年3月"),
        person(3, "张三（重复）", A),  # the same person again: the first row wins
        person(4, "王五", C, joined=(dt.date.today() + dt.timedelta(days=3)).isoformat()),
        person(5, "赵六", D, phone="1391234567"),  # ten digits
        person(6, "钱七", E, education="博士后研究"),  # not in the dictionary: a warning
        person(7, "孙八", F, employer="不存在的单位"),  # unknown employer: a warning
        person(8, "周九", ELSEWHERE),  # already a member of another union
        person(9, "吴十", A[:-1] + ("0" if A[-1] != "0" else "1")),  # wrong check digit
        ["", "", "", "", "", "", "", "", "", "", ""],  # an empty row is skipped
        person(10, "郑十一", resident("41010519700707808"), joined=dt.date(2001, 7, 1)),
        person(11, "冯十二", "410105700707909", gender="男"),  # 15-digit first-generation ID
    ]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def run(cast: Cast, data: bytes, name: str = "会员.xlsx", **kw: Any) -> Any:
    importer = MemberImporter(actor=fresh(cast.grassroots_officer), org_path=cast.grassroots.path)
    return importer.run(io.BytesIO(data), name, **kw)


def test_messy_workbook_counts_reasons_and_a_second_import_changes_nothing(cast: Cast) -> None:
    other = make_org(cast.town, "grassroots", "东区第二工会委员会", "EAST-G2")
    member_register(
        actor=superuser(),
        union=other,
        id_type="resident",
        id_number=ELSEWHERE,
        name="周九",
        joined_on=dt.date(2015, 1, 1),
        consent_purpose="实名登记",
    )
    data = workbook(messy_rows(B[:-1] + "x" if B[-1] == "X" else B))

    first = run(cast, data)

    assert (first.total, first.imported, first.rejected, first.warnings) == (11, 6, 5, 2)
    found = problem_rows(first)
    assert "与第" in found["张三（重复）"][0] and "以第一次出现的为准" in found["张三（重复）"][0]
    assert "入会时间不能晚于今天" in found["王五"][0]
    assert "手机号码" in found["赵六"][0]
    assert "已是东区第二工会委员会会员" in found["周九"][0]
    assert "校验" in found["吴十"][0] or "证件号码" in found["吴十"][0]
    assert "不在字典中" in found["钱七"][1] and not found["钱七"][0]
    assert "不是该工会登记的用人单位" in found["孙八"][1]
    zhang = Member.objects.get(name="张三")
    assert zhang.phone == "13912345678" and zhang.employer == cast.employer
    assert (zhang.gender, zhang.birth_date, zhang.joined_on) == (
        "M",
        dt.date(1985, 3, 12),
        dt.date(2010, 3, 12),
    )
    assert zhang.education and zhang.ethnicity == "01"
    li = Member.objects.get(name="李 四")
    assert li.id_number == B and li.joined_on == dt.date(2019, 3, 1)
    assert Member.objects.get(name="郑十一").joined_on == dt.date(2001, 7, 1)
    assert Member.objects.get(name="冯十二").id_number == resident_id_from_15("410105700707909")
    assert Member.objects.get(name="周九").union == other  # reported, not moved
    new = Member.objects.filter(union=cast.grassroots)
    assert Card.objects.filter(member__in=new, status="active").count() == 6
    assert MembershipChange.objects.filter(member__in=new, kind="joined").count() == 6
    assert AuditEvent.objects.filter(action="members.member.imported").exists()

    before = list(Member.objects.order_by("pk").values())
    second = run(cast, data)

    assert (second.imported, second.updated, second.unchanged) == (0, 0, 6)
    assert second.rejected == 5
    assert list(Member.objects.order_by("pk").values()) == before
    assert Card.objects.filter(member__in=new).count() == 6


def test_changed_cells_update_and_empty_cells_keep_what_is_there(cast: Cast) -> None:
    run(cast, workbook([person(1, "张三", A, phone="13912345678", education="本科")]))
    result = run(cast, workbook([person(1, "张三", A, phone="13987654321", education="")]))
    assert (result.updated, result.unchanged) == (1, 0)
    zhang = Member.objects.get(id_index=Member.objects.get(name="张三").id_index)
    assert zhang.phone == "13987654321" and zhang.education  # the empty cell changed nothing


def test_gbk_csv_with_bom_less_header_variants(cast: Cast) -> None:
    lines = [
        "会员信息表",
        "姓名,身份证号码,手机号码,学历,入会时间",
        f"张三,{A},13912345678,大学本科,1985/3/12",
        f"李四,{B.lower()},,高中,2010-01-01",
    ]
    result = run(cast, "\r\n".join(lines).encode("gb18030"), "会员.csv")
    assert (result.imported, result.rejected) == (1, 1)  # 张三 joined at birth: too young
    utf8 = ("\ufeff" + "\r\n".join(lines)).encode("utf-8")
    assert run(cast, utf8, "会员.csv").unchanged == 1


def test_dry_run_writes_nothing(cast: Cast) -> None:
    result = run(cast, workbook([person(1, "张三", A)]), dry_run=True)
    assert result.imported == 1 and not Member.objects.exists() and not Card.objects.exists()


def test_import_into_a_federation_needs_union_codes_within_it(cast: Cast) -> None:
    header = ["姓名", "身份证号", "所属工会编码"]
    rows = [["张三", A, "EAST-G1"], ["李四", B, "WEST-G1"], ["王五", C, ""], ["赵六", D, "EAST-T1"]]
    data = workbook_plain([header, *rows])
    county = MemberImporter(actor=superuser(), org_path=cast.county.path)
    result = county.run(io.BytesIO(data), "会员.xlsx")
    assert (result.imported, result.rejected) == (1, 3)
    found = problem_rows(result, name_column=0)
    assert "不在本次导入的组织之下" in found["李四"][0]
    assert "必须填写所属工会编码" in found["王五"][0]
    assert "不是正常状态的基层工会" in found["赵六"][0]
    officer = MemberImporter(actor=fresh(cast.county_officer), org_path=cast.county.path)
    with pytest.raises(ImportFileError):  # a county officer edits no members (rule 9)
        officer.run(io.BytesIO(data), "会员.xlsx")


def workbook_plain(rows: list[list[Any]]) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet()
    for r, cells in enumerate(rows):
        for c, value in enumerate(cells):
            sheet.write_string(r, c, str(value))
    book.close()
    return buffer.getvalue()


def test_command_prints_one_json_line_and_exit_codes(
    cast: Cast, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "会员.xlsx"
    path.write_bytes(workbook(messy_rows(B)))
    call_command("import_members", str(path), "--org", "EAST-G1", "--user", "grass", "--json")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    summary = json.loads(out[0])
    assert set(summary) == {
        "total",
        "imported",
        "updated",
        "unchanged",
        "rejected",
        "warnings",
        "errors_file",
    }
    assert summary["imported"] == 7 and summary["errors_file"]
    bad = tmp_path / "坏.xlsx"
    bad.write_bytes(b"not a workbook")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_members", str(bad), "--org", "EAST-G1", "--json")
    assert exit_info.value.code == 1


def test_export_is_masked_scoped_and_reimports_unchanged_when_unmasked(cast: Cast) -> None:
    from gonghui.core.exporting import rows_to_bytes
    from gonghui.members.exporters import MemberExporter

    run(cast, workbook(messy_rows(B)))
    officer = fresh(cast.grassroots_officer)
    masked = rows_to_bytes(MemberExporter(viewer=officer, org="EAST-G1"), "csv").decode("utf-8-sig")
    assert A not in masked and "4101************" in masked and "139******78" in masked
    assert AuditEvent.objects.filter(action="members.member.exported").count() == 1
    full = rows_to_bytes(MemberExporter(viewer=officer, org="EAST-G1", unmasked=True), "xlsx")
    event = AuditEvent.objects.get(action="members.member.exported_unmasked")
    assert event.after["rows"] == 7 and A not in str(event.after)
    again = run(cast, full, "导出.xlsx")
    assert (again.total, again.unchanged, again.imported, again.updated) == (7, 7, 0, 0)


def test_export_pages_need_the_capabilities(cast: Cast) -> None:
    from django.test import Client

    client = Client()
    client.force_login(cast.town_officer)  # a federation's chair: export, no reveal_pii
    assert client.get("/members/export/?org=EAST-T1&format=csv").status_code == 200
    assert client.get("/members/export/?org=EAST-T1&unmasked=1").status_code == 403
    assert client.get("/members/export/?org=WEST").status_code == 404
    assert client.get("/members/import/EAST-T1/").status_code == 403
    client.force_login(cast.county_officer)  # an org's 管理员 manages accounts, not members
    assert client.get("/members/export/?org=EAST").status_code == 403
    client.force_login(cast.grassroots_officer)
    page = client.get("/members/import/EAST-G1/")
    assert page.status_code == 200 and "证件号码" in page.content.decode()
    assert client.get("/members/import/template/")["Content-Type"].startswith("application/vnd")


def test_api_upload_returns_a_job_whose_result_has_the_cli_keys(cast: Cast) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    client = Client()
    client.force_login(cast.grassroots_officer)
    upload = SimpleUploadedFile("会员.xlsx", workbook(messy_rows(B)))
    response = client.post("/api/members/import", {"file": upload, "org": "EAST-G1"})
    assert response.status_code == 202, response.content
    job = client.get(response.json()["status_url"]).json()
    assert job["status"] == "done" and job["result"]["imported"] == 7
    assert set(job["result"]) == {
        "total",
        "imported",
        "updated",
        "unchanged",
        "rejected",
        "warnings",
        "errors_file",
    }
    client.force_login(cast.sibling_officer)
    assert client.get(response.json()["status_url"]).status_code == 404
    upload = SimpleUploadedFile("会员.xlsx", workbook(messy_rows(B)))
    refused = client.post("/api/members/import", {"file": upload, "org": "EAST-G1"})
    assert refused.status_code == 404
    upload = SimpleUploadedFile("会员.exe", b"MZ")
    client.force_login(cast.grassroots_officer)
    bad = client.post("/api/members/import", {"file": upload, "org": "EAST-G1"})
    assert bad.status_code == 422 and "不支持的文件类型" in bad.json()["detail"][0]


def test_excel_97_workbook_imports(cast: Cast) -> None:
    """An .xls as older Excel saves it (OLE2): title row, header variants, a date cell."""
    from pathlib import Path

    data = (Path(__file__).parent.parent / "fixtures" / "members.xls").read_bytes()
    result = run(cast, data, "会员.xls")
    assert (result.total, result.imported, result.rejected) == (2, 2, 0)
    assert Member.objects.get(name="张三").joined_on == dt.date(2010, 3, 12)
    assert Member.objects.get(name="李四").id_number == B
