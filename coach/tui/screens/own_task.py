"""Practise on my own task: a real task from your work, turned into a private exercise.

The form maps onto `coach.authoring.TaskForm`; Save proves the exercise (as
`coach check` would) and writes it to your own folder. On any problem the
form stays as typed and the problem is shown under it. With no acceptable
output yet, "Run my prompt" sends your prompt once to the practice model and
puts the output in the field, for you to read and confirm by saving.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Label, Select, Static, TextArea

from coach import llm
from coach.authoring import AuthoringError, Saved, TaskForm, grade_candidate, save
from coach.authoring.form import MATERIAL_NAME
from coach.tui.messages import Practise
from coach.tui.widgets.footer import Footer
from coach.tui.widgets.safe import safe_text

if TYPE_CHECKING:
    from coach.runtime.session import Session

INTRO = (
    "Describe a real task from your work, paste what it works from, and say what a good "
    "output must satisfy. coach turns it into a private exercise, proved like any other. "
    "Your own exercises count for practice, never towards your level: checks you write "
    "yourself are easier to game."
)

# (widget id, TaskForm field, label): the one-line fields of the check menu.
CHECK_FIELDS = (
    ("must-contain", "must_contain", "Must contain (phrases; commas or new lines between)"),
    ("contains-any", "contains_any", "Contains at least one of (phrases)"),
    ("json-keys", "json_keys", "Is a JSON object with these keys"),
    ("must-not-mention", "must_not_mention", "Must not mention (phrases)"),
    ("regex", "regex", "Matches this pattern (a regular expression)"),
)
# (widget id, TaskForm field, label): the multi-line fields.
TEXT_FIELDS = (
    ("task", "task", "The task: who needs what, in what form (the brief)"),
    ("materials", "materials", "Materials: paste the text the task works from ({materials})"),
)


@dataclass(frozen=True)
class _Materials:
    """Just enough of an exercise for `Session.produce` to fill in {materials}."""

    materials: dict[str, str] = field(default_factory=dict)


def form_problems(error: ValidationError) -> str:
    """Pydantic's errors in plain words, one per field."""
    parts = []
    for detail in error.errors():
        where = ".".join(str(part) for part in detail["loc"]).replace("_", " ")
        message = str(detail["msg"]).removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    return "; ".join(parts)


