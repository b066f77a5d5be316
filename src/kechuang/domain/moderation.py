"""SEO spam and link-farm detection for user submissions (pure, no I/O).

Regional news and government sites are attacked by injecting gambling, adult or pharma spam and
link farms into user-editable text (the page the Lanzhou report was copied from carried such a
title). The services hold a submission the detector flags for operator review instead of
publishing it. The detector scores typical patterns and explains each hit, so an operator sees
*why* a record was held; a single weak signal never flags a text on its own, which keeps the
region's ordinary technical prose (URLs of universities, repeated technical terms) publishable.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from kechuang.domain.textfold import fold

THRESHOLD = 3
"""A text is held when its score reaches this."""

# Spam vocabulary: each hit is strong evidence on its own (score 2); two hits flag a text.
_SPAM_TERMS_ZH = (
    # gambling
    "博彩",
    "赌场",
    "百家乐",
    "六合彩",
    "时时彩",
    "老虎机",
    "真人荷官",
    "娱乐城",
    "澳门赌",
    "彩票平台",
    "网上赌",
    "棋牌游戏",
    "赌球",
    "下注",
    "开户送",
    "注册送",
    "彩金",
    "威尼斯人",
    "葡京",
    "太阳城",
    "菠菜",
    # adult
    "色情",
    "成人视频",
    "成人电影",
    "av在线",
    "一夜情",
    "约炮",
    "裸聊",
    "黄色网站",
    "援交",
    "上门服务",
    "小姐服务",
    # pharma and grey trade
    "伟哥",
    "壮阳",
    "春药",
    "迷药",
    "代孕",
    "办证",
    "刻章",
    "发票代开",
    "代开发票",
    "私家侦探",
    "网贷秒批",
    "套现",
    "枪支",
    "仿真枪",
    # SEO service spam
    "快速排名",
    "seo优化",
    "黑帽",
    "蜘蛛池",
    "外链代发",
    "刷排名",
)
_SPAM_TERMS_EN = (
    "casino",
    "baccarat",
    "roulette",
    "slot machine",
    "online slots",
    "poker online",
    "sports betting",
    "betting tips",
    "jackpot",
    "free spins",
    "porn",
    "xxx",
    "escort service",
    "adult video",
    "hookup",
    "viagra",
    "cialis",
    "levitra",
    "pharmacy online",
    "online pharmacy",
    "no prescription",
    "payday loan",
    "replica watches",
    "buy followers",
    "seo service",
    "backlinks",
    "crypto giveaway",
)
_SPAM_PATTERNS = [re.compile(re.escape(term), re.IGNORECASE) for term in _SPAM_TERMS_ZH] + [
    re.compile(r"(?<![a-z])" + re.escape(term) + r"(?![a-z])", re.IGNORECASE)
    for term in _SPAM_TERMS_EN
]

_URL = re.compile(r"(?:https?://|www\.)[^\s<>\"'）)]+", re.IGNORECASE)
_SHORTENERS = (
    "bit.ly",
    "t.cn",
    "tinyurl.com",
    "goo.gl",
    "is.gd",
    "ow.ly",
    "t.co",
    "dwz.cn",
    "url.cn",
    "suo.im",
    "buff.ly",
    "rebrand.ly",
    "cutt.ly",
    "shorturl.at",
    "tiny.cc",
)
_SPAM_TLDS = (".xyz", ".top", ".vip", ".bet", ".casino", ".club", ".icu", ".win", ".loan", ".porn")
_HIDDEN = re.compile(
    r"display\s*:\s*none|visibility\s*:\s*hidden|font-size\s*:\s*0|opacity\s*:\s*0(?![.\d])"
    r"|text-indent\s*:\s*-\d{3,}|left\s*:\s*-\d{3,}px|position\s*:\s*absolute[^\"']*-\d{3,}"
    r"|[\u200b\u200c\u200d\u2060\ufeff]{2,}",
    re.IGNORECASE,
)
_ANCHOR = re.compile(r"<\s*a\s[^>]*href", re.IGNORECASE)
_CONTACT_BAIT = re.compile(
    r"(?:加|\+)\s*(?:微信|vx|wx|qq|v信|扣扣)\s*[:：]?\s*[a-z0-9_-]{5,}"
    r"|(?:whatsapp|telegram)\s*[:：]?\s*\+?[\d ]{7,}",
    re.IGNORECASE,
)
_WORD = re.compile(r"[a-z][a-z'-]{2,}|[\u4e00-\u9fff]{2,6}", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    """The detector's answer: the score, whether it reaches the threshold, and why."""

    score: int
    reasons: tuple[str, ...] = field(default=())

    @property
    def is_spam(self) -> bool:
        """True when the submission must be held for review."""
        return self.score >= THRESHOLD


