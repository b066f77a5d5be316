import unicodedata
from pathlib import Path

import pytest

from kechuang.match.engine import Entity, MatchIndex, Work
from kechuang.match.text import Analyzer, AnalyzerConfig


def test_traditional_and_full_width_fold_to_simplified_half_width() -> None:
    analyzer = Analyzer()
    traditional = analyzer.tokens("蘭州新區開發軟體，ＡＢＣ")
    simplified = analyzer.tokens("兰州新区开发软件，abc")
    assert traditional == simplified
    assert "软件" in simplified
    assert "abc" in simplified


def test_english_is_lower_cased_stemmed_and_stopwords_dropped() -> None:
    tokens = Analyzer().tokens("The Learning of Models for the printing")
    assert tokens == ["learn", "model", "print"]


def test_chinese_stopwords_dropped_and_search_mode_keeps_parts_and_whole() -> None:
    tokens = Analyzer().tokens("我们需要数理逻辑的专家")
    assert "的" not in tokens
    assert "我们" not in tokens
    assert {"数理", "逻辑", "数理逻辑", "专家"} <= set(tokens)


def test_user_terms_are_kept_whole_and_saved_with_the_analyser(tmp_path: Path) -> None:
    plain = Analyzer(AnalyzerConfig(domain_dictionary=False))
    assert "科创中国" not in plain.tokens("科创中国试点")
    analyzer = Analyzer(AnalyzerConfig(user_terms=("科创中国",)))
    assert "科创中国" in analyzer.tokens("科创中国试点")
    analyzer.save(tmp_path)
    loaded = Analyzer.load(tmp_path)
    assert loaded.config == analyzer.config
    assert loaded.dictionary == analyzer.dictionary
    text = "蘭州新區科創中國試點需要 battery management 专家"
    assert loaded.tokens(text) == analyzer.tokens(text)


def test_domain_dictionary_comes_from_the_shipped_code_lists() -> None:
    analyzer = Analyzer()
    assert "农产品初加工" in analyzer.dictionary or "食品制造" in analyzer.dictionary
    assert "食品制造" in analyzer.tokens("食品制造企业")


def test_empty_and_punctuation_only_texts_give_no_tokens() -> None:
    assert Analyzer().tokens("") == []
    assert Analyzer().tokens("，。！？ ... ---") == []


REFERENCE = Path("/work/shared/reference/lanzhou-new-area-2024-08-27.txt")


def test_simplified_chinese_passes_folding_unchanged() -> None:
    """tw2sp on a whole text rewrote simplified words (新增 -> 添加, 程序 -> 进程)."""
    analyzer = Analyzer()
    simplified = "新增软件功能，修改计算机程序；数据库与信息网络，打印机驱动，兰州新区科创中国"
    assert analyzer.fold(simplified) == unicodedata.normalize("NFKC", simplified)
    assert {"新增", "程序"} <= set(analyzer.tokens(simplified))
    # traditional clauses still get Taiwan phrasing folded, even next to simplified ones
    assert analyzer.fold("軟體網路，資料庫；新增程序") == "软件网络,数据库;新增程序"


def test_indexes_saved_before_phrase_folding_keep_their_analysis() -> None:
    state = Analyzer().to_dict()
    del state["config"]["traditional_phrases"]
    state["config"]["opencc_config"] = "tw2sp"
    old = Analyzer.from_dict(state)
    assert old.config.traditional_phrases is None
    assert old.fold("新增") == "添加"  # exactly what that index was built with


@pytest.mark.skipif(not REFERENCE.exists(), reason="shared reference text not present")
def test_the_lanzhou_report_in_traditional_characters_matches_simplified_profiles() -> None:
    report = REFERENCE.read_text(encoding="utf-8")
    sentence = next(line for line in report.splitlines() if "院士專家工作站" in line)
    profile = Work(
        "p",
        "院士专家工作站与协同创新基地建设，促进科技成果转化，推动兰州新区经济高质量发展",
        "工作站",
        ("station",),
    )
    unrelated = Work("u", "马铃薯淀粉加工与废水处理", "淀粉", ("starch",))
    index = MatchIndex.build(
        [profile, unrelated], [Entity("station", "organisation"), Entity("starch", "expert")]
    )
    hits = index.query(sentence, k=2)
    assert hits[0].entity_id == "station"
    assert {"院士", "工作站", "成果转化"} & set(hits[0].matched_terms)
    assert "starch" not in {hit.entity_id for hit in hits}


def test_explanations_show_the_query_words_not_stems() -> None:
    work = Work("w", "Manufacturers of membrane electrodes", "MEA", ("e",))
    index = MatchIndex.build([work], [Entity("e", "expert")])
    hit = index.query("membranes for manufacturing", k=1)[0]
    assert set(hit.matched_terms) == {"membranes", "manufacturing"}
    assert set(hit.works[0].matched_terms) == {"membranes", "manufacturing"}
    assert Analyzer().surface_map("Running runners") == {"run": "running", "runner": "runners"}
