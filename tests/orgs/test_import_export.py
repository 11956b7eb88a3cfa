"""Excel import and export of orgs and employers (DESIGN.md rule 6), through the importers,
the upload pages with the task backend, and the commands."""

from __future__ import annotations

import codecs
import io
import json
from typing import Any

import pytest
import python_calamine
import xlsxwriter
from django.core.management import call_command
from django.test import Client

from gonghui.core.importing.jobs import execute_import_job, job_create
from gonghui.core.models import AuditEvent, ImportJob, JobStatus
from gonghui.orgs.importers import EmployerImporter, OrgImporter
from gonghui.orgs.models import Employer, Org, OrgKind
from tests.conftest import Cast
from tests.factories import make_uscc

ORG_HEADER = [
    "组织编码",
    "组织名称",
    "组织类型",
    "上级组织编码",
    "行政区划代码",
    "成立日期",
    "工会主席",
]


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


def xlsx(rows: list[list[Any]], title_rows: int = 0) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    for i in range(title_rows):
        sheet.write(i, 0, f"东区工会组织信息采集表（第{i + 1}行标题）")
    for r, cells in enumerate(rows, start=title_rows):
        for c, value in enumerate(cells):
            sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8") -> bytes:
    return "\r\n".join(",".join(str(c) for c in r) for r in rows).encode(encoding)


def run_orgs(
    cast: Cast, data: bytes, name: str, *, org: Org | None = None, actor: Any = None, **kw: Any
) -> Any:
    importer = OrgImporter(actor=actor or cast.county_officer, org_path=(org or cast.county).path)
    return importer.run(io.BytesIO(data), name, **kw)


def run_employers(cast: Cast, data: bytes, name: str, **kw: Any) -> Any:
    importer = EmployerImporter(actor=cast.county_officer, org_path=cast.county.path)
    return importer.run(io.BytesIO(data), name, **kw)


def problems(result: Any) -> list[list[Any]]:
    workbook = python_calamine.CalamineWorkbook.from_path(result.problems_path)
    return workbook.get_sheet_by_name("问题行").to_python()


def orgs_below(cast: Cast) -> list[tuple[Any, ...]]:
    return list(
        Org.objects.filter(path__startswith=cast.county.path)
        .order_by("code")
        .values_list(
            "code", "name", "kind", "parent__code", "region_code", "founded_on", "chair_name"
        )
    )


ORG_ROWS = [
    [
        "EAST-G2",
        "东区第二机械厂工会委员会",
        "基层工会委员会",
        "EAST-T1",
        "410105",
        "2019年5月",
        "王五",
    ],
    ["EAST-J1", "东区快递行业联合工会", "joint", "", "", "2021.03.08", ""],
    ["EAST-B1", "第二机械厂一车间分工会", "分工会", "EAST-G2", "", "", "赵六"],
]


def test_orgs_from_gb18030_csv_and_xlsx_with_title_rows_give_the_same_tree(cast: Cast) -> None:
    from_csv = run_orgs(
        cast,
        csv_bytes([["东区工会组织信息采集表"], ["填报：东区"], ORG_HEADER, *ORG_ROWS], "gb18030"),
        "组织.csv",
    )
    tree_csv = orgs_below(cast)
    Org.objects.filter(code__in=["EAST-B1"]).delete()
    Org.objects.filter(code__in=["EAST-G2", "EAST-J1"]).delete()
    AuditEvent.objects.filter(action="orgs.org.created", actor=cast.county_officer).delete()
    from_xlsx = run_orgs(cast, xlsx([ORG_HEADER, *ORG_ROWS], title_rows=2), "组织.xlsx")
    assert from_csv.summary() == from_xlsx.summary()
    assert from_xlsx.imported == 3 and from_xlsx.rejected == 0
    assert orgs_below(cast) == tree_csv
    branch = Org.objects.get(code="EAST-B1")
    assert branch.parent.code == "EAST-G2" and branch.kind == OrgKind.BRANCH
    assert Org.objects.get(code="EAST-J1").parent == cast.county  # blank parent: the chosen org


