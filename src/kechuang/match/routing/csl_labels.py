"""The 67 CSL / CSLDCP disciplines and where each sits in GB/T 13745-2009.

CSL labels follow the degree catalogue (学位授予和人才培养学科目录 一级学科, some merged with a
slash); the platform classifies by GB/T 13745. This table links the two so that (a) a classifier
can learn each label from the names of its GB/T 13745 sub-disciplines (label knowledge, which
helps when only eight examples per label exist) and (b) a CSL prediction can be shown to an
operator as GB/T 13745 codes. The links are editorial, made by reading both lists: a code may be
level 1 (the whole discipline) or level 2 (a part of it).
"""

from __future__ import annotations

from kechuang.match.routing.codelists import describe, disciplines

#: CSL label -> GB/T 13745 codes it covers (level-1 or level-2 codes).
CSL_TO_GBT13745: dict[str, tuple[str, ...]] = {
    "材料科学与工程": ("430",),
    "作物学": ("21030", "21020"),
    "口腔医学": ("32044",),
    "药学": ("350",),
    "教育学": ("880",),
    "水利工程": ("570",),
    "理论经济学": (
        "79011",
        "79013",
        "79015",
        "79017",
        "79021",
        "79025",
        "79027",
        "79029",
        "79049",
        "79051",
        "79052",
    ),
    "食品科学与工程": ("550",),
    "畜牧学/兽医学": ("230",),
    "体育学": ("890",),
    "核科学与技术": ("490",),
    "力学": ("130",),
    "园艺学": ("21040",),
    "水产": ("240",),
    "法学": ("820",),
    "地质学/地质资源与地质工程": ("17050", "17030", "41030", "41065"),
    "石油与天然气工程": ("44045", "44050", "44055"),
    "农林经济管理": ("79059", "79057", "22065"),
    "信息与通信工程": ("51040", "51050", "51060", "51070"),
    "图书馆、情报与档案管理": ("870",),
    "政治学": ("810", "710"),
    "电气工程": ("47040",),
    "海洋科学": ("17060",),
    "民族学": ("850",),
    "航空宇航科学与技术": ("590",),
    "化学/化学工程与技术": ("150", "530"),
    "哲学": ("720", "730"),
    "公共卫生与预防医学": ("330",),
    "艺术学": ("760",),
    "农业工程": ("21070", "41650"),
    "船舶与海洋工程": ("58050", "41630"),
    "计算机科学与技术": ("520",),
    "冶金工程": ("450",),
    "交通运输工程": ("580",),
    "动力工程及工程热物理": ("47010", "47020", "47030", "47035", "480"),
    "纺织科学与工程": ("540",),
    "建筑学": ("56010", "56040"),
    "环境科学与工程": ("610",),
    "公共管理": ("63044", "63045", "81030", "33081"),
    "数学": ("110",),
    "物理学": ("140",),
    "林学/林业工程": ("220",),
    "心理学": ("190",),
    "历史学": ("770", "780"),
    "工商管理": ("63040", "63055", "79037", "79039", "79033"),
    "应用经济学": (
        "79031",
        "79035",
        "79045",
        "79047",
        "79055",
        "79063",
        "79071",
        "79073",
        "79075",
        "79019",
        "91030",
    ),
    "中医学/中药学": ("360",),
    "天文学": ("160",),
    "机械工程": ("460",),
    "土木工程": ("560",),
    "光学工程": ("41620", "51020"),
    "地理学": ("17045",),
    "农业资源利用": ("21050", "61050"),
    "生物学/生物科学与工程": ("180", "41640"),
    "兵器科学与技术": ("53520",),
    "矿业工程": ("44010", "44020", "44030", "44035", "44040", "44075"),
    "大气科学": ("17015",),
    "基础医学/临床医学": ("310", "320"),
    "电子科学与技术": ("51010", "51030", "14045"),
    "测绘科学与技术": ("420",),
    "控制科学与工程": ("41310", "51080", "12030"),
    "军事学": ("830",),
    "中国语言文学": ("740", "750"),
    "新闻传播学": ("860",),
    "社会学": ("840",),
    "地球物理学": ("17020", "17025"),
    "植物保护": ("21060",),
}


def level1_codes(label: str) -> tuple[str, ...]:
    """The GB/T 13745 level-1 disciplines a CSL label falls under (one or two)."""
    table = disciplines()
    found: dict[str, None] = {}
    for code in CSL_TO_GBT13745[label]:
        entry = table[code]
        found[entry.code if entry.level == 1 else str(entry.parent)] = None
    return tuple(found)


def label_description(label: str) -> str:
    """The label's own words and its GB/T 13745 sub-disciplines' names, as one text."""
    table = disciplines()
    parts = [label.replace("/", "；")]
    parts.extend(describe(table, code, with_notes=False) for code in CSL_TO_GBT13745[label])
    return "；".join(parts)


def label_name(label: str) -> str:
    """The label's own words as a short name (merged labels joined by the Chinese semicolon)."""
    return label.replace("/", "；")
