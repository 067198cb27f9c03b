"""The manager's view: capabilities, role profiles, paths and the team page."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import T0, World, add_replayed_events, attempt  # type: ignore[import-not-found]

from coach.content import load_catalog
from coach.content.loader import load_roles
from coach.content.models import Level
from coach.engine.replay import LevelEventData
from coach.export import build_export, export_json, render_html, verify_data
from coach.export.capabilities import MIN_EVIDENCE, capabilities_of
from coach.export.path import MIN_MOVES, level_moves, moves_from
from coach.store.records import AttemptSummary

NOW = T0 + timedelta(days=20)


def _row(day: float, *, kind: str = "prompt", score: float | None = 0.9, **judgment: object):
    return AttemptSummary(
        learner_id=1,
        id=int(day * 10),
        exercise_level=1,
        finished_at=NOW - timedelta(days=day),
        output_score=score,
        judgment_correct=None,
        model_tier="standard",
        needs_model="any",
        sprint_id=None,
        exercise_private=None,
        planted=bool(judgment),
        verdict=judgment.get("verdict"),  # type: ignore[arg-type]
        confidence=judgment.get("confidence"),  # type: ignore[arg-type]
        truth_wrong=judgment.get("truth_wrong"),  # type: ignore[arg-type]
        kind=kind,
    )


def test_too_few_attempts_give_no_figure_but_say_so() -> None:
    rows = [_row(d) for d in range(MIN_EVIDENCE - 1)]
    caps = capabilities_of(rows, NOW)
    assert caps.produce.n == MIN_EVIDENCE - 1 and caps.produce.share is None
    assert caps.produce.words.startswith("not enough evidence yet")
    assert caps.judge.n == 0 and caps.fit.n == 0


def test_capabilities_split_by_kind_with_windows_and_trend() -> None:
    # Fit: failing 31-90 days ago, passing in the last 30: a rising trend.
    rows = [_row(40 + d, kind="fit", score=0.1) for d in range(10)]
    rows += [_row(d, kind="fit", score=0.95) for d in range(10)]
    # Judge (review): 8 flawed outputs, 6 caught; 4 sound ones, 1 false alarm; all 90% sure.
    rows += [
        _row(5 + d / 10, kind="review", score=None, verdict=v, truth_wrong=t, confidence=0.9)
        for d, (v, t) in enumerate(
            [("wrong", True)] * 6
            + [("acceptable", True)] * 2
            + [("acceptable", False)] * 3
            + [("wrong", False)]
        )
    ]
    caps = capabilities_of(sorted(rows, key=lambda r: r.finished_at), NOW)
    assert caps.fit.n == 20 and caps.fit.share == pytest.approx(0.5)
    assert caps.fit.last_30_days.n == 10 and caps.fit.last_30_days.share == 1.0
    assert caps.fit.last_90_days.n == 20 and caps.fit.trend == "up"
    assert caps.produce.n == 0  # fit and review attempts are not "produce"
    assert caps.judge.n == 12 and caps.judge.share == pytest.approx(9 / 12)
    assert caps.judge.hit_rate == pytest.approx(6 / 8)
    assert caps.judge.false_alarm_rate == pytest.approx(1 / 4)
    assert caps.judge.overconfidence == pytest.approx(0.9 - 9 / 12)
    assert "caught 6 of 8 flawed outputs" in caps.judge.words
    assert caps.judge.trend == "unknown"  # nothing 31-90 days ago to compare with


def test_level_moves_need_enough_of_them() -> None:
    def person(
        k: int, role: str = "analyst", span: int = 10
    ) -> tuple[list[LevelEventData], list[datetime], str]:
        start = T0 + timedelta(days=k)
        events = [
            LevelEventData(
                at=start, from_level=None, to_level=1, reason="p", evidence={}, provisional=True
            ),
            LevelEventData(
                at=start + timedelta(days=span),
                from_level=1,
                to_level=2,
                reason="up",
                evidence={},
                provisional=False,
            ),
        ]
        times = [start + timedelta(days=d) for d in range(1, 10 + k)]
        return events, times, role

    moves = level_moves(person(k) for k in range(MIN_MOVES - 1))
    few = moves_from(1, moves)
    assert few.median_attempts is None and "Not enough data yet" in few.sentence
    moves = level_moves(person(k) for k in range(MIN_MOVES))
    enough = moves_from(1, moves)
    assert enough.moves == MIN_MOVES and enough.median_attempts == 10
    assert enough.median_days == 10 and "median of 10 attempts" in enough.sentence
    assert not enough.same_role and "in this report" in enough.sentence
    # Enough moves in the person's own role: theirs are the ones that count.
    mixed = level_moves(
        [person(k, "analyst") for k in range(MIN_MOVES)]
        + [person(k + 20, "sales", span=20) for k in range(MIN_MOVES)]
    )
    analyst = moves_from(1, mixed, "analyst")
    assert analyst.same_role and analyst.moves == MIN_MOVES and analyst.median_attempts == 10
    assert "in the same role" in analyst.sentence
    sales = moves_from(1, mixed, "sales")
    assert sales.same_role and (sales.median_attempts, sales.median_days) == (20, 20)
    assert moves_from(1, mixed, "marketer").moves == 2 * MIN_MOVES


def test_a_bad_roles_file_names_the_file_and_the_field(tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text(
        '[[roles]]\nid = "analyst"\nname = "Analyst"\ntarget_level = 3\nwhy = "x"\n'
        'capabilities = ["produce", "charisma"]\n',
        encoding="utf-8",
    )
    levels = [
        Level(number=n, name=f"L{n}", summary="s", does="d", signals=["s"]) for n in (1, 2, 3)
    ]
    roles, problems = load_roles(path, "levels/roles.toml", levels)
    assert roles == [] and problems
    text = " ".join(str(p) for p in problems)
    assert "levels/roles.toml" in text and "roles.0.capabilities" in text


def test_the_shipped_role_profiles_name_skills_the_exercises_train() -> None:
    catalog = load_catalog()
    assert catalog.ok
    skills = {s for e in catalog.exercises for s in e.exercise.skills}
    skills |= {s for f in catalog.families for s in f.skills}
    profiled = [r for r in catalog.roles if r.skills or r.capabilities]
    assert profiled
    for role in profiled:
        assert set(role.skills) <= skills, role.id


@pytest.fixture
def report(world: World) -> tuple[object, str]:
    catalog = load_catalog()
    learners = world.store.list_learners()
    export = build_export(world.store, catalog, learners, with_chain=True, now=NOW)
    return export, render_html(export)


def test_the_page_speaks_to_a_manager(report: tuple[object, str]) -> None:
    _, html = report
    assert "How to read this" in html and "What these numbers do and do not mean" in html
    assert "You are" not in html and "θ" not in html and "d′" not in html
    assert "bias c" not in html
    assert not re.search(r"\d\d:\d\d:\d\d\.\d", html), "a timestamp with microseconds"
    assert "--include-prompts" in html and "planted" in html
    assert "not enough evidence yet" in html
    assert 'id="team-table"' in html and "Sorted by gap" in html
    assert "@media print" in html and "<script" not in html


def test_every_chart_has_a_title_axes_and_real_text(report: tuple[object, str]) -> None:
    _, html = report
    charts = re.findall(r"<svg [^>]*>.*?</svg>", html, flags=re.S)
    assert len(charts) >= 5
    for chart in charts:
        assert 'role="img"' in chart and "aria-label=" in chart and "<title>" in chart
        assert "<text" in chart
    kinds = {re.search(r'data-chart="(\w+)"', c).group(1) for c in charts}  # type: ignore[union-attr]
    assert {"levels", "history", "trend", "calibration"} <= kinds
    levels = next(c for c in charts if 'data-chart="levels"' in c)
    assert "Demonstrated level" in levels and ">People<" in levels


def test_each_person_has_a_path_and_capabilities(report: tuple[object, str]) -> None:
    export, html = report
    for person in export.learners:  # type: ignore[attr-defined]
        assert f'id="path-{person.id}"' in html
        assert person.path is not None
    ada = next(p for p in export.learners if p.name.startswith("Ada"))  # type: ignore[attr-defined]
    assert ada.capabilities.produce.n == 12  # every graded output, none private
    assert ada.path.sentence.startswith("Ada Lovelace is at level")
    assert ada.path.practice_to_move is not None
    assert "Not enough data yet" in ada.path.practice_to_move.sentence


def test_above_target_is_said_not_praised(world: World) -> None:
    # Dee, a support agent (target 2), passes everything up to level 4.
    dee = world.store.ensure_learner("Dee", "support-agent", "dee@example.com")
    for i in range(24):
        world.store.add_attempt(dee.id, attempt(i, level=1 + i // 6, placement=i < 3))
    add_replayed_events(world.store, dee.id)
    export = build_export(world.store, load_catalog(), [dee], with_chain=False, now=NOW)
    person = export.learners[0]
    assert person.demonstrated.level is not None and person.demonstrated.level > 2
    assert person.gap.status == "above"
    assert person.path is not None
    assert "above the level 2 the role needs" in person.path.sentence
    html = render_html(export)
    assert "Higher is not better" in html and "Above target (1)" in html
    assert "Below target (0)" in html


def test_json_carries_capabilities_and_paths_and_still_verifies(world: World) -> None:
    catalog = load_catalog()
    export = build_export(world.store, catalog, world.store.list_learners(), now=NOW)
    data = json.loads(export_json(export))
    assert data["schema"] == "coach-capability-export/3"
    ada = next(p for p in data["learners"] if p["name"].startswith("Ada"))
    assert set(ada["capabilities"]) == {"produce", "judge", "fit"}
    assert "focus" in ada["path"] and ada["demonstrated"]["sureness"]
    checked = verify_data(data, allow_unsigned=True)
    assert checked.ok and any("path is advice" in note for note in checked.notes)
    # The role's median capability is checked against its people's records.
    role = next(r for r in data["team"]["by_role"] if r["role"] == "analyst")
    assert role["capabilities"]["produce"]["people_with_evidence"] == 1
    role["capabilities"]["produce"]["median"] = 0.99
    result = verify_data(data, allow_unsigned=True)
    assert not result.ok and "capabilities.produce.median" in (result.first or "")
    role["capabilities"]["produce"]["median"] = ada["capabilities"]["produce"]["share"]
    assert verify_data(data, allow_unsigned=True).ok
    # A capability figure that its attempts do not give is caught.
    ada["capabilities"]["produce"]["n"] += 1
    result = verify_data(data, allow_unsigned=True)
    assert not result.ok and "capabilities.produce.n" in (result.first or "")


def test_dates_are_written_without_time_noise() -> None:
    when = datetime(2026, 5, 1, 12, 30, 15, 123456, tzinfo=UTC)
    from coach.export.html import _when

    assert _when(when) == "2026-05-01 12:30 UTC"


def test_the_role_profile_orders_the_path() -> None:
    from coach.content.models import Role
    from coach.export.path import focus_of

    weaknesses = [
        {
            "code": "forgets_format",
            "label": "forgets the output format",
            "detail": "d1",
            "count": 5,
            "out_of": 8,
            "train_graders": ["json"],
        },
        {
            "code": "misses_wrong_numbers",
            "label": "misses wrong numbers",
            "detail": "your d2",
            "count": 3,
            "out_of": 8,
            "train_mutations": ["change_number"],
        },
    ]
    rows = [_row(d, kind="fit", score=0.1) for d in range(MIN_EVIDENCE)]
    caps = capabilities_of(rows, NOW)
    plain = Role(id="r", name="R", target_level=4, why="w")
    judging = plain.model_copy(update={"capabilities": ["judge"], "skills": ["grounding"]})
    catalog = load_catalog()
    first = focus_of(catalog, plain, 2, weaknesses, caps)
    assert [f.skill for f in first] == ["forgets_format", "misses_wrong_numbers", "fit"]
    assert "their d2" in first[1].why  # the manager reads about the person
    assert all(f.train for f in first)  # each has exercises that train it
    second = focus_of(catalog, judging, 2, weaknesses, caps)
    assert [f.skill for f in second][:2] == ["misses_wrong_numbers", "forgets_format"]
    # At the target, the role's skills are not pushed: nothing to close.
    at_target = focus_of(catalog, judging, 4, [], capabilities_of([], NOW))
    assert at_target == []
    below = focus_of(catalog, judging, 2, [], capabilities_of([], NOW))
    assert [f.skill for f in below] == ["grounding"] and below[0].train


def test_the_csv_carries_the_capabilities(report: tuple[object, str], tmp_path: Path) -> None:
    import csv

    from coach.export import write_csv

    export, _ = report
    write_csv(export, tmp_path / "team.csv")  # type: ignore[arg-type]
    text = (tmp_path / "team.csv").read_text(encoding="utf-8-sig")
    rows = {r["name"]: r for r in csv.DictReader(text.splitlines())}
    ada = rows["Ada Lovelace"]
    assert ada["produce_n"] == "12" and ada["fit_n"] == "0"
    assert float(ada["produce_share"]) == pytest.approx(7 / 12, abs=1e-4)
    assert ada["fit_share"] == ""  # not enough evidence: no figure


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def _contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_text_has_sufficient_contrast_on_every_background() -> None:
    """WCAG AA (4.5:1) for the text colours on each background the stylesheet sets."""
    from coach.export.html import _CSS

    def colour(rule: str, prop: str) -> str:
        found = re.search(rf"{re.escape(rule)}\{{[^}}]*?{prop}:(#[0-9a-f]{{6}})", _CSS)
        assert found, (rule, prop)
        return found.group(1)

    text, muted = colour("body", "color"), colour(".muted", "color")
    cells = [".h-low", ".h-mid", ".h-high", ".h-below", ".h-above", ".h-at", ".h-none"]
    backgrounds = ["#ffffff", colour("th", "background"), colour(".note", "background")]
    backgrounds += [colour(c, "background") for c in cells]
    for background in backgrounds:
        assert _contrast(text, background) >= 4.5, background
        assert _contrast(muted, background) >= 4.5, background
    for bar in (".up", ".down", ".steady"):  # counts are printed in white on these
        assert _contrast("#ffffff", colour(bar, "fill")) >= 4.5, bar
