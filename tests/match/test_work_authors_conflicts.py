"""Co-authorship by a shared author name: the pure rule, and services.matching on a real database
(the demanding enterprise's person is on a candidate's byline -> the candidate is excluded)."""

from __future__ import annotations

import pytest

from kechuang.domain import (
    Actor,
    Demand,
    DemandStatus,
    Expert,
    Organisation,
    OrganisationKind,
    Region,
    Work,
)
from kechuang.match.conflicts import Byline, ConflictReason, author_key, shared_authors
from kechuang.services import demands, experts, matching, organisations, regions, transaction

SYSTEM = Actor.system("test")


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("张三", "张 三"),
        ("Zhang, San", "san zhang"),
        ("Zhang-San Li", "li zhang san"),
        ("ＺＨＡＮＧ San", "Zhang San"),
    ],
)
def test_author_key_folds_byline_spellings(left: str, right: str) -> None:
    assert author_key(left) == author_key(right)


@pytest.mark.parametrize(
    ("left", "right"), [("张三", "张山"), ("S. Zhang", "San Zhang"), ("", "x")]
)
def test_author_key_keeps_different_names_apart(left: str, right: str) -> None:
    assert author_key(left) != author_key(right) or not author_key(left)


def test_shared_authors_both_directions_with_the_name_as_evidence() -> None:
    party = [Byline(names=("王工", "Wang Gong"), authors=("王工", "Li, Ming"))]
    candidates = {
        "e1": Byline(names=("赵工",), authors=("赵工", "王 工")),  # party person on e1's byline
        "e2": Byline(names=("Ming Li",), authors=()),  # e2 on the party person's byline
        "e3": Byline(names=("孙工",), authors=("孙工", "王公")),  # a different name
        "e4": Byline(names=("",), authors=("",)),  # nothing to compare
    }
    found = shared_authors(party, candidates)
    assert {(c.expert_id, c.because_of) for c in found} == {
        ("e1", "author:王工"),
        ("e2", "author:Li, Ming"),
    }
    assert all(c.reason is ConflictReason.CO_AUTHORSHIP for c in found)


def test_demand_match_excludes_a_coauthor_by_name(database_url: str) -> None:
    with transaction():
        region = regions.create(SYSTEM, Region(name="兰州新区", kind="new_area")).id
        assert region is not None
        enterprise = organisations.create(
            SYSTEM,
            Organisation(kind=OrganisationKind.ENTERPRISE, name="甲淀粉厂", region_id=region),
        ).id
        experts.create(
            SYSTEM,
            Expert(
                name="王工",
                region_id=region,
                affiliation_id=enterprise,
                works=[Work(kind="paper", title="厂内技术报告", authors=["王工"])],
            ),
        )
        ids = {}
        for name, authors in (("张工", ["张工", "王 工"]), ("赵工", ["赵工", "王公"])):
            created = experts.create(
                SYSTEM,
                Expert(
                    name=name,
                    region_id=region,
                    works=[
                        Work(
                            kind="paper",
                            title=f"马铃薯淀粉废水处理（{name}）",
                            abstract="厌氧处理马铃薯淀粉加工废水",
                            authors=authors,
                        )
                    ],
                ),
            )
            ids[name] = f"expert:{created.id}"
        demand = demands.create(
            SYSTEM,
            Demand(
                region_id=region,
                enterprise_id=enterprise,
                title="马铃薯淀粉加工废水处理",
                status=DemandStatus.PUBLISHED,
            ),
        ).id
        assert demand is not None
        index = matching.build_index(SYSTEM, lexical_only=True)
        result = matching.match_demand(SYSTEM, index, demand, kind="expert", k=5)
    recommended = [hit.entity_id for hit in result.hits]
    assert ids["张工"] not in recommended
    assert ids["赵工"] in recommended
    [conflict] = result.conflicts[ids["张工"]]
    assert conflict.reason is ConflictReason.CO_AUTHORSHIP
    assert conflict.because_of == "author:王工"
