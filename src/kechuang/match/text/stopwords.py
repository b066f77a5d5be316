"""Stopwords for Chinese and English.

The Chinese list is deliberately short (function words only): longer published lists drop words
such as 促进, 加强 or 中小 that carry meaning in technology demands.
"""

from __future__ import annotations


def _words(block: str) -> frozenset[str]:
    """Whitespace-separated words of a literal block (keeps the lists readable)."""
    return frozenset(block.split())


STOPWORDS_ZH: frozenset[str] = _words(
    """
    的 了 和 与 及 或 等 在 是 为 对 以 于 从 由 被 把 将 其 之 而 并 且 也 都 就 又 还 则 即
    这 那 这些 那些 这个 那个 这种 该 此 其中 其他 其它 各 每 某 一个 一种 一些 一下 有 有的
    我 我们 你 你们 他 他们 她 它 它们 自己 本 本文 文章 研究 方法 提出 基于 通过 利用 采用 进行
    可以 能够 可 能 会 要 需要 应 应该 已 已经 正在 所 所以 因为 因此 但 但是 然而 如果 虽然
    不 没有 非常 很 更 最 较 比较 更加 以及 以上 以下 之间 之后 之前 方面 问题 结果 表明 显示
    具有 使 使得 得到 对于 关于 根据 按照 作为 如何 什么 哪些 是否 其次 首先 最后 同时 另外
    上 下 中 内 外 个 些 种 次 们 吗 呢 吧 啊 着 过 给 向 往 到 把 让 被 比 跟 同 至 至于
    """
)

STOPWORDS_EN: frozenset[str] = _words(
    """
    a about above after again against all am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further
    had has have having he her here hers herself him himself his how i if in into is it its itself
    just me more most my myself no nor not now of off on once only or other our ours ourselves out
    over own same she should so some such than that the their theirs them themselves then there
    these they this those through to too under until up very was we were what when where which
    while who whom why will with would you your yours yourself yourselves also via using use used
    based paper propose proposed show shows present approach method methods new however thus
    et al eg ie e.g i.e etc
    """
)
