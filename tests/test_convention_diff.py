"""The readable diff between two drafts of a convention: sentence by sentence, changes marked, escaped."""

from linli.deliberation.selectors_conventions import diff_html, split_sentences


def test_split_sentences_by_chinese_punctuation_and_lines():
    assert split_sentences("一、爱护公物。二、不乱扔垃圾！\n三、邻里和睦") == [
        "一、爱护公物。",
        "二、不乱扔垃圾！",
        "\n",
        "三、邻里和睦",
    ]


def test_unchanged_text_has_no_marks():
    html = diff_html("一、爱护公物。", "一、爱护公物。")
    assert "<ins" not in html and "<del" not in html
    assert "爱护公物" in html


def test_added_and_removed_sentences_are_marked():
    old = "一、爱护公物。二、不乱扔垃圾。三、晚上十点后保持安静。"
    new = "一、爱护公物。三、晚上十点后保持安静。四、电动车不进楼道。"
    html = diff_html(old, new)
    assert '<del class="diff-del">二、不乱扔垃圾。</del>' in html
    assert '<ins class="diff-ins">四、电动车不进楼道。</ins>' in html
    assert "一、爱护公物。" in html


def test_a_small_change_in_a_sentence_marks_only_the_change():
    html = diff_html("晚上十点后保持安静。", "晚上九点后保持安静。")
    assert '<del class="diff-del">十</del><ins class="diff-ins">九</ins>' in html


def test_markup_in_the_text_is_escaped():
    html = diff_html("甲。", "甲。<script>alert(1)</script>")
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