def test_org_header_variants_and_full_width_codes(cast: Cast) -> None:
    header = ["序号", "编码", "工会名称", "类型", "上级编码", "建会时间"]
    rows = [["1", "ｅａｓｔ－Ｇ３", "东区三厂工会", "基层工会", "ＥＡＳＴ-T1", 43831]]
    result = run_orgs(cast, xlsx([header, *rows]), "x.xlsx")
    assert result.imported == 1, problems(result)
    org = Org.objects.get(code="EAST-G3")
    assert org.founded_on.isoformat() == "2020-01-01" and org.parent == cast.town


def test_out_of_scope_parent_is_rejected(cast: Cast) -> None:
    rows = [ORG_HEADER, ["EAST-G4", "越界工会", "基层工会委员会", "WEST", "", "", ""]]
    result = run_orgs(cast, csv_bytes(rows), "x.csv")
    assert result.rejected == 1 and not Org.objects.filter(code="EAST-G4").exists()
    assert "上级组织编码：WEST 不在管辖范围内" in problems(result)[1][7]


def test_existing_org_outside_scope_is_rejected(cast: Cast) -> None:
    rows = [ORG_HEADER, ["WEST-G1", "改名", "基层工会委员会", "", "", "", ""]]
    result = run_orgs(cast, csv_bytes(rows), "x.csv")
    assert result.rejected == 1 and "不在管辖范围内" in problems(result)[1][7]
    assert Org.objects.get(code="WEST-G1").name == "西山物流有限公司工会委员会"


def test_service_validation_errors_become_row_reasons(cast: Cast) -> None:
    rows = [
        [*ORG_HEADER, "统一社会信用代码"],
        ["EAST-G5", "区划错误工会", "基层工会委员会", "EAST-T1", "999999", "", "", ""],
        ["EAST-G6", "代码错误工会", "基层工会委员会", "EAST-T1", "", "", "", "911234567890123456"],
        ["EAST-C9", "县下设县", "县(区)总工会", "", "", "", "", ""],
        ["EAST-G7", "好工会", "基层工会委员会", "EAST-T1", "", "", "", make_uscc("81")],
    ]
    result = run_orgs(cast, csv_bytes(rows), "x.csv")
    assert (result.imported, result.rejected) == (1, 3)
    reasons = [r[8] for r in problems(result)[1:]]
    assert "行政区划代码：行政区划代码 999999 不在 GB/T 2260 代码表中" in reasons[0]
    assert reasons[1].startswith("统一社会信用代码：")
    assert "组织类型：" in reasons[2] and "不能设在" in reasons[2]


def test_org_reimport_changes_nothing_and_updates_only_what_changed(cast: Cast) -> None:
    data = xlsx([ORG_HEADER, *ORG_ROWS], title_rows=1)
    run_orgs(cast, data, "x.xlsx")
    snapshot = list(Org.objects.order_by("pk").values())
    audit = AuditEvent.objects.count()
    again = run_orgs(cast, data, "x.xlsx")
    assert (again.imported, again.updated, again.unchanged, again.rejected) == (0, 0, 3, 0)
    assert list(Org.objects.order_by("pk").values()) == snapshot
    assert AuditEvent.objects.count() == audit
    changed = [*ORG_ROWS[:2], [*ORG_ROWS[2][:6], "钱七"]]
    result = run_orgs(cast, xlsx([ORG_HEADER, *changed]), "x.xlsx")
    assert (result.updated, result.unchanged) == (1, 2)
    assert Org.objects.get(code="EAST-B1").chair_name == "钱七"


def test_org_dry_run_writes_nothing(cast: Cast) -> None:
    before, audit = orgs_below(cast), AuditEvent.objects.count()
    result = run_orgs(cast, xlsx([ORG_HEADER, *ORG_ROWS]), "x.xlsx", dry_run=True)
    assert result.imported == 3  # the child of a new org validates too
    assert orgs_below(cast) == before and AuditEvent.objects.count() == audit


