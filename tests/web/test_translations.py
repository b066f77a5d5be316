"""Every UI label comes from the catalogues, and every msgid has its Chinese translation."""

from __future__ import annotations

import re

from kechuang.web import catalogue, i18n
from kechuang.web.templating import TEMPLATES_DIR


def test_every_msgid_is_translated_into_chinese() -> None:
    translations = catalogue.translations_of("zh_CN")
    missing = sorted(msgid for msgid in catalogue.extract() if not translations.get(msgid))
    assert missing == [], f"run `python -m kechuang.web.catalogue` and translate: {missing}"


def test_catalogue_has_no_stale_entries() -> None:
    stale = set(catalogue.translations_of("zh_CN")) - set(catalogue.extract())
    assert stale == set(), f"run `python -m kechuang.web.catalogue` to drop: {sorted(stale)}"


def test_placeholders_survive_translation() -> None:
    for msgid, msgstr in catalogue.translations_of("zh_CN").items():
        assert set(re.findall(r"%\(\w+\)s", msgid)) == set(re.findall(r"%\(\w+\)s", msgstr)), msgid


def test_compiled_in_memory_from_the_po_files() -> None:
    assert i18n.gettext(i18n.Language.ZH, "Sign in") == "登录"
    assert i18n.gettext(i18n.Language.EN, "Sign in") == "Sign in"


def test_templates_have_no_untranslated_visible_text() -> None:
    """Text between tags must be a ``{{ _(...) }}`` call, a variable or punctuation."""
    allowed = re.compile(r"^[\s·—–→←↔…:：#%().,/|0-9-]*$|^(TRL|English|中文|API|&nbsp;)$")
    offenders = []
    for template in TEMPLATES_DIR.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        text = re.sub(
            r"\{\{.*?\}\}|\{%.*?%\}|<script.*?</script>|<style.*?</style>", " ", text, flags=re.S
        )
        for chunk in re.findall(r">([^<>]+)<", text):
            for piece in chunk.split():
                if not allowed.match(piece):
                    offenders.append(f"{template.name}: {piece}")
    assert offenders == []
