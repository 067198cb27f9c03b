"""The multi-step kinds through the TUI: edit, run on the loopback fake, judge, feedback."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import tomli_w
from fake_openai import Reply, Slow, ToolCalls
from textual.widgets import Collapsible, Static, TextArea

from coach.tui.screens.feedback import FeedbackScreen
from coach.tui.screens.judgment import JudgmentScreen
from coach.tui.screens.run import RunScreen

sys.path.insert(0, str(Path(__file__).parent))
from loop_helpers import HOSTILE, SIZE, app_for, session_for, settle, text_of

INSTRUCTIONS = "l3-hr-helpdesk-instructions"
PIPELINE = "l4-refund-amount-pipeline"
AGENT = "l5-supplier-payables-agent"
EVALS = "l6-ticket-routing-evals"


async def open_and_run(app: Any, session: Any, pilot: Any, exercise_id: str, text: str) -> None:
    """Open the exercise, replace the editor's text with `text`, run (F5) and wait."""
    await settle(app, pilot)
    app.practise(session.exercise(exercise_id))
    await settle(app, pilot)
    assert isinstance(app.screen, RunScreen)
    editor = app.screen.query_one("#prompt", TextArea)
    editor.clear()
    editor.insert(text)
    await pilot.pause()
    await pilot.press("f5")
    await settle(app, pilot)


async def judge_ok(app: Any, pilot: Any) -> None:
    assert isinstance(app.screen, JudgmentScreen)
    await pilot.press("a")
    await pilot.press("f5")
    await settle(app, pilot)
    assert isinstance(app.screen, FeedbackScreen)


def pipeline_toml(exercise: Any) -> str:
    steps = [step.model_dump(by_alias=True) for step in exercise.reference_steps]
    return tomli_w.dumps({"steps": steps})


async def test_instructions_run_judge_and_per_input_table(fake) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(INSTRUCTIONS)
    for item in exercise.inputs:
        needle = item.text.splitlines()[-1]
        fake.reply_when(needle, behaviour=Reply(text=exercise.reference.good_outputs[item.id]))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_run(app, session, pilot, INSTRUCTIONS, exercise.reference.solution)
        assert isinstance(app.screen, JudgmentScreen)
        context = text_of(app.screen.query_one("#judge-context"))
        shown = text_of(app.screen.query_one("#shown"))
        judged = next(i for i in exercise.inputs if f"Hidden input {i.id}" in context)
        assert judged.text.splitlines()[-1] in context
        assert exercise.reference.good_outputs[judged.id].splitlines()[0] in shown
        await judge_ok(app, pilot)
        table = text_of(app.screen.query_one("#run-inputs"))
        for item in exercise.inputs:
            assert item.id in table
        assert "✗ no" not in table
        assert "Your judgment: right" in text_of(app.screen.query_one("#feedback"))
    assert len(fake.chat_requests) == len(exercise.inputs)
    messages = fake.chat_requests[0].body["messages"]
    assert messages[0] == {"role": "system", "content": exercise.reference.solution}
    record = session.history()[0]
    assert record.exercise_id == INSTRUCTIONS
    assert session.load_draft(INSTRUCTIONS) is None


async def test_pipeline_run_shows_each_steps_output(fake) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(PIPELINE)
    for item in exercise.inputs:
        marker = f'{{"facts_for": "{item.id}"}}'
        final = exercise.reference.good_outputs[item.id]
        fake.reply_when("Compute the refund", marker, behaviour=Reply(text=final))
        fake.reply_when("Answer VALID", marker, behaviour=Reply(text="VALID"))
        fake.reply_when(item.text, behaviour=Reply(text=marker))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_run(app, session, pilot, PIPELINE, pipeline_toml(exercise))
        assert isinstance(app.screen, JudgmentScreen)
        assert "Hidden input" in text_of(app.screen.query_one("#judge-context"))
        await judge_ok(app, pilot)
        table = text_of(app.screen.query_one("#run-inputs"))
        assert all(item.id in table for item in exercise.inputs)
        assert "✗ no" not in table
        steps = app.screen.query(".run-steps").results(Collapsible)
        first = next(steps)
        first.collapsed = False
        await pilot.pause()
        body = text_of(first.query_one(".run-step-outputs", Static))
        assert "facts_for" in body and "check-facts" in body and "VALID" in body
    assert len(fake.chat_requests) == 3 * len(exercise.inputs)


