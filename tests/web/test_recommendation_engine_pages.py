"""The demand page says how recommendations were scored (hybrid or lexical) and shows routing
evidence; the review queue shows the router's discipline and industry suggestions."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from test_pages import GOOD_DEMAND
from web_world import WebWorld, sign_in

from kechuang.app import create_app
from kechuang.config import get_settings


def _post_demand(client: TestClient, intent: str) -> str:
    token = sign_in(client, "ent_a")
    posted = client.post(
        "/my/demands/new",
        data={"csrf_token": token, "intent": intent, **GOOD_DEMAND},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    return str(posted.headers["location"])


@pytest.mark.parametrize("embedder", ["none", "use"])
def test_demand_page_says_which_scoring_ranked_the_partners(
    web_world: WebWorld, monkeypatch: pytest.MonkeyPatch, embedder: str
) -> None:
    monkeypatch.setenv("KECHUANG_MATCH_INDEX_EMBEDDER", embedder)
    get_settings.cache_clear()
    client = TestClient(create_app(get_settings(), rate_limits={}))
    page = client.get(_post_demand(client, "publish")).text
    label = re.search(r'data-testid="engine-label" data-mode="(\w+)"', page)
    assert label is not None
    assert label.group(1) == ("hybrid" if embedder == "use" else "lexical")
    assert ("混合" if embedder == "use" else "仅按词语") in page
    assert "学科/行业契合度" in page  # the routing component of every score
    assert "加氢站压缩机专利" in page  # the work behind the top expert


def test_review_queue_suggests_disciplines_and_industries_with_confidence(
    client: TestClient, web_world: WebWorld
) -> None:
    _post_demand(TestClient(client.app), "publish")
    sign_in(client, "op_a")
    queue = client.get("/operator/review").text
    disciplines = re.search(r'data-testid="routed-disciplines">(.*?)</dd>', queue, re.S)
    industries = re.search(r'data-testid="routed-industries">(.*?)</dd>', queue, re.S)
    assert disciplines is not None
    assert industries is not None
    assert re.search(r"\d{3} \S+ <span class=\"muted\">\d+%</span>", disciplines.group(1))
    assert re.search(r"\d{2} \S+ <span class=\"muted\">\d+%</span>", industries.group(1))
    assert "建议学科" in queue


def test_a_served_app_builds_its_index_in_the_background_at_start(
    web_world: WebWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time  # noqa: PLC0415

    monkeypatch.setenv("KECHUANG_MATCH_INDEX_EMBEDDER", "none")
    get_settings.cache_clear()
    app = create_app(get_settings(), rate_limits={})
    assert not app.state.search_index.built
    with TestClient(app):  # runs the lifespan, as `kechuang serve` does
        deadline = time.monotonic() + 60
        while not app.state.search_index.built and time.monotonic() < deadline:
            time.sleep(0.1)
        assert app.state.search_index.built
