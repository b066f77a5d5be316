from pathlib import Path

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