async def test_agent_final_answer_is_judged_then_the_trace_shown(fake) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(AGENT)
    answer = exercise.reference.good_output
    fake.queue(
        ToolCalls(name="list_files", arguments={}, call_id="call_1"),
        ToolCalls(name="read_file", arguments={"path": "invoices/november.csv"}, call_id="c2"),
        ToolCalls(name="calculator", arguments={"expression": "1280.00 + 315.75"}, call_id="c3"),
        Reply(answer),
    )
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_run(app, session, pilot, AGENT, exercise.reference.solution)
        assert isinstance(app.screen, JudgmentScreen)
        shown = text_of(app.screen.query_one("#shown"))
        assert "Open November payables: 3806.15 GBP" in shown
        assert "read_file" not in text_of(app.screen.query_one("#judge-body"))  # no trace yet
        await judge_ok(app, pilot)
        trace = text_of(app.screen.query_one("#run-trace"))
        assert "list_files" in trace and "calculator" in trace
        assert '{"path": "invoices/november.csv"}' in trace
        assert "1595.75" in trace
    assert session.history()[0].exercise_id == AGENT


EVALS_ANSWERS = {
    "URGENT!!!": '{"team": "delivery", "priority": "normal"}',
    "pickles": '{"team": "delivery", "priority": "urgent"}',
    "£7.99": '{"team": "billing", "priority": "normal"}',
    "Hola": '{"team": "account", "priority": "normal"}',
    "HF-88120": '{"team": "billing", "priority": "normal"}',
}


async def test_evals_skip_the_judgment_and_show_caught_variants(fake) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(EVALS)
    wrong = '```json\n{"team": "other", "priority": "urgent", "note": "x"}\n```'
    for variant in exercise.target.variants:
        fake.reply_when(variant.system, behaviour=Reply(text=wrong))
    for needle, answer in EVALS_ANSWERS.items():
        fake.reply_when(exercise.target.system, needle, behaviour=Reply(text=answer))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_run(app, session, pilot, EVALS, exercise.reference.solution)
        assert isinstance(app.screen, FeedbackScreen)
        variants = text_of(app.screen.query_one("#run-variants"))
        assert "every case passes on the correct system" in variants
        for variant in exercise.target.variants:
            assert f"caught {variant.id}" in variants
    record = session.history()[0]
    assert record.exercise_id == EVALS and record.judgment is None


async def test_a_bad_pipeline_is_reported_and_nothing_is_sent(fake) -> None:
    session = session_for(fake.base_url)
    bad = '[[steps]]\nname = "extract"\ntemplate = "Facts of {inptu}"\n'
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await open_and_run(app, session, pilot, PIPELINE, bad)
        assert isinstance(app.screen, RunScreen)
        errors = [n for n in app._notifications if n.severity == "error"]
        assert errors and "{inptu}" in errors[-1].message
        assert "nothing was sent" in errors[-1].message
        assert app.screen.query_one("#prompt", TextArea).text == bad
    assert fake.chat_requests == []
    assert session.load_draft(PIPELINE) == bad
    assert session.history() == []


async def test_the_editor_starts_with_the_starter_and_hostile_output_stays_literal(fake) -> None:
    session = session_for(fake.base_url)
    exercise = session.exercise(INSTRUCTIONS)
    fake.reply_when("[P1]", behaviour=Reply(text=HOSTILE))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(AGENT))
        await settle(app, pilot)
        assert app.screen.query_one("#prompt", TextArea).text == session.starter_text(
            session.exercise(AGENT)
        )
        await pilot.press("escape")
        await settle(app, pilot)
        assert session.load_draft(AGENT) is None  # the starter alone is no draft
        await open_and_run(app, session, pilot, INSTRUCTIONS, "Answer.")
        await judge_ok(app, pilot)
        table = text_of(app.screen.query_one("#run-inputs"))
        assert all(item.id in table for item in exercise.inputs)
        assert "\x1b" not in table


def test_run_screen_snapshot(snap_compare) -> None:
    session = session_for(None)
    app = app_for(session)

    async def run_before(pilot) -> None:
        await settle(app, pilot)
        app.practise(session.exercise(PIPELINE))
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).cursor_blink = False
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_escape_cancels_a_run_and_keeps_the_input(fake) -> None:
    session = session_for(fake.base_url)
    fake.reply_when("[P1]", behaviour=Slow(5.0))
    app = app_for(session)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.practise(session.exercise(INSTRUCTIONS))
        await settle(app, pilot)
        app.screen.query_one("#prompt", TextArea).insert("Answer from the passages.")
        await pilot.press("f5")
        for _ in range(200):
            await pilot.pause(0.05)
            if fake.chat_requests:
                break
        assert fake.chat_requests
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, RunScreen)
        assert "cancelled" in text_of(app.screen.query_one("#run-label"))
        assert app.screen.query_one("#prompt", TextArea).text == "Answer from the passages."
    assert session.load_draft(INSTRUCTIONS) == "Answer from the passages."
    assert session.history() == []
