"""The operator's event and honour-list pages, the nomination page and the reviewer's page:
every state change is a CSRF-protected form; bad input re-renders the page with a bilingual reason
and changes nothing; the matcher proposes parties and reviewers; conflicts of interest are left
out; the public honour page shows the published entries only."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_world import WebWorld, sign_in

from kechuang.domain import (
    Actor,
    Expert,
    HonourList,
    HonourListKind,
    HonourListStatus,
    Nomination,
    Work,
)
from kechuang.domain.honour import NomineeKind
from kechuang.services import events, experts, honours, transaction

SYSTEM = Actor.system("test")


def _location_id(response: object, prefix: str) -> int:
    location = response.headers["location"]  # type: ignore[attr-defined]
    match = re.fullmatch(rf"{re.escape(prefix)}(\d+)", location)
    assert match, location
    return int(match.group(1))


def _plan(operator: TestClient, token: str, **fields: object) -> object:
    data: dict[str, object] = {
        "csrf_token": token,
        "kind": "docking_event",
        "title": "加氢催化技术对接会",
        "starts_on": "2030-05-20",
        "ends_on": "2030-05-21",
        "location": "兰州新区科创园",
        "description": "面向加氢站与催化剂企业的技术对接。",
        "industry_codes": ["26"],
        **fields,
    }
    return operator.post("/operator/events/new", data=data, follow_redirects=False)


def test_event_planning_invitations_attendance_and_dockings(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "op_a")
    listing = client.get("/operator/events")
    assert listing.status_code == 200
    assert "氢能技术培训" in listing.text

    # Bad input: the form comes back with both languages' reasons, nothing is stored.
    with transaction():
        before = events.list(SYSTEM, region_id=web_world.region_a).total
    bad = _plan(client, token, starts_on="2030-13-01")
    assert bad.status_code == 422
    assert "日期格式不正确" in bad.text or "this is not a date" in bad.text
    backwards = _plan(client, token, ends_on="2030-05-01")
    assert backwards.status_code == 422
    assert "结束日期早于开始日期" in backwards.text
    with transaction():
        assert events.list(SYSTEM, region_id=web_world.region_a).total == before

    created = _plan(client, token)
    assert created.status_code == 303
    event_id = _location_id(created, "/operator/events/")

    # The matcher proposes the region's expert and laboratory for the topic.
    detail = client.get(f"/operator/events/{event_id}")
    assert detail.status_code == 200
    assert f'data-testid="proposal-expert-{web_world.expert_a}"' in detail.text
    assert "氢能重点实验室" in detail.text

    nobody = client.post(
        f"/operator/events/{event_id}/invite", data={"csrf_token": token}, follow_redirects=False
    )
    assert nobody.status_code == 422
    invited = client.post(
        f"/operator/events/{event_id}/invite",
        data={"csrf_token": token, "party": [f"expert:{web_world.expert_a}"]},
        follow_redirects=False,
    )
    assert invited.status_code == 303

    wrong_count = client.post(
        f"/operator/events/{event_id}/attendance",
        data={"csrf_token": token, "trainee_count": "很多"},
    )
    assert wrong_count.status_code == 422
    assert "培训人次应为非负整数" in wrong_count.text
    attended = client.post(
        f"/operator/events/{event_id}/attendance",
        data={
            "csrf_token": token,
            "attended": [f"expert:{web_world.expert_a}"],
            "trainee_count": "25",
        },
        follow_redirects=False,
    )
    assert attended.status_code == 303
    linked = client.post(
        f"/operator/events/{event_id}/dockings",
        data={"csrf_token": token, "docking_id": str(web_world.docking)},
        follow_redirects=False,
    )
    assert linked.status_code == 303
    with transaction():
        event = events.get(SYSTEM, event_id)
    assert [(p.participant_id, p.attended) for p in event.participants] == [
        (web_world.expert_a, True)
    ]
    assert event.trainee_count == 25
    assert event.docking_ids == [web_world.docking]
    assert event.industry_codes == ["26"]
    page = client.get(f"/operator/events/{event_id}").text
    assert 'data-testid="trainee-count">25<' in page
    assert f'data-testid="linked-{web_world.docking}"' in page

    # Filters: upcoming only shows the new event, past only the training of 2024.
    upcoming = client.get("/operator/events?when=upcoming").text
    assert "加氢催化技术对接会" in upcoming
    assert "氢能技术培训" not in upcoming
    past = client.get("/operator/events?when=past&kind=training").text
    assert "氢能技术培训" in past
    assert "加氢催化技术对接会" not in past

    # Without the CSRF token nothing happens.
    forged = client.post(f"/operator/events/{event_id}/archive", data={})
    assert forged.status_code == 403
    archived = client.post(
        f"/operator/events/{event_id}/archive",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert archived.status_code == 303
    assert "加氢催化技术对接会" not in client.get("/operator/events").text
    assert "加氢催化技术对接会" in client.get("/operator/events?archived=1").text


def test_event_pages_are_for_the_region_operator(client: TestClient, web_world: WebWorld) -> None:
    assert client.get("/operator/events", follow_redirects=False).status_code == 303
    sign_in(client, "ent_a")
    assert client.get("/operator/events").status_code == 403
    other = TestClient(client.app)
    token = sign_in(other, "op_b")
    assert other.get(f"/operator/events/{web_world.event}").status_code in (403, 404)
    refused = other.post(
        f"/operator/events/{web_world.event}/attendance",
        data={"csrf_token": token, "trainee_count": "1"},
    )
    assert refused.status_code in (403, 404)
    with transaction():
        assert events.get(SYSTEM, web_world.event).trainee_count == 40


def test_honour_list_from_nomination_to_publication(
    client: TestClient, web_world: WebWorld
) -> None:
    with transaction():
        conflicted = experts.create(
            SYSTEM,
            Expert(
                name="王工",
                affiliation="甲化工（演示）",
                affiliation_id=web_world.enterprise_a,
                region_id=web_world.region_a,
                keywords=["加氢", "催化"],
                works=[Work(kind="paper", title="加氢催化剂寿命研究", keywords=["加氢"])],
            ),
        ).id
    assert conflicted is not None
    token = sign_in(client, "op_a")
    bad = client.post(
        "/operator/honours", data={"csrf_token": token, "kind": "emerging_enterprises"}
    )
    assert bad.status_code == 422
    assert "年份应为四位数字" in bad.text
    created = client.post(
        "/operator/honours",
        data={
            "csrf_token": token,
            "kind": "emerging_enterprises",
            "year": "2030",
            "title": "2030 新锐企业榜（兰州新区）",
        },
        follow_redirects=False,
    )
    assert created.status_code == 303
    list_id = _location_id(created, "/operator/honours/")

    nominated = client.post(
        f"/operator/honours/{list_id}/nominations",
        data={
            "csrf_token": token,
            "nominee": f"organisation:{web_world.enterprise_a}",
            "reason": "加氢催化剂国产化，加氢站关键装备",
        },
        follow_redirects=False,
    )
    assert nominated.status_code == 303
    empty = client.post(f"/operator/honours/{list_id}/nominations", data={"csrf_token": token})
    assert empty.status_code == 422
    assert "缺少被提名对象" in empty.text

    # An enterprise member of the region nominates from the public side.
    member = TestClient(client.app)
    member_token = sign_in(member, "ent_a")
    form = member.get(f"/honours/{list_id}/nominate")
    assert form.status_code == 200
    by_member = member.post(
        f"/honours/{list_id}/nominate",
        data={"csrf_token": member_token, "nominee_name": "李四", "reason": "氢能装备研发骨干"},
        follow_redirects=False,
    )
    assert by_member.status_code == 303
    with transaction():
        honour_list = honours.get(SYSTEM, list_id)
    assert [n.nominee_name for n in honour_list.nominations] == ["甲化工（演示）", "李四"]
    enterprise_nomination, person_nomination = (n.id for n in honour_list.nominations)

    # The matcher proposes 张工; 王工 works for the nominated enterprise and is left out.
    detail = client.get(f"/operator/honours/{list_id}").text
    assert f'data-testid="reviewer-{web_world.expert_a}"' in detail
    assert f'data-testid="reviewer-{conflicted}"' not in detail
    assert f'data-testid="excluded-{conflicted}"' in detail
    assert "同一单位" in detail
    refused = client.post(
        f"/operator/honours/{list_id}/rounds",
        data={"csrf_token": token, "number": "1", "reviewer": [str(conflicted)]},
    )
    assert refused.status_code == 422
    assert "利益冲突" in refused.text
    with transaction():
        assert honours.get(SYSTEM, list_id).review_rounds == []

    opened = client.post(
        f"/operator/honours/{list_id}/rounds",
        data={"csrf_token": token, "number": "1", "reviewer": [str(web_world.expert_a)]},
        follow_redirects=False,
    )
    assert opened.status_code == 303
    assert client.get(f"/honours/{list_id}", follow_redirects=False).status_code == 200  # staff
    assert TestClient(client.app).get(f"/honours/{list_id}").status_code == 404  # public

    reviewer = TestClient(client.app)
    reviewer_token = sign_in(reviewer, "exp_a")
    page = reviewer.get("/expert/reviews")
    assert page.status_code == 200
    assert f'data-testid="review-{list_id}-1"' in page.text
    too_high = reviewer.post(
        f"/expert/reviews/{list_id}/1",
        data={
            "csrf_token": reviewer_token,
            "nomination": [str(enterprise_nomination), str(person_nomination)],
            f"score-{enterprise_nomination}": "90",
            f"score-{person_nomination}": "150",
        },
    )
    assert too_high.status_code == 422
    assert "评分应为 0 到 100 的整数" in too_high.text
    with transaction():
        assert honours.get(SYSTEM, list_id).review_rounds[0].scores == []
    scored = reviewer.post(
        f"/expert/reviews/{list_id}/1",
        data={
            "csrf_token": reviewer_token,
            "nomination": [str(enterprise_nomination), str(person_nomination)],
            f"score-{enterprise_nomination}": "90",
            f"score-{person_nomination}": "70",
        },
        follow_redirects=False,
    )
    assert scored.status_code == 303

    closed = client.post(
        f"/operator/honours/{list_id}/rounds/1/close",
        data={"csrf_token": token},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    detail = client.get(f"/operator/honours/{list_id}").text
    # The shortlist for round 2 is preselected: the better half of round 1 by mean score.
    assert re.search(rf'value="{enterprise_nomination}" checked data-testid="shortlist-', detail)
    assert re.search(rf'value="{person_nomination}" data-testid="shortlist-', detail)
    second = client.post(
        f"/operator/honours/{list_id}/rounds",
        data={
            "csrf_token": token,
            "number": "2",
            "reviewer": [str(web_world.expert_a)],
            "shortlist": [str(enterprise_nomination)],
        },
        follow_redirects=False,
    )
    assert second.status_code == 303
    round_two = reviewer.get("/expert/reviews").text
    assert f'name="score-{enterprise_nomination}"' in round_two
    assert f'name="score-{person_nomination}"' not in round_two
    reviewer.post(
        f"/expert/reviews/{list_id}/2",
        data={
            "csrf_token": reviewer_token,
            "nomination": [str(enterprise_nomination)],
            f"score-{enterprise_nomination}": "93",
        },
    )
    early = client.post(
        f"/operator/honours/{list_id}/publish",
        data={
            "csrf_token": token,
            "nomination": [str(enterprise_nomination)],
            f"rank-{enterprise_nomination}": "1",
        },
    )
    assert early.status_code == 409  # round 2 is still open
    client.post(f"/operator/honours/{list_id}/rounds/2/close", data={"csrf_token": token})
    published = client.post(
        f"/operator/honours/{list_id}/publish",
        data={
            "csrf_token": token,
            "nomination": [str(enterprise_nomination), str(person_nomination)],
            f"rank-{enterprise_nomination}": "1",
            f"citation-{enterprise_nomination}": "加氢催化剂国产化",
            f"rank-{person_nomination}": "",
        },
        follow_redirects=False,
    )
    assert published.status_code == 303
    with transaction():
        final = honours.get(SYSTEM, list_id)
    assert final.status is HonourListStatus.PUBLISHED
    assert [len(r.scores) for r in final.review_rounds] == [2, 1]

    # The public sees the published entry only: not the other nominee, no reviewers, no scores.
    public = TestClient(client.app)
    page = public.get(f"/honours/{list_id}").text
    assert "甲化工（演示）" in page
    assert "加氢催化剂国产化" in page
    assert "李四" not in page
    body = public.get(f"/api/v1/honours/{list_id}").json()
    assert [n["nominee_name"] for n in body["nominations"]] == ["甲化工（演示）"]
    assert all(r["scores"] == [] and r["reviewer_expert_ids"] == [] for r in body["review_rounds"])


def test_nomination_is_refused_outside_the_region_and_after_nominations_close(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "op_a")
    created = client.post(
        "/operator/honours",
        data={
            "csrf_token": token,
            "kind": "pioneering_technologies",
            "year": "2030",
            "title": "先导技术榜",
        },
        follow_redirects=False,
    )
    list_id = _location_id(created, "/operator/honours/")
    outsider = TestClient(client.app)
    outsider_token = sign_in(outsider, "ent_b")
    refused = outsider.post(
        f"/honours/{list_id}/nominate",
        data={"csrf_token": outsider_token, "nominee_name": "某人", "reason": "理由"},
    )
    assert refused.status_code == 403
    with transaction():
        assert honours.get(SYSTEM, list_id).nominations == []


def test_honour_list_pages_send_no_query_per_list(client: TestClient, web_world: WebWorld) -> None:
    """Statements for the operator's lists and the reviewer's page with one list under review,
    then with thirteen: the count must not grow with the lists shown (children load in batches)."""
    from test_query_budgets import StatementCounter  # noqa: PLC0415 - the budgets' own counter

    def add_lists(count: int) -> None:
        with transaction():
            for i in range(count):
                created = honours.create(
                    SYSTEM,
                    HonourList(
                        kind=HonourListKind.EMERGING_ENTERPRISES,
                        year=2030,
                        title=f"榜单{i}",
                        region_id=web_world.region_a,
                    ),
                )
                nominated = honours.nominate(
                    SYSTEM,
                    created.id or 0,
                    Nomination(
                        nominee_kind=NomineeKind.ORGANISATION,
                        nominee_id=web_world.enterprise_a,
                        nominee_name="甲化工（演示）",
                    ),
                )
                honours.open_round(SYSTEM, nominated.id or 0, 1, [web_world.expert_a])

    operator = client
    sign_in(operator, "op_a")
    reviewer = TestClient(client.app)
    sign_in(reviewer, "exp_a")
    counter = StatementCounter(str(client.app.state.settings.database_url))  # type: ignore[attr-defined]

    def count(browser: TestClient, path: str) -> int:
        with counter.counting():
            assert browser.get(path).status_code == 200
        return counter.count

    add_lists(1)
    before = (count(operator, "/operator/honours"), count(reviewer, "/expert/reviews"))
    add_lists(12)
    after = (count(operator, "/operator/honours"), count(reviewer, "/expert/reviews"))
    assert min(before) > 0
    assert after == before
    assert reviewer.get("/expert/reviews").text.count('data-testid="review-') == 13


def test_an_admin_chooses_the_region_and_errors_come_in_english(
    client: TestClient, web_world: WebWorld
) -> None:
    token = sign_in(client, "admin")
    form = client.get("/operator/events/new")
    assert 'name="region_id"' in form.text
    client.cookies.set("lang", "en")
    client.get("/?lang=en")
    backwards = _plan(client, token, region_id=str(web_world.region_b), ends_on="2030-05-01")
    assert backwards.status_code == 422
    assert "the end date is before the start date" in backwards.text
    assert "Check the dates" in backwards.text
    created = _plan(client, token, region_id=str(web_world.region_b))
    assert created.status_code == 303
    with transaction():
        event = events.get(SYSTEM, _location_id(created, "/operator/events/"))
    assert event.region_id == web_world.region_b
