"""Domain: validation with bilingual errors, the code lists, the credit-code checksum, the
docking state machine and the vocabularies."""

from __future__ import annotations

import pytest

from kechuang.domain import (
    Conflict,
    Demand,
    DockingStage,
    Organisation,
    OrganisationKind,
    TransferMode,
    User,
    ValidationError,
    codes,
    label,
)
from kechuang.domain.common import validate
from kechuang.domain.docking import TRANSITIONS, check_transition
from kechuang.domain.vocab import parse_member

# A real, published unified social credit code (the check character is the last one).
VALID_CREDIT_CODE = "91350100M000100Y43"


def test_code_lists_ship_with_the_package_and_have_hierarchy() -> None:
    industries = codes.industries()
    disciplines = codes.disciplines()
    assert len(industries) > 1500
    assert len(disciplines) > 3000
    assert codes.industry_name("2614") == "有机化学原料制造"
    assert codes.ancestors("2614", industries) == ["261", "26", "C"]
    assert codes.is_discipline("110")
    assert not codes.is_industry("9999")


def test_credit_code_checksum_accepts_valid_and_rejects_any_single_change() -> None:
    assert codes.is_credit_code(VALID_CREDIT_CODE)
    # Changing the check character, or any earlier character, must break the checksum.
    for position in range(18):
        original = VALID_CREDIT_CODE[position]
        replacement = "1" if original != "1" else "2"
        mutated = VALID_CREDIT_CODE[:position] + replacement + VALID_CREDIT_CODE[position + 1 :]
        assert not codes.is_credit_code(mutated), mutated
    assert not codes.is_credit_code(VALID_CREDIT_CODE[:17])
    assert not codes.is_credit_code(VALID_CREDIT_CODE.replace("M", "I"))  # I is not in the alphabet


def test_validation_errors_name_row_field_problem_and_fix_in_both_languages() -> None:
    with pytest.raises(ValidationError) as caught:
        validate(
            Organisation,
            {"kind": "enterprise", "name": "甲", "credit_code": "123", "industry_codes": ["x"]},
            row=7,
        )
    error = caught.value
    fields = {detail.field for detail in error.details}
    assert fields == {"credit_code", "industry_codes"}
    assert all(detail.row == 7 for detail in error.details)
    zh = "\n".join(error.lines("zh"))
    en = "\n".join(error.lines("en"))
    assert "第 7 行" in zh
    assert "统一社会信用代码" in zh
    assert "营业执照" in zh
    assert "row 7" in en
    assert "credit code" in en
    assert "business licence" in en


def test_missing_and_mistyped_fields_are_reported_each() -> None:
    with pytest.raises(ValidationError) as caught:
        validate(Demand, {"region_id": "abc", "title": "x"})
    by_field = {detail.field: detail for detail in caught.value.details}
    assert set(by_field) == {"region_id", "enterprise_id", "title"}
    assert by_field["enterprise_id"].problem_zh == "缺少必填项"
    assert "整数" in by_field["region_id"].problem_zh


def test_lab_level_is_required_for_labs_only() -> None:
    with pytest.raises(ValidationError):
        validate(Organisation, {"kind": "laboratory", "name": "实验室"})
    with pytest.raises(ValidationError):
        validate(Organisation, {"kind": "enterprise", "name": "甲", "lab_level": "national"})
    lab = validate(
        Organisation, {"kind": "laboratory", "name": "实验室", "lab_level": "provincial"}
    )
    assert lab.kind is OrganisationKind.LABORATORY


def test_user_bindings_follow_the_role() -> None:
    with pytest.raises(ValidationError):
        validate(User, {"username": "ent", "role": "enterprise_member", "region_id": 1})
    with pytest.raises(ValidationError):
        validate(User, {"username": "exp", "role": "expert", "region_id": 1})
    admin = validate(User, {"username": "root", "role": "national_admin"})
    assert admin.region_id is None


@pytest.mark.parametrize("current", list(DockingStage))
@pytest.mark.parametrize("target", list(DockingStage))
def test_docking_transition_table(current: DockingStage, target: DockingStage) -> None:
    order = [
        DockingStage.PROPOSED,
        DockingStage.CONTACTED,
        DockingStage.MEETING,
        DockingStage.NEGOTIATING,
        DockingStage.SIGNED,
        DockingStage.DELIVERED,
    ]
    finished = current in (DockingStage.DELIVERED, DockingStage.CLOSED)
    expected = not finished and (
        target is DockingStage.CLOSED
        or (current in order and order.index(target) == order.index(current) + 1)
        if target in order or target is DockingStage.CLOSED
        else False
    )
    assert (target in TRANSITIONS[current]) is expected
    if expected:
        check_transition(current, target)
    else:
        with pytest.raises(Conflict) as caught:
            check_transition(current, target)
        assert label(current, "zh") in str(caught.value)


def test_labels_and_parsing_in_both_languages() -> None:
    assert label(TransferMode.EQUITY, "zh") == "作价入股"
    assert label(TransferMode.EQUITY, "en") == "Equity investment"
    assert parse_member(TransferMode, "许可") is TransferMode.LICENCE
    assert parse_member(TransferMode, "licence") is TransferMode.LICENCE
    assert parse_member(TransferMode, "LICENCE") is TransferMode.LICENCE
    with pytest.raises(ValueError, match="赠与"):
        parse_member(TransferMode, "赠与")
