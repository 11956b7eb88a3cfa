"""DESIGN.md rule 1: the sibling-county officer (and a member, a merchant) walks every voice
route and API operation: nothing of the east county's appeals, letters, proposals and forums
shows, object routes answer 404 to the sibling officer, nothing changes. The same objects feed
the global walk in tests/test_scoping_walk.py; this one runs the voice routes on their own."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.core.models import AuditEvent
from gonghui.core.workflow import HistoryEntry
from gonghui.voice.models import Appeal, Forum, Proposal
from tests.conftest import Cast
from tests.factories import ensure_seeded
from tests.voice.walk import SECRETS, sibling_values


@pytest.fixture(autouse=True)
def seeded_calendar(db: None) -> None:
    ensure_seeded()


def voice_routes(patterns: list, prefix: str = "", ns: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            yield from voice_routes(
                entry.url_patterns, prefix + str(entry.pattern), entry.namespace or ns
            )
        elif isinstance(entry, URLPattern):
            name = f"{ns}:{entry.name}"
            route = prefix + str(entry.pattern)
            if ns in ("voice", "voice_m") or route.startswith("api/voice"):
                yield route, name


def urls(route: str, name: str, values: dict[str, dict[str, list[str]]]) -> list[str]:
    out = ["/" + route.lstrip("^").rstrip("$")]
    for param in re.findall(r"<(?:\w+:)?(\w+)>", route):
        choices = values.get(name, {}).get(param)
        assert choices, f"no walk value for <{param}> in {name}"
        out = [re.sub(rf"<(?:\w+:)?{param}>", v, u, count=1) for u in out for v in choices]
    return out


def state() -> tuple[object, ...]:
    return (
        list(Appeal.objects.values().order_by("pk")),
        list(Proposal.objects.values().order_by("pk")),
        list(Forum.objects.values().order_by("pk")),
        HistoryEntry.objects.unscoped(reason="test")
        .filter(content_type__app_label="voice")
        .count(),
        AuditEvent.objects.filter(action__startswith="voice.").count(),
    )


@pytest.mark.parametrize("who", ["sibling_officer", "member", "merchant"])
def test_others_see_nothing_of_the_east_countys_voice_items(cast: Cast, who: str) -> None:
    values = sibling_values(cast)
    routes = sorted(set(voice_routes(get_resolver().url_patterns)))
    assert len(routes) >= 20
    before = state()
    client, user = Client(), getattr(cast, who)
    problems = []
    for route, name in routes:
        has_params = "<" in route
        for url in urls(route, name, values):
            for method in ("get", "post"):
                client.force_login(user)
                if method == "post" and url.startswith("/api/"):
                    body = json.dumps(
                        {
                            "category": "wage",
                            "title": "越权",
                            "content": "越权登记内容",
                            "org_code": "EAST-G1",
                            "rating": "satisfied",
                        }
                    )
                    response = client.post(url, data=body, content_type="application/json")
                else:
                    query = "" if has_params or method == "post" else "?q=东区"
                    response = getattr(client, method)(
                        url + query,
                        {
                            "reason": "x",
                            "reply": "越权答复内容",
                            "to_code": "WEST-G1",
                            "rating": "satisfied",
                            "opinion": "x",
                            "adopt": "1",
                        },
                    )
                raw = (
                    b"".join(response.streaming_content) if response.streaming else response.content
                )
                text = raw.decode("utf-8", "replace")
                leaked = [s for s in SECRETS if s in text]
                if leaked:
                    problems.append(f"{method} {url}: {response.status_code} shows {leaked}")
                if (
                    who == "sibling_officer"
                    and has_params
                    and response.status_code not in (404, 405)
                ):
                    problems.append(f"{method} {url}: {response.status_code}, not 404")
    assert not problems, "\n".join(problems)
    assert state() == before