def _host(url: str) -> str:
    host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url.lower()).split("/", 1)[0]
    return host.split(":", 1)[0]


def _stuffing(text: str) -> tuple[str, int] | None:
    """The keyword repeated far more than natural prose repeats a term, and a score (2 when it
    is a quarter of the words, 3 when half), if any."""
    words = [w.lower() for w in _WORD.findall(text)]
    if len(words) < 12:
        return None
    word, count = Counter(words).most_common(1)[0]
    share = count / len(words)
    if count >= 8 and share >= 0.25:
        return word, 3 if share >= 0.5 else 2
    return None


def check(texts: Iterable[str] | str) -> Verdict:
    """Score user text (one string or the record's text fields) for spam and link farms.

    The text is folded first (full-width -> half-width, traditional -> simplified,
    :func:`kechuang.domain.textfold.fold`): the vocabulary is simplified, and the spam injected
    into the Lanzhou report's page was in traditional characters."""
    parts = [fold(texts)] if isinstance(texts, str) else [fold(t) for t in texts if t]
    text = "\n".join(parts)
    score = 0
    reasons: list[str] = []
    terms = sorted({m.group(0).lower() for p in _SPAM_PATTERNS for m in p.finditer(text)})
    if terms:
        score += 2 * len(terms)
        reasons.append("spam vocabulary: " + ", ".join(terms[:5]))
    urls = _URL.findall(text)
    hosts = {_host(u) for u in urls}
    if len(urls) >= 3:
        score += 1 + (len(urls) >= 6) + (len(urls) >= 10)
        reasons.append(f"{len(urls)} links")
    short = sorted(h for h in hosts if h in _SHORTENERS)
    if short:
        score += 2
        reasons.append("URL shortener: " + ", ".join(short))
    odd_tlds = sorted(h for h in hosts if h.endswith(_SPAM_TLDS))
    if odd_tlds:
        score += 1
        reasons.append("spam-prone domain: " + ", ".join(odd_tlds[:3]))
    if _HIDDEN.search(text):
        score += 3
        reasons.append("hidden-text trick")
    anchors = len(_ANCHOR.findall(text))
    if anchors >= 2:
        score += 2
        reasons.append(f"{anchors} HTML links")
    if _CONTACT_BAIT.search(text):
        score += 1
        reasons.append("contact bait (WeChat/QQ/Telegram id)")
    stuffed = _stuffing(text)
    if stuffed is not None:
        score += stuffed[1]
        reasons.append(f"keyword stuffing: {stuffed[0]!r}")
    return Verdict(score, tuple(reasons))


def check_fields(record: Mapping[str, object], fields: Iterable[str]) -> Verdict:
    """Check the named text fields of a record (strings and lists of strings)."""
    texts: list[str] = []
    for name in fields:
        value = record.get(name)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list | tuple):
            texts.extend(str(item) for item in value)
    return check(texts)


def flagged_spans(text: str) -> list[tuple[int, int]]:
    """The ``(start, end)`` character spans of ``text`` the detector's signals point at (spam
    vocabulary, links, hidden-text tricks, HTML links, contact bait, the stuffed keyword), merged
    and sorted, for showing an operator *what* was flagged. Matched on the folded text, so a
    traditional-character term is marked where it stands; when folding changes the text's
    length the spans refer to the folded text (:func:`highlight` then shows that)."""
    folded = fold(text, phrases=None)
    spans: list[tuple[int, int]] = []
    patterns: list[re.Pattern[str]] = [*_SPAM_PATTERNS, _URL, _HIDDEN, _ANCHOR, _CONTACT_BAIT]
    stuffed = _stuffing(folded)
    if stuffed is not None:
        patterns.append(re.compile(re.escape(stuffed[0]), re.IGNORECASE))
    for pattern in patterns:
        spans.extend(
            match.span() for match in pattern.finditer(folded) if match.end() > match.start()
        )
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def highlight(text: str) -> list[tuple[str, bool]]:
    """``text`` cut into ``(piece, flagged)`` parts, in order (``"".join`` of the pieces is the
    text, or its folded form when folding changed its length)."""
    folded = fold(text, phrases=None)
    shown = text if len(folded) == len(text) else folded
    parts: list[tuple[str, bool]] = []
    position = 0
    for start, end in flagged_spans(text):
        if start > position:
            parts.append((shown[position:start], False))
        parts.append((shown[start:end], True))
        position = end
    if position < len(shown) or not parts:
        parts.append((shown[position:], False))
    return parts