def test_duplicate_org_code_in_file_keeps_the_first(cast: Cast) -> None:
    rows = [ORG_HEADER, ORG_ROWS[0], [*ORG_ROWS[0][:1], "第二次出现", *ORG_ROWS[0][2:]]]
    result = run_orgs(cast, csv_bytes(rows), "x.csv")
    assert (result.imported, result.rejected) == (1, 1)
    assert Org.objects.get(code="EAST-G2").name == "东区第二机械厂工会委员会"
    assert "与第2行重复" in problems(result)[1][7]


EMPLOYER_HEADER = [
    "单位名称",
    "统一社会信用代码",
    "所属行业",
    "经济类型",
    "职工人数",
    "所属工会编码",
]


def test_employers_created_updated_unchanged_and_scoped(cast: Cast) -> None:
    code = make_uscc()
    rows = [
        EMPLOYER_HEADER,
        ["东区新材料有限公司", code, "制造业", "私营企业", "１２０", "EAST-G1"],
        ["东方精密制造厂", cast.employer.uscc, "制造业", "国有", 350.0, "EAST-G1"],
        ["越界公司", make_uscc(), "", "", "10", "WEST-G1"],
        ["西山运输集团", cast.sibling_employer.uscc, "", "", "5", ""],
        ["无名经济", "", "", "火星企业", "", ""],
        ["东区新材料有限公司（重复）", code, "", "", "", ""],
    ]
    result = run_employers(cast, xlsx(rows, title_rows=1), "x.xlsx")
    assert (result.imported, result.updated, result.rejected) == (1, 1, 4), problems(result)
    new = Employer.objects.get(uscc=code)
    assert (new.employee_count, new.ownership, new.union, new.registered_by) == (
        120,
        "private",
        cast.grassroots,
        cast.county,
    )
    cast.employer.refresh_from_db()
    assert cast.employer.employee_count == 350 and cast.employer.ownership == "state"
    reasons = [r[6] for r in problems(result)[1:]]
    assert "所属工会编码：WEST-G1 不在管辖范围内" in reasons[0]
    assert "管辖范围以外" in reasons[1]
    assert "经济类型：“火星企业”不是有效的经济类型" in reasons[2]
    assert "与第3行重复（统一社会信用代码" in reasons[3]
    audit = AuditEvent.objects.count()
    again = run_employers(cast, xlsx(rows, title_rows=1), "x.xlsx")
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2)
    assert AuditEvent.objects.count() == audit


# --- jobs, pages, commands -----------------------------------------------------------------------


