"""Languages of the web UI: gettext catalogues, locale choice and local formats.

The catalogues are the ``.po`` files under ``web/translations/``; they are compiled to gettext
objects in memory when the app starts (Babel's ``read_po`` + ``write_mo``), so a fresh clone needs
no build step and a stale ``.mo`` can never be served. zh-CN is the default; English is chosen with
``?lang=en`` (remembered in a cookie).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Literal

from babel import Locale
from babel.dates import format_date as babel_format_date
from babel.dates import format_datetime as babel_format_datetime
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations


class Language(StrEnum):
    """The UI languages; the value is the code used in URLs, cookies and ``<html lang>``."""

    ZH = "zh-CN"
    EN = "en"

    @property
    def babel_locale(self) -> str:
        """The Babel/gettext locale name for this language."""
        return {"zh-CN": "zh_CN", "en": "en"}[self.value]

    @property
    def short(self) -> Literal["zh", "en"]:
        """The two-letter code the domain layer uses for bilingual labels and messages."""
        return "zh" if self is Language.ZH else "en"

    @property
    def other(self) -> Language:
        """The language the switch in the header offers."""
        return Language.EN if self is Language.ZH else Language.ZH


DEFAULT_LANGUAGE = Language.ZH
LANG_COOKIE = "kc_lang"
LANG_QUERY = "lang"


def parse_language(value: str | None) -> Language | None:
    """Read a language code from a query string or cookie; ``None`` when it is not one of ours."""
    if not value:
        return None
    normalised = value.strip().replace("_", "-").lower()
    if normalised in {"zh", "zh-cn", "zh-hans", "cn"}:
        return Language.ZH
    if normalised in {"en", "en-us", "en-gb"}:
        return Language.EN
    return None


def _catalogue_text(language: Language) -> bytes | None:
    folder = resources.files("kechuang.web").joinpath("translations")
    po = folder.joinpath(language.babel_locale, "LC_MESSAGES", "messages.po")
    if not po.is_file():
        return None
    return po.read_bytes()


@cache
def translations(language: Language) -> Translations:
    """The compiled catalogue of ``language`` (compiled once per process from its ``.po``)."""
    text = _catalogue_text(language)
    if text is None:
        return Translations()
    catalog = read_po(io.BytesIO(text), locale=language.babel_locale)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled)


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    """Mark ``message`` for extraction without translating it yet (translated when shown)."""
    return message


def gettext(language: Language, message: str) -> str:
    """Translate ``message`` (an English msgid) into ``language``."""
    return str(translations(language).gettext(message))


def ngettext(language: Language, singular: str, plural: str, count: int) -> str:
    """Translate a message that depends on a count."""
    return str(translations(language).ngettext(singular, plural, count))


def _locale(language: Language) -> Locale:
    return Locale.parse(language.babel_locale)


def format_date(language: Language, value: dt.date | None) -> str:
    """A date as people in ``language`` write it (``2024年8月27日`` / ``Aug 27, 2024``)."""
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        return str(babel_format_datetime(value, format="medium", locale=_locale(language)))
    return str(babel_format_date(value, format="medium", locale=_locale(language)))


def format_money(
    language: Language, amount: Decimal | int | float | None, currency: str = "CNY"
) -> str:
    """An amount of money in local format (``¥1,200,000.00`` / ``CN¥1,200,000.00``)."""
    if amount is None:
        return "—"
    return str(format_currency(amount, currency, locale=_locale(language)))


def format_number(language: Language, value: int | float | Decimal | None) -> str:
    """A number with local grouping."""
    if value is None:
        return "—"
    return str(format_decimal(value, locale=_locale(language)))
