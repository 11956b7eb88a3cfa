"""The member roster as Excel/CSV: the filtered list of the page, scoped, masked by default.

The columns are the import's, so an unmasked export re-imports unchanged. An unmasked export
needs ``reveal_pii`` over the exported org and is audited when its rows are read (inline or in
the export task), with the filters and the number of rows, never the data.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, QuerySet, Subquery
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core import dicts
from gonghui.core.audit import audit_record
from gonghui.core.crypto import decrypt, encrypt, mask_card_number, mask_id_number, mask_phone
from gonghui.core.exporting import Exporter
from gonghui.core.identifiers import IdType
from gonghui.core.scoping import Viewer, require_capability
from gonghui.members import selectors
from gonghui.members.importers import MemberImporter
from gonghui.members.models import Card, CardStatus, Member
from gonghui.members.services.members import DICT_FIELDS
from gonghui.orgs import selectors as org_selectors

FILTER_KEYS = ("q", "status", "gender", "migrant_worker", "household_type", "new_employment")
ID_TYPES = dict(IdType.choices)


QUERY_CONTEXT = "members.export.q"


def seal_query(query: str) -> dict[str, str]:
    """The search term as params keep it: a full ID or phone number encrypted, since params
    are stored on the ExportJob and written to the export's audit event."""
    if selectors.query_is_personal(query):
        return {"q_sealed": encrypt(query, QUERY_CONTEXT)}
    return {"q": query}


def filters_from_params(viewer: Viewer, params: dict[str, Any]) -> selectors.MemberFilters:
    """The page's filters from JSON-safe params (what an ExportJob stores)."""
    migrant = {"1": True, "0": False}.get(str(params.get("migrant_worker", "")))
    employer = str(params.get("employer") or "")
    sealed = str(params.get("q_sealed") or "")
    return selectors.MemberFilters(
        query=decrypt(sealed, QUERY_CONTEXT) if sealed else str(params.get("q", "")),
        org=org_selectors.org_get(viewer=viewer, code=params["org"]),
        status=str(params.get("status", "")),
        gender=str(params.get("gender", "")),
        migrant_worker=migrant,
        household_type=str(params.get("household_type", "")),
        new_employment=str(params.get("new_employment", "")),
        age_band=str(params.get("age_band", "")),
        employer_id=int(employer) if employer.isdigit() else None,
    )


class MemberExporter(Exporter):
    """params: ``org`` (code, required), the list's filters, ``unmasked`` (bool)."""

    title = _("会员名册")

    def queryset(self) -> QuerySet[Member]:
        filters = filters_from_params(self.viewer, self.params)
        assert filters.org is not None
        require_capability(self.viewer, "members.export", filters.org.path)
        if self.unmasked:
            require_capability(self.viewer, "reveal_pii", filters.org.path)
        card = Card.objects.filter(member=OuterRef("pk"), status=CardStatus.ACTIVE)
        return (
            selectors.member_list(viewer=self.viewer, filters=filters)
            .annotate(card_number=Subquery(card.values("number")[:1]))
            .order_by("org_path", "id")
        )

    @property
    def unmasked(self) -> bool:
        return bool(self.params.get("unmasked"))

    def count(self) -> int:
        return self.queryset().count()

    def header(self) -> Sequence[str | Promise]:
        # Masked, the birth date column holds the year only (DESIGN.md rule 3).
        birth = {} if self.unmasked else {"birth_date": _("出生年份")}
        return [
            *(birth.get(c.key, c.label) for c in MemberImporter.columns),
            _("所属工会"),
            _("会籍状态"),
            _("会员卡号"),
        ]

    def rows(self) -> Iterator[Sequence[Any]]:
        queryset = self.queryset()
        org = org_selectors.org_get(viewer=self.viewer, code=self.params["org"])
        written = 0
        for m in queryset.iterator(chunk_size=2000):
            written += 1
            yield self.row(m)
        audit_record(
            action="members.member.exported_unmasked"
            if self.unmasked
            else "members.member.exported",
            actor=self.viewer,
            org_path=org.path,
            after={"rows": written, "filters": {k: v for k, v in self.params.items() if v}},
        )

    def row(self, m: Any) -> list[Any]:
        id_number = m.id_number if self.unmasked else mask_id_number(m.id_number)
        phone = m.phone if self.unmasked else mask_phone(m.phone)
        card = m.card_number or ""
        by_field = {
            "name": m.name,
            "id_type": ID_TYPES.get(m.id_type, m.id_type),
            "id_number": id_number,
            "gender": m.get_gender_display(),
            "birth_date": m.birth_date if self.unmasked else m.birth_date.year,
            **{
                f: dicts.label(d, getattr(m, f)) if getattr(m, f) else ""
                for f, d in DICT_FIELDS.items()
            },
            "household_place": m.household_place,
            "migrant_worker": m.migrant_worker,
            "phone": phone,
            "employer": m.employer.name if m.employer else "",
            "union": m.union.code,
            "joined_on": m.joined_on,
        }
        return [
            *(by_field[c.key] for c in MemberImporter.columns),
            m.union.name,
            m.get_status_display(),
            card if self.unmasked else mask_card_number(card),
        ]


def ensure_export_allowed(viewer: Viewer, org_path: str, *, unmasked: bool) -> None:
    """Raise PermissionDenied before a job is queued that would fail in the worker."""
    require_capability(viewer, "members.export", org_path)
    if unmasked and not viewer.has_capability("reveal_pii", org_path):
        raise PermissionDenied