def officer(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_upload_page_runs_the_import_and_shows_the_result(cast: Cast) -> None:
    client = officer(cast.county_officer)
    page = client.get("/orgs/EAST/import/orgs/")
    assert page.status_code == 200 and "下载导入模板" in page.content.decode()
    rows = [*ORG_HEADER], ORG_ROWS[0], ["EAST-X", "越界", "基层工会委员会", "WEST", "", "", ""]
    upload = io.BytesIO(xlsx(list(rows), title_rows=2))
    upload.name = "组织.xlsx"
    response = client.post("/orgs/EAST/import/orgs/", {"file": upload})
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert response["Location"] == f"/jobs/import/{job.pk}/"
    assert (job.status, job.imported, job.rejected, job.processed) == (JobStatus.DONE, 1, 1, 2)
    body = client.get(response["Location"]).content.decode()
    assert 'data-count="imported">1<' in body and "下载问题行工作簿" in body
    assert "hx-trigger" not in body  # finished: polling stops
    fragment = client.get(response["Location"], HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment and 'id="job-progress"' in fragment
    errors = client.get(f"/jobs/import/{job.pk}/errors/")
    assert errors.status_code == 200
    book = python_calamine.CalamineWorkbook.from_filelike(
        io.BytesIO(b"".join(errors.streaming_content))
    )
    sheet = book.get_sheet_by_name("问题行").to_python()
    assert sheet[0][-3:] == ["问题原因", "警告", "原行号"] and "不在管辖范围内" in sheet[1][-3]
    assert (
        AuditEvent.objects.filter(action="core.import.finished", target_id=str(job.pk)).count() == 1
    )
    assert Org.objects.filter(code="EAST-G2").exists()


def test_running_job_page_polls_every_second(cast: Cast) -> None:
    job = ImportJob.objects.create(
        importer="gonghui.orgs.importers.OrgImporter",
        actor=cast.county_officer,
        org_path=cast.county.path,
        source="imports/x.csv",
        original_name="x.csv",
        status=JobStatus.RUNNING,
        total=200,
        processed=50,
    )
    body = officer(cast.county_officer).get(f"/jobs/import/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in body and 'value="25"' in body and "style=" not in body


def test_upload_refuses_other_file_types_and_missing_capability(cast: Cast) -> None:
    client = officer(cast.county_officer)
    bad = io.BytesIO(b"x")
    bad.name = "a.pdf"
    response = client.post("/orgs/EAST/import/employers/", {"file": bad})
    assert response.status_code == 200 and "不支持的文件类型" in response.content.decode()
    assert officer(cast.sibling_officer).get("/orgs/EAST/import/orgs/").status_code == 404


def test_another_officer_cannot_fetch_a_job_or_its_errors_file(cast: Cast) -> None:
    with io.BytesIO(
        csv_bytes([EMPLOYER_HEADER, ["", "", "", "", "", ""], ["x", "bad", "", "", "", ""]])
    ) as fh:
        job = job_create(
            importer=EmployerImporter,
            actor=cast.county_officer,
            org_path=cast.county.path,
            fileobj=fh,
            filename="e.csv",
            options={"org": "EAST"},
        )
    execute_import_job(job)
    job.refresh_from_db()
    assert job.errors_file
    for user in (cast.sibling_officer, cast.grassroots_officer):
        client = officer(user)
        assert client.get(f"/jobs/import/{job.pk}/").status_code == 404
        assert client.get(f"/jobs/import/{job.pk}/errors/").status_code == 404
    # an officer above, with the capability over the job's org, may look
    assert officer(cast.city_officer).get(f"/jobs/import/{job.pk}/errors/").status_code == 200


def test_unreadable_upload_fails_the_job_with_a_message(cast: Cast) -> None:
    client = officer(cast.county_officer)
    upload = io.BytesIO(b"PK\x03\x04broken")
    upload.name = "x.xlsx"
    response = client.post("/orgs/EAST/import/employers/", {"file": upload})
    job = ImportJob.objects.get()
    assert job.status == JobStatus.FAILED and "无法读取 Excel 文件" in job.message
    assert "无法读取 Excel 文件" in client.get(response["Location"]).content.decode()


def test_templates_download_with_header_and_example(cast: Cast) -> None:
    response = officer(cast.county_officer).get("/orgs/import/employers/template/")
    book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(response.content))
    rows = book.get_sheet_by_index(0).to_python()
    assert rows[0] == EMPLOYER_HEADER and rows[1][0] == "示例精密制造有限公司"
    org_rows = (
        python_calamine.CalamineWorkbook.from_filelike(
            io.BytesIO(officer(cast.county_officer).get("/orgs/import/orgs/template/").content)
        )
        .get_sheet_by_index(0)
        .to_python()
    )
    assert org_rows[0][:3] == ["组织编码", "组织名称", "组织类型"]


def test_import_command_prints_one_json_line(cast: Cast, tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "orgs.csv"
    path.write_bytes(csv_bytes([ORG_HEADER, *ORG_ROWS, ["BAD", "", "", "", "", "", ""]], "gb18030"))
    call_command("import_orgs", str(path), "--org", "EAST", "--user", "east", "--json")
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    summary = json.loads(out[0])
    assert {k: summary[k] for k in ("total", "imported", "rejected")} == {
        "total": 4,
        "imported": 3,
        "rejected": 1,
    }
    assert summary["errors_file"].endswith(".xlsx")
    call_command("import_orgs", str(path), "--org", "EAST", "--user", "east", "--json", "--dry-run")
    assert json.loads(capsys.readouterr().out)["unchanged"] == 3


def test_import_command_exit_codes(cast: Cast, tmp_path: Any, capsys: Any) -> None:
    broken = tmp_path / "x.xlsx"
    broken.write_bytes(b"not excel")
    with pytest.raises(SystemExit) as exit_info:
        call_command("import_employers", str(broken), "--org", "EAST", "--user", "east", "--json")
    assert exit_info.value.code == 1
    assert "不是有效的 Excel 工作簿" in json.loads(capsys.readouterr().out)["error"]
    from django.core.management.base import CommandError

    with pytest.raises(CommandError) as usage:
        call_command("import_employers", str(broken), "--org", "WEST", "--user", "east")
    assert usage.value.returncode == 2


def test_org_export_is_the_scoped_subtree_and_reimports_unchanged(
    cast: Cast, tmp_path: Any
) -> None:
    client = officer(cast.county_officer)
    response = client.get("/orgs/EAST/export/")
    data = b"".join(response.streaming_content)
    rows = (
        python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        .get_sheet_by_index(0)
        .to_python()
    )
    assert [r[0] for r in rows[1:]] == ["EAST", "EAST-T1", "EAST-G1"]
    result = run_orgs(cast, data, "export.xlsx", org=cast.city, actor=cast.city_officer)
    assert result.unchanged == 3 and result.rejected == 0
    csv_data = b"".join(client.get("/orgs/EAST/export/?format=csv").streaming_content)
    assert csv_data.startswith(codecs.BOM_UTF8) and "WEST" not in csv_data.decode("utf-8-sig")
    assert client.get("/orgs/WEST/export/").status_code == 404
    out = tmp_path / "orgs.xlsx"
    call_command("export_orgs", "--org", "EAST", "--user", "east", "--out", str(out))
    assert (
        python_calamine.CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()[1][0]
        == "EAST"
    )


def test_employer_export_follows_the_list_filters_and_scope(cast: Cast) -> None:
    data = officer(cast.county_officer).get("/orgs/employers/export/?format=csv&q=东方")
    text = b"".join(data.streaming_content).decode("utf-8-sig")
    assert "东方精密制造厂" in text and "西山运输集团" not in text
    sibling = officer(cast.sibling_officer).get("/orgs/employers/export/?format=csv")
    text = b"".join(sibling.streaming_content).decode("utf-8-sig")
    assert "西山运输集团" in text and "东方精密制造厂" not in text


def test_large_employer_export_runs_as_a_job_only_its_actor_downloads(
    cast: Cast, monkeypatch: Any
) -> None:
    from gonghui.orgs.exporters import EmployerExporter

    monkeypatch.setattr(EmployerExporter, "inline_limit", 0)
    client = officer(cast.county_officer)
    response = client.get("/orgs/employers/export/")
    assert response.status_code == 302 and "/jobs/export/" in response["Location"]
    page = client.get(response["Location"]).content.decode()
    assert "下载导出文件" in page
    download = client.get(response["Location"] + "download/")
    assert download.status_code == 200
    assert officer(cast.sibling_officer).get(response["Location"] + "download/").status_code == 404
    assert officer(cast.city_officer).get(response["Location"]).status_code == 404


def test_detail_and_list_pages_offer_import_and_export(cast: Cast) -> None:
    body = officer(cast.county_officer).get("/orgs/EAST/").content.decode()
    assert "/orgs/EAST/import/orgs/" in body and "/orgs/EAST/export/" in body
    assert (
        "/orgs/employers/export/"
        in officer(cast.county_officer).get("/orgs/employers/").content.decode()
    )


def test_employers_without_code_are_matched_by_name_within_scope(cast: Cast) -> None:
    rows = [EMPLOYER_HEADER, ["东区无代码小店", "", "零售", "", "3", ""]]
    first = run_employers(cast, csv_bytes(rows), "x.csv")
    again = run_employers(cast, csv_bytes(rows), "x.csv")
    assert (first.imported, again.unchanged) == (1, 1)
    assert Employer.objects.filter(name="东区无代码小店").count() == 1


def test_officer_reimports_own_subtree_export_unchanged(cast: Cast) -> None:
    response = officer(cast.county_officer).get("/orgs/EAST/export/")
    data = b"".join(response.streaming_content)
    result = run_orgs(cast, data, "export.xlsx")
    assert (result.unchanged, result.rejected) == (3, 0), problems(result)
