"""Read replicas (issue 19 item 3): the heavy read-only paths read from the replica while it is
reachable and fresh, fall back to the primary when it lags or is stopped, and never write there."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest
from django.db import connection, connections
from django.db.utils import load_backend
from django.test.utils import CaptureQueriesContext

from gonghui.core import replicas
from gonghui.orgs.models import Org, OrgKind
from tests import factories

pytestmark = pytest.mark.django_db


def _replica(monkeypatch, conf: dict) -> Iterator[None]:
    """Put a ``replica`` connection beside the test database (a dynamically created connection,
    which Django's test isolation allows) and tell the router it is configured."""
    wrapper = load_backend(conf["ENGINE"]).DatabaseWrapper(conf, replicas.REPLICA)
    setattr(connections._connections, replicas.REPLICA, wrapper)
    monkeypatch.setattr(replicas, "configured", lambda: True)
    replicas.forget_replica_state()
    yield
    wrapper.close()
    delattr(connections._connections, replicas.REPLICA)
    replicas.forget_replica_state()


@pytest.fixture
def stopped_replica(monkeypatch) -> Iterator[None]:
    """A replica that does not answer: nothing listens on its port (or its file cannot open)."""
    conf = copy.deepcopy(connection.settings_dict)
    if connection.vendor == "postgresql":
        conf.update(PORT="1", HOST="127.0.0.1")
        conf["OPTIONS"] = {**conf.get("OPTIONS", {}), "connect_timeout": 1}
    else:
        conf["NAME"] = "/nonexistent-directory/replica.sqlite3"
    yield from _replica(monkeypatch, conf)


@pytest.fixture
def live_replica(monkeypatch) -> Iterator[None]:
    """A second connection to the same database stands in for a streaming replica."""
    yield from _replica(monkeypatch, copy.deepcopy(connection.settings_dict))


def test_reads_in_a_replica_block_go_to_a_healthy_replica(live_replica) -> None:
    with CaptureQueriesContext(connections["replica"]) as on_replica, replicas.tracking_reads():
        with replicas.replica_reads():
            Org.objects.filter(code="NOPE").exists()
        assert replicas.served_by() == replicas.REPLICA
    assert any("orgs_org" in q["sql"] for q in on_replica.captured_queries)


def test_reads_fall_back_to_the_primary_when_the_replica_is_stopped(stopped_replica) -> None:
    province = factories.make_org(None, OrgKind.PROVINCE, "测试省总工会", "PROV")
    with replicas.tracking_reads(), replicas.replica_reads():
        assert Org.objects.get(code="PROV") == province  # answered, from the primary
        assert replicas.served_by() == replicas.PRIMARY
    state = replicas.replica_state()
    assert not state.usable and state.error


def test_reads_fall_back_when_the_replica_lags_past_the_limit(
    live_replica, settings, monkeypatch
) -> None:
    settings.GONGHUI_REPLICA_MAX_LAG = 10
    monkeypatch.setattr(replicas, "measure_lag", lambda: 30.0)
    replicas.forget_replica_state()
    with replicas.tracking_reads(), replicas.replica_reads():
        Org.objects.exists()
        assert replicas.served_by() == replicas.PRIMARY
    monkeypatch.setattr(replicas, "measure_lag", lambda: 3.0)
    replicas.forget_replica_state()
    with replicas.tracking_reads(), replicas.replica_reads():
        Org.objects.exists()
        assert replicas.served_by() == replicas.REPLICA


def test_writes_and_row_locks_stay_on_the_primary_inside_a_replica_block(live_replica) -> None:
    with CaptureQueriesContext(connections["replica"]) as on_replica, replicas.replica_reads():
        org = factories.make_org(None, OrgKind.PROVINCE, "测试省总工会", "PROV")
        Org.objects.filter(pk=org.pk).update(name="改名省总工会")
        from django.db import transaction

        with transaction.atomic():
            locked = Org.objects.select_for_update().get(pk=org.pk)
        assert locked.name == "改名省总工会"
    written = [q["sql"] for q in on_replica.captured_queries]
    assert not any(sql.split()[0].upper() in {"INSERT", "UPDATE", "DELETE"} for sql in written)
    assert not any("FOR UPDATE" in sql.upper() for sql in written)


def test_without_a_replica_everything_reads_from_the_primary() -> None:
    assert not replicas.configured()  # DATABASE_REPLICA_URL is not set in the tests
    with replicas.tracking_reads(), replicas.replica_reads():
        Org.objects.exists()
        assert replicas.served_by() == replicas.PRIMARY
