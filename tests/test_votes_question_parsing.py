"""The consultation form's question lines: a question alone is approve/oppose/abstain, "question: a / b" a single
choice, and a line marked 【多选】, [多选] or (as the English help says) [multiple] a multiple choice."""

import pytest

from linli.deliberation.forms_votes import parse_questions
from linli.deliberation.models.votes import QuestionKind


@pytest.mark.parametrize("mark", ["【多选】", "[多选]", "[multiple]"])
def test_each_multiple_choice_mark_is_understood(mark):
    (spec,) = parse_questions(f"{mark} 需要的帮助：搬运 / 回收")
    assert (spec.text, spec.kind, spec.choices) == ("需要的帮助", QuestionKind.MULTIPLE, ("搬运", "回收"))


def test_plain_and_single_choice_lines():
    approve, single = parse_questions("是否同意整治方案？\n\n清理时间: 周六 ／ 周日")
    assert approve.kind == QuestionKind.APPROVE and approve.text == "是否同意整治方案？"
    assert (single.kind, single.choices) == (QuestionKind.SINGLE, ("周六", "周日"))
