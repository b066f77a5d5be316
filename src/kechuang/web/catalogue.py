"""Keep the translation catalogues in step with the code.

``extract()`` finds every msgid in the templates (``_("…")``) and the web package's Python
(``gettext(language, "…")``, ``N_("…")``); ``python -m kechuang.web.catalogue`` rewrites
``translations/<locale>/LC_MESSAGES/messages.po`` with those msgids, keeping every existing
translation, so a translator only fills in the empty ``msgstr`` entries. A test fails while any
msgid lacks its Chinese translation.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

WEB_DIR = Path(__file__).resolve().parent
LOCALES = ("zh_CN", "en")
METHOD_MAP = [("templates/**.html", "jinja2.ext:babel_extract"), ("**.py", "python")]
OPTIONS_MAP = {"templates/**.html": {"extensions": "jinja2.ext.i18n"}}
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "_t": (2,),
    "gettext": (2,),
    "ngettext": (2, 3),
    "N_": None,
}
EXTRA_MSGIDS = ("The form was incomplete. Go back and try again.",)
"""Msgids used outside the web package (the app factory's error mapping)."""


def extract() -> dict[str, list[tuple[str, int]]]:
    """Every msgid with the places it is used."""
    found: dict[str, list[tuple[str, int]]] = {}
    for filename, lineno, message, _comments, _context in extract_from_dir(
        WEB_DIR, METHOD_MAP, options_map=OPTIONS_MAP, keywords=KEYWORDS
    ):
        text = message[0] if isinstance(message, tuple) else message
        if text:
            found.setdefault(text, []).append((filename, lineno))
    for text in EXTRA_MSGIDS:
        found.setdefault(text, [("../app.py", 0)])
    return found


def po_path(locale: str) -> Path:
    """The ``.po`` file of ``locale``."""
    return WEB_DIR / "translations" / locale / "LC_MESSAGES" / "messages.po"


def translations_of(locale: str) -> dict[str, str]:
    """msgid → msgstr of the current catalogue."""
    path = po_path(locale)
    if not path.is_file():
        return {}
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return {str(m.id): str(m.string) for m in catalog if m.id and isinstance(m.id, str)}


def update() -> dict[str, int]:
    """Rewrite each catalogue with the current msgids; return untranslated counts per locale."""
    found = extract()
    untranslated: dict[str, int] = {}
    stamp = dt.datetime(2026, 11, 29, tzinfo=dt.UTC)
    for locale in LOCALES:
        existing = translations_of(locale)
        catalog = Catalog(
            locale=locale,
            project="kechuang",
            version="0.1",
            copyright_holder="Kechuang contributors",
            creation_date=stamp,
            revision_date=stamp,
            fuzzy=False,
        )
        for msgid in sorted(found):
            flags = ("python-format",) if "%(" in msgid else ()
            catalog.add(msgid, existing.get(msgid, ""), locations=found[msgid][:3], flags=flags)
        path = po_path(locale)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            write_po(handle, catalog, width=100, sort_output=True)
        untranslated[locale] = sum(1 for msgid in found if not existing.get(msgid))
    return untranslated


if __name__ == "__main__":
    for name, missing in update().items():
        print(f"{name}: {missing} untranslated")  # noqa: T201 - a maintenance command's output
