"""The rubric judge built on coach.llm, driven over real HTTP to the loopback fake."""

from __future__ import annotations

from fake_openai import FakeOpenAI, Reply

from coach.llm import ModelSpec
from coach.runtime.judge import make_judge
from graders.context import GradeContext
from graders.registry import CheckSpec, grade_check

RUBRIC = CheckSpec.from_dict({"grader": "rubric", "rubric": "Polite and names the refund amount."})


def test_a_judge_reply_grades_a_rubric_check(fake: FakeOpenAI) -> None:
    fake.queue(
        Reply(
            text='```json\n{"score": 0.9, "passed": true, "reason": "Polite, amount named."}\n```'
        )
    )
    judge = make_judge(ModelSpec.of("openai/judge", api_base=fake.base_url))
    result = grade_check("We have refunded £38.50. Sorry!", RUBRIC, GradeContext(judge=judge))
    assert (result.passed, result.unscored, result.score) == (True, False, 0.9)
    sent = fake.chat_requests[0].body
    assert "Polite and names the refund amount." in str(sent)
    assert "We have refunded £38.50." in str(sent)


def test_a_garbage_judge_reply_is_unscored_not_failed(fake: FakeOpenAI) -> None:
    fake.queue(Reply(text="I think it is quite good overall."))
    judge = make_judge(ModelSpec.of("openai/judge", api_base=fake.base_url))
    result = grade_check("Anything.", RUBRIC, GradeContext(judge=judge))
    assert result.unscored and not result.passed


def test_a_judge_that_cannot_connect_is_unscored(closed_port: int) -> None:
    judge = make_judge(ModelSpec.of("openai/judge", api_base=f"http://127.0.0.1:{closed_port}/v1"))
    result = grade_check("Anything.", RUBRIC, GradeContext(judge=judge))
    assert result.unscored
