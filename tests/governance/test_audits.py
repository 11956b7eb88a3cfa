"""经审: the 经审委员会's annual review: entries sampled with ``secrets`` from the union's
ledgers, findings and rectification, and the report only once every sample is checked."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import fresh


@pytest.fixture
def review_cast(cast):
    from gonghui.governance.services.dues import dues_month_set, dues_pay
    from gonghui.governance.services.funds import funds_month_set, funds_receive
    from tests.factories import make_officer, register

    officer = fresh(cast.grassroots_officer)
    member = register(cast)
    month = timezone.localdate().replace(day=1)
    dues_month_set(actor=officer, member=member, month=month, parts={"wage": Decimal("5000")})
    dues_pay(actor=officer, member=member, months=[month], method="cash")
    funds = funds_month_set(
        actor=officer, employer=cast.employer, month=month, payroll_total="100000"
    )
    funds_receive(actor=officer, month=funds, amount="2000", channel="direct")
    auditor = make_officer(cast.grassroots, "audit", "auditor")
    return cast, fresh(auditor)


def test_only_the_audit_committee_opens_a_review(review_cast):
    from gonghui.governance.services.audits import review_open

    cast, auditor = review_cast
    with pytest.raises(PermissionDenied):
        review_open(actor=fresh(cast.grassroots_officer), union=cast.grassroots, year=2026)
    year = timezone.localdate().year
    review = review_open(actor=auditor, union=cast.grassroots, year=year)
    assert review.status == "open"
    with pytest.raises(ValidationError):
        review_open(actor=auditor, union=cast.grassroots, year=year)


def test_sampling_uses_secrets_and_never_draws_an_entry_twice(review_cast, monkeypatch):
    from gonghui.core.models import LedgerEntry
    from gonghui.governance.services import audits

    cast, auditor = review_cast
    review = audits.review_open(
        actor=auditor, union=cast.grassroots, year=timezone.localdate().year
    )
    calls = []
    real = audits.secrets.SystemRandom

    class Recording(real):  # type: ignore[misc,valid-type]
        def sample(self, population, k):  # type: ignore[no-untyped-def]
            calls.append(len(population))
            return super().sample(population, k)

    monkeypatch.setattr(audits.secrets, "SystemRandom", Recording)
    entries = LedgerEntry.objects.filter(fund__org=cast.grassroots).count()
    assert entries == 3  # dues in; 经费 in, 上解 out
    first = audits.review_sample(actor=auditor, review=review, count=2)
    second = audits.review_sample(actor=auditor, review=review, count=5)
    assert calls == [3, 1]
    drawn = [s.entry_id for s in first + second]
    assert len(drawn) == len(set(drawn)) == 3
    with pytest.raises(ValidationError):
        audits.review_sample(actor=auditor, review=review, count=1)  # nothing left


def test_report_needs_every_sample_checked_and_then_freezes_the_review(review_cast):
    from gonghui.governance.services import audits

    cast, auditor = review_cast
    review = audits.review_open(
        actor=auditor, union=cast.grassroots, year=timezone.localdate().year
    )
    sample = audits.review_sample(actor=auditor, review=review, count=1)[0]
    finding = audits.review_finding_add(actor=auditor, review=review, text="现金收据未连号")
    with pytest.raises(ValidationError):
        audits.review_report(actor=auditor, review=review, summary="账实相符")
    with pytest.raises(ValidationError):
        audits.review_sample_check(actor=auditor, sample=sample, note=" ")
    audits.review_sample_check(actor=auditor, sample=sample, note="凭证齐全")
    audits.review_finding_rectify(actor=auditor, finding=finding, rectification="已启用连号收据")
    review = audits.review_report(actor=auditor, review=review, summary="账实相符")
    assert review.status == "reported" and review.reported_on == timezone.localdate()
    with pytest.raises(ValidationError):
        audits.review_finding_add(actor=auditor, review=review, text="再加一条")


def test_review_year_bounds(review_cast):
    from gonghui.governance.services.audits import review_open

    cast, auditor = review_cast
    for year in (1999, dt.date.today().year + 1):
        with pytest.raises(ValidationError):
            review_open(actor=auditor, union=cast.grassroots, year=year)