class OwnTaskScreen(Screen[None]):
    DEFAULT_CSS = """
    #own-task { padding: 0 1; }
    #own-task Label { margin-top: 1; }
    #own-task TextArea { height: 5; }
    #own-task #words { height: auto; }
    #own-task #words Input { width: 16; }
    #own-task #words Label { margin: 1 1 0 0; }
    #own-task .section { text-style: bold; margin-top: 1; }
    #own-task-intro, #rubric-note { color: $text-muted; }
    #own-task-status { margin-top: 1; }
    #own-task-actions { height: auto; margin-top: 1; }
    #own-task-actions Button { margin-right: 1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "save", "Save", id="own_task.save"),
        Binding("escape", "app.pop_screen", "Back", id="own_task.back"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.saved: Saved | None = None

    def compose(self) -> ComposeResult:
        levels = [
            (f"{level.number} · {level.name}", level.number)
            for level in self.session.catalog.levels
        ] or [(str(n), n) for n in range(1, 7)]
        numbers = [value for _, value in levels]
        yield Header()
        with VerticalScroll(id="own-task"):
            yield Static(INTRO, id="own-task-intro", markup=False)
            yield Label("Title")
            yield Input(placeholder="a short name for the task", id="title")
            yield Label("Level")
            level = self.session.level
            yield Select(
                levels,
                value=level if level in numbers else numbers[0],
                allow_blank=False,
                id="level",
            )
            for widget_id, _, label in TEXT_FIELDS:
                yield Label(label)
                yield TextArea(id=widget_id, soft_wrap=True, tab_behavior="focus")
            yield Static("What a good output must satisfy", classes="section")
            for widget_id, _, label in CHECK_FIELDS:
                yield Label(label)
                yield Input(id=widget_id)
            with Horizontal(id="words"):
                yield Label("Words: at least")
                yield Input(type="integer", id="min-words")
                yield Label("at most")
                yield Input(type="integer", id="max-words")
            yield Label("A rubric in words (optional)")
            yield Static(
                "Graded by a judge model; unscored unless a judge model is set in the settings.",
                id="rubric-note",
            )
            yield TextArea(id="rubric", soft_wrap=True, tab_behavior="focus")
            yield Label("One acceptable output (or leave empty and run your prompt)")
            yield TextArea(id="good", soft_wrap=True, tab_behavior="focus")
            yield Label("Your prompt (optional; kept as your solution)")
            yield TextArea(id="prompt", soft_wrap=True, tab_behavior="focus")
            yield Static("", id="own-task-status", markup=False)
            with Horizontal(id="own-task-actions"):
                yield Button("Save (F5)", variant="primary", id="save")
                yield Button("Run my prompt", id="run")
                yield Button("Practise it now", variant="success", id="practise")
                yield Button("Back (Esc)", id="back")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#practise").display = False
        self.query_one("#title", Input).focus()

    # --- the form ------------------------------------------------------------------

    def _text(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", TextArea).text

    def _line(self, widget_id: str) -> str:
        return self.query_one(f"#{widget_id}", Input).value

    def _number(self, widget_id: str) -> int | None:
        value = self._line(widget_id).strip()
        return int(value) if value.lstrip("-").isdigit() else None

    def answers(self) -> dict[str, Any]:
        """What the learner typed, as TaskForm fields."""
        values: dict[str, Any] = {
            "title": self._line("title"),
            "level": self.query_one("#level", Select).value,
            "rubric": self._text("rubric"),
            "good_output": self._text("good"),
            "prompt": self._text("prompt"),
            "min_words": self._number("min-words"),
            "max_words": self._number("max-words"),
        }
        for widget_id, name, _ in TEXT_FIELDS:
            values[name] = self._text(widget_id)
        for widget_id, name, _ in CHECK_FIELDS:
            values[name] = self._line(widget_id)
        return values

    def _status(self, message: str, style: str = "") -> None:
        # Check reasons quote the model's output: shown as plain text, never markup.
        status = self.query_one("#own-task-status", Static)
        status.update(safe_text(message, style))
        status.scroll_visible(animate=False)  # the form is long: bring the news into view

    def _problem(self, message: str) -> None:
        self._status(f"Not saved: {message}", "bold red")
        self.notify("Not saved: the reason is under the form.", severity="error")

    # --- save ----------------------------------------------------------------------

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            form = TaskForm.model_validate(self.answers())
        except ValidationError as error:
            self._problem(form_problems(error))
            return
        self.query_one("#save", Button).disabled = True
        self._save(form)

    @work(thread=True, exclusive=True, group="own-task")
    def _save(self, form: TaskForm) -> None:
        taken = {loaded.exercise.id for loaded in self.session.catalog.exercises}
        try:
            saved = save(form, taken=taken)
        except AuthoringError as error:
            self.app.call_from_thread(self._not_saved, str(error))
            return
        self.session.reload_catalog()
        self.app.call_from_thread(self._done, saved)

    def _not_saved(self, message: str) -> None:
        self.query_one("#save", Button).disabled = False
        self._problem(message)

    def _done(self, saved: Saved) -> None:
        self.saved = saved
        self.query_one("#save", Button).disabled = False
        self._status(
            f"Saved as {saved.exercise_id} ({saved.path}). Proved: your acceptable output "
            f"passes every check, and an output that {saved.bad.what} fails.",
            "bold green",
        )
        practise = self.query_one("#practise", Button)
        practise.display = True
        practise.focus()

    @on(Button.Pressed, "#practise")
    def practise(self) -> None:
        exercise = self.saved and self.session.exercise(self.saved.exercise_id)
        if not exercise:
            self.notify("Save the exercise first.", severity="warning")
            return
        self.app.pop_screen()
        self.app.post_message(Practise(exercise))

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.app.pop_screen()

    # --- run my prompt: the first good output, confirmed by saving -------------------

    @on(Button.Pressed, "#run")
    def run_prompt(self) -> None:
        prompt = self._text("prompt")
        if not prompt.strip():
            self.notify("Write your prompt first.", severity="warning")
            return
        if self._text("good").strip():
            self.notify(
                "The acceptable output is filled in already; clear it to use the model's.",
                severity="warning",
            )
            return
        materials = self._text("materials")
        source = _Materials({MATERIAL_NAME: materials} if materials.strip() else {})
        self.query_one("#run", Button).disabled = True
        self._status("Running your prompt on the practice model…")
        self.run_worker(self._run(prompt, source), exclusive=True, group="own-task-run")

    async def _run(self, prompt: str, source: _Materials) -> None:
        try:
            call = await self.session.sample(source, prompt)
        except llm.ModelError as error:
            self.query_one("#run", Button).disabled = False
            self._status(f"The model did not answer: {error.describe()}", "bold red")
            return
        self.query_one("#run", Button).disabled = False
        output = llm.clean_output(call.text)
        self.query_one("#good", TextArea).text = output
        self._status(self._verdict(output))

    def _verdict(self, output: str) -> str:
        """How the form's checks see the model's output, and what to do next."""
        try:
            form = TaskForm.model_validate({**self.answers(), "good_output": output})
        except ValidationError:
            return (
                "The model's output is in the acceptable output field. Finish the form, then Save."
            )
        grade = grade_candidate(form, output)
        if grade.deterministic_verdict is False:
            failed = "; ".join(f"{c.name}: {c.reason}" for c in grade.failed)
            return (
                f"The model's output fails your checks ({failed}). Edit it, or your prompt "
                "and clear the field to run again."
            )
        return (
            "The model's output passes your checks. Read it: if it is acceptable, press Save "
            "to keep it as the exercise's reference."
        )
