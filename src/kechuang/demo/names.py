"""Fictional names for demo people and companies, drawn from a seeded random generator.

Company brands are poetic two-character words chosen to read as invented, and every company name
ends in "（演示）" so that no demo company can pass for a real one in any list or search result.
People's names are ordinary Chinese names; they are marked as fictional in their profiles.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

DEMO_SUFFIX = "（演示）"

_BRAND_FIRST = "星云砚鹤青澜桐溪禾琅霁岚曜沐棠栖汀逸槎墨渚翎麓瀚珩玦筠蘅葳朔璞昀"
_BRAND_SECOND = "槎篆川汀鸾屿岫澈晞珀翊芷渊璟岑霖瑭珞泓澄旻翼峤湄蔚漪珈琮"

_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
)
_GIVEN_FIRST = "建晓志文海明国秀立永佳子雨思欣俊宏春玉丽红伟振天学雪新瑞嘉博雅家"
_GIVEN_SECOND = "华平军峰强勇杰斌涛辉敏静丽娟燕霞琳婷颖超宇鹏飞磊刚阳洁萍凯航晨"

_PINYIN_INITIALS = "abcdefghjklmnpqrstwxyz"


def company_brands(rng: random.Random) -> Iterator[str]:
    """Yield distinct two-character brand words in a seeded order, never repeating one."""
    brands = [a + b for a in _BRAND_FIRST for b in _BRAND_SECOND if a != b]
    rng.shuffle(brands)
    yield from brands


def person_names(rng: random.Random) -> Iterator[str]:
    """Yield distinct two- or three-character Chinese names in a seeded order."""
    three = [s + a + b for s in _SURNAMES for a in _GIVEN_FIRST for b in _GIVEN_SECOND]
    two = [s + b for s in _SURNAMES for b in _GIVEN_SECOND]
    rng.shuffle(three)
    rng.shuffle(two)
    # Roughly one name in six is a two-character name, as in the population.
    three_iter, two_iter = iter(three), iter(two)
    while True:
        if rng.random() < 0.17:
            yield next(two_iter)
        else:
            yield next(three_iter)


def company_name(brand: str, industry_word: str) -> str:
    """A company name such as "星槎精细化工有限公司（演示）"."""
    return f"{brand}{industry_word}有限公司{DEMO_SUFFIX}"
