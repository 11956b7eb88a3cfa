"""Property: any sequence of create/move/merge keeps paths, depths and org_paths consistent."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from gonghui.orgs.models import PATH_STEP, Employer, Org, OrgKind, OrgStatus, Post
from gonghui.orgs.services.orgs import org_merge, org_move
from tests import factories

KINDS = [
    OrgKind.CITY,
    OrgKind.COUNTY,
    OrgKind.TOWN,
    OrgKind.JOINT,
    OrgKind.GRASSROOTS,
    OrgKind.BRANCH,
    OrgKind.GROUP,
]

operations = st.lists(
    st.one_of(
        st.tuples(st.just("create"), st.integers(0, 50), st.sampled_from(KINDS)),
        st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50)),
        st.tuples(st.just("merge"), st.integers(0, 50), st.integers(0, 50)),
    ),
    min_size=1,
    max_size=25,
)


class TreeInvariantTests(TestCase):
    def setUp(self) -> None:
        self.actor = factories.superuser()
        root = factories.make_org(None, OrgKind.PROVINCE)
        city = factories.make_org(root, OrgKind.CITY)
        county = factories.make_org(city, OrgKind.COUNTY)
        union = factories.make_org(county, OrgKind.GRASSROOTS)
        factories.make_employer(county, union=union)
        factories.make_officer(union, "chair")

    def apply(self, op: tuple) -> None:
        orgs = list(Org.objects.filter(status=OrgStatus.ACTIVE).order_by("path"))
        name = op[0]
        try:
            if name == "create":
                factories.make_org(orgs[op[1] % len(orgs)], op[2])
            elif name == "move":
                org_move(
                    actor=self.actor,
                    org=orgs[op[1] % len(orgs)],
                    new_parent=orgs[op[2] % len(orgs)],
                )
            else:
                org_merge(
                    actor=self.actor, source=orgs[op[1] % len(orgs)], target=orgs[op[2] % len(orgs)]
                )
        except ValidationError:
            pass  # an operation the rules refuse must leave everything as it was

    def assert_consistent(self) -> None:
        by_pk = {o.pk: o for o in Org.objects.all()}
        for org in by_pk.values():
            if org.parent_id is None:
                assert org.depth == 0 and len(org.path) == PATH_STEP
            else:
                parent = by_pk[org.parent_id]
                assert org.path[:-PATH_STEP] == parent.path, (org.code, org.path, parent.path)
                assert len(org.path) == len(parent.path) + PATH_STEP
                assert org.depth == parent.depth + 1
                if org.status == OrgStatus.ACTIVE:
                    assert parent.status == OrgStatus.ACTIVE
        for employer in Employer.objects.select_related("union", "registered_by"):
            assert employer.org_path == (employer.union or employer.registered_by).path
        for post in Post.objects.select_related("org"):
            assert post.org_path == post.org.path

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(operations)
    def test_tree_stays_consistent(self, ops: list[tuple]) -> None:
        for op in ops:
            self.apply(op)
        self.assert_consistent()
