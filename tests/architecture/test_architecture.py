"""Rules of the house that a test can hold: every public service function has a permission rule,
every setting is documented, every vocabulary member has a Chinese and an English label."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
from enum import StrEnum
from pathlib import Path
from types import ModuleType

import kechuang.domain
import kechuang.services
from kechuang.config import Settings
from kechuang.domain.vocab import labels_of
from kechuang.services import policy

REPO = Path(__file__).resolve().parents[2]
INFRASTRUCTURE = frozenset({"context", "policy", "hooks", "batch"})
"""Service-layer plumbing: no actor, no data access of its own."""


def _modules(package: ModuleType) -> list[ModuleType]:
    return [
        importlib.import_module(f"{package.__name__}.{info.name}")
        for info in pkgutil.iter_modules(package.__path__)
        if not info.name.startswith("_")
    ]


def _service_functions() -> list[tuple[str, object]]:
    found = []
    for module in _modules(kechuang.services):
        short = module.__name__.rsplit(".", 1)[1]
        if short in INFRASTRUCTURE:
            continue
        exempt = set(getattr(module, "__plumbing__", ()))
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ != module.__name__ or name.startswith("_") or name in exempt:
                continue
            found.append((f"{short}.{name}", function))
    return found


def test_every_public_service_function_is_an_action_with_a_rule() -> None:
    functions = _service_functions()
    assert len(functions) > 80  # the registry really is being checked
    problems = []
    for qualified, function in functions:
        declared = getattr(function, "__kechuang_action__", None)
        if declared != qualified:
            problems.append(
                f"{qualified}: not wrapped in @action({qualified!r}) (got {declared!r})"
            )
        elif qualified not in policy.RULES:
            problems.append(f"{qualified}: no rule in kechuang.services.policy.RULES")
        else:
            parameters = list(inspect.signature(function).parameters)
            if not parameters or parameters[0] != "actor":
                problems.append(f"{qualified}: the acting user must be the first parameter")
    assert not problems, (
        "Every public service function needs @action(name) and a policy rule; pure helpers "
        "belong in a private function or in the module's __plumbing__ tuple:\n"
        + "\n".join(problems)
    )


def test_every_rule_belongs_to_a_function() -> None:
    actions = {qualified for qualified, _function in _service_functions()}
    orphans = sorted(set(policy.RULES) - actions)
    assert not orphans, f"rules without a service function: {orphans}"


def test_every_setting_is_documented() -> None:
    text = (REPO / "docs" / "settings.md").read_text("utf-8")
    missing = [name for name in Settings.model_fields if f"`KECHUANG_{name.upper()}`" not in text]
    assert not missing, f"add these settings to docs/settings.md: {missing}"
    for name, field in Settings.model_fields.items():
        assert field.description, f"setting {name} needs a description"


def _vocabularies() -> list[type[StrEnum]]:
    found: dict[str, type[StrEnum]] = {}
    for module in _modules(kechuang.domain):
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, StrEnum) and value.__module__.startswith("kechuang.domain"):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


_CJK = re.compile(r"[\u4e00-\u9fff]")


def test_every_vocabulary_member_has_chinese_and_english_labels() -> None:
    vocabularies = _vocabularies()
    assert len(vocabularies) >= 15
    problems = []
    for vocabulary in vocabularies:
        labels = labels_of(vocabulary)
        for member in vocabulary:
            zh, en = labels.get(member.value, ("", ""))
            if not _CJK.search(zh):
                problems.append(f"{vocabulary.__name__}.{member.name}: no Chinese label")
            if not en.strip() or _CJK.search(en):
                problems.append(f"{vocabulary.__name__}.{member.name}: no English label")
    assert not problems, "\n".join(problems)


def test_glossary_names_every_vocabulary() -> None:
    text = (REPO / "docs" / "glossary.md").read_text("utf-8")
    missing = [v.__name__ for v in _vocabularies() if f"`{v.__name__}`" not in text]
    assert not missing, f"add these vocabularies to docs/glossary.md: {missing}"
