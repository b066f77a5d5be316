"""GET /api/v1/search and /api/v1/suggest: hits with highlight spans and facets, filters, pages,
bilingual validation errors, and the public-search rate limit (429 with Retry-After)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from search_world import SearchRecords, add_search_records
from web_world import WebWorld, api_token

from kechuang.app import create_app
from kechuang.config import get_settings
from kechuang.web.security import Limit


@pytest.fixture
def records(web_world: WebWorld) -> SearchRecords:
    """The web world plus the search records."""
    return add_search_records(web_world)


def test_search_returns_ranked_hits_with_highlight_spans_and_facets(
    client: TestClient, records: SearchRecords
) -> None:
    body = client.get("/api/v1/search", params={"q": "catalysts hydrogenation"}).json()
    assert body["tokens"] == ["catalyst", "hydrogen"]
    assert body["total"] == len(body["hits"]) >= 1
    top = body["hits"][0]
    assert (top["kind"], top["id"]) == ("expert", records.catalysis_expert)
    assert top["url"] == f"/experts/{records.catalysis_expert}"
    assert top["kind_label_zh"] == "专家"
    assert top["kind_label_en"] == "Expert"
    marked = [top["snippet"]["text"][s:e] for s, e in top["snippet"]["highlights"]]
    assert "Catalysts" in marked
    assert "hydrogenation" in marked
    assert set(top["matched_terms"]) == {"catalyst", "hydrogen"}
    scores = [hit["score"] for hit in body["hits"]]
    assert scores == sorted(scores, reverse=True)
    assert set(body["facets"]) == {"kind", "industry", "discipline", "region"}
    kinds = {v["code"]: v["count"] for v in body["facets"]["kind"]}
    assert kinds["expert"] >= 1


def test_filters_pages_and_the_organisation_group(
    client: TestClient, web_world: WebWorld, records: SearchRecords
) -> None:
    everything = client.get("/api/v1/search", params={"q": "膜"}).json()
    organisations = client.get("/api/v1/search", params={"q": "膜", "kind": "organisation"}).json()
    assert [(h["kind"], h["id"]) for h in organisations["hits"]] == [
        ("laboratory", records.membrane_lab)
    ]
    assert organisations["total"] < everything["total"]
    selected = [v for v in organisations["facets"]["kind"] if v["selected"]]
    assert [v["code"] for v in selected] == ["organisation"]
    region = client.get(
        "/api/v1/search", params={"q": "膜", "region": str(web_world.region_b)}
    ).json()
    assert {h["region_id"] for h in region["hits"]} == {web_world.region_b}
    assert {h["region_label_zh"] for h in region["hits"]} == {"另一试点"}
    second = client.get("/api/v1/search", params={"q": "膜", "per_page": 1, "page": 2}).json()
    first = client.get("/api/v1/search", params={"q": "膜", "per_page": 1}).json()
    assert first["pages"] == first["total"] == 2
    assert first["hits"][0]["id"] != second["hits"][0]["id"] or (
        first["hits"][0]["kind"] != second["hits"][0]["kind"]
    )


def test_bad_parameters_are_refused_bilingually(client: TestClient, web_world: WebWorld) -> None:
    for params in ({"page": 0}, {"page": 101}, {"q": "x" * 101}, {"per_page": 500}):
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 422, params
        assert "detail" in response.text or "message" in response.text


def test_every_caller_gets_the_same_public_answer(client: TestClient, web_world: WebWorld) -> None:
    anonymous = client.get("/api/v1/search", params={"q": "催化"}).json()
    for who in ("ent_a", "op_b", "admin"):
        signed_in = client.get(
            "/api/v1/search", params={"q": "催化"}, headers=api_token(client, who)
        ).json()
        assert signed_in == anonymous, who


def test_suggest_returns_names_and_code_labels(client: TestClient, records: SearchRecords) -> None:
    names = client.get("/api/v1/suggest", params={"q": "advanced mem"}).json()
    assert [(s["kind"], s["url"]) for s in names] == [
        ("laboratory", f"/organisations/{records.membrane_lab}")
    ]
    codes = client.get("/api/v1/suggest", params={"q": "261"}).json()
    assert [s["code"] for s in codes] == ["261", "2614"]
    assert codes[0]["url"] == "/search?industry=261"
    assert client.get("/api/v1/suggest", params={"q": " "}).json() == []


@pytest.mark.parametrize("path", ["/api/v1/search?q=氢", "/api/v1/suggest?q=氢"])
def test_search_and_suggest_are_rate_limited(web_world: WebWorld, path: str) -> None:
    client = TestClient(create_app(get_settings(), rate_limits={"search": Limit(3, 60)}))
    statuses = [client.get(path) for _ in range(4)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429]
    assert int(statuses[-1].headers["retry-after"]) >= 1
    assert "请求过于频繁" in statuses[-1].text or "Too many" in statuses[-1].text


def test_search_is_in_the_openapi_document(client: TestClient, web_world: WebWorld) -> None:
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/search" in paths
    assert "/api/v1/suggest" in paths
    assert "429" in paths["/api/v1/search"]["get"]["responses"]


def test_fuzzed_search_and_suggest_never_break(app: object, records: SearchRecords) -> None:
    """Schemathesis over just these two operations, with a larger budget than the whole-API
    fuzz: any q (control characters, NUL, emoji, huge codes), filters and pages — no 5xx and
    every response valid against the documented schema."""
    import schemathesis  # noqa: PLC0415 - dev dependency, heavy
    from hypothesis import HealthCheck, given, settings  # noqa: PLC0415
    from schemathesis.checks import not_a_server_error  # noqa: PLC0415
    from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: PLC0415

    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    done = []
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.path not in ("/api/v1/search", "/api/v1/suggest"):
            continue

        @given(case=operation.as_strategy())
        @settings(
            max_examples=60,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: object) -> None:
            case.call_and_validate(  # type: ignore[attr-defined]
                checks=[not_a_server_error, response_schema_conformance]
            )

        run()
        done.append(operation.path)
    assert sorted(done) == ["/api/v1/search", "/api/v1/suggest"]


@pytest.mark.parametrize("path", ["/api/v1/experts", "/api/v1/demands", "/api/v1/organisations"])
def test_api_list_text_search_shares_the_search_limit(web_world: WebWorld, path: str) -> None:
    """A list's ``q`` is a public text search too: it counts on the search limit (429 with
    Retry-After); paging without ``q`` does not."""
    client = TestClient(create_app(get_settings(), rate_limits={"search": Limit(3, 60)}))
    plain = [client.get(path).status_code for _ in range(5)]
    assert plain == [200] * 5
    searched = [client.get(path, params={"q": "氢"}) for _ in range(3)]
    assert [r.status_code for r in searched] == [200, 200, 200]
    limited = client.get("/api/v1/search", params={"q": "氢"})  # the same bucket
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) >= 1
