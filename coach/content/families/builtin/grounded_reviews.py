# ruff: noqa: E501  (sources and answers are data)
"""L3 reviews of sourced answers: re-pointed citations, changed figures, invented
answers to what the sources do not cover, superseded figures."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin._review import ReviewBuilder
from coach.content.families.material import Draw, long_date
from coach.content.models import Kind

ERROR_KINDS = [
    "wrong citation",
    "changed number",
    "invented fact",
    "superseded source",
    "missed answer",
]


def _sources(draw: Draw) -> tuple[dict[str, str], list[tuple[str, str, str, str]], str, str]:
    """Four sources, and (topic, claim, source, quote) facts each source states."""
    company, _ = draw.company()
    city = draw.city()
    days = draw.int(2, 4)
    start, end = draw.int(7, 10), draw.int(15, 18)
    teams, of = draw.int(5, 20), draw.int(21, 40)
    occupancy = draw.int(31, 74)
    survey = draw.int(51, 92)
    floor_day = date(draw.year(), draw.int(1, 12), draw.int(1, 28))
    facts = [
        (
            "home working",
            f"staff may work from home up to {days} days a week",
            "s1",
            f"Staff may work from home up to {days} days a week.",
        ),
        (
            "core hours",
            f"core hours are {start}:00 to {end}:00",
            "s1",
            f"Core hours are {start}:00 to {end}:00.",
        ),
        (
            "pilot size",
            f"{teams} of {of} teams joined the pilot",
            "s2",
            f"{teams} of {of} teams joined the pilot.",
        ),
        (
            "desk use",
            f"desk occupancy fell to {occupancy}%",
            "s2",
            f"Desk occupancy fell to {occupancy}% during the pilot.",
        ),
        (
            "survey",
            f"{survey}% of staff said they want to keep hybrid working",
            "s3",
            f"{survey}% of respondents want to keep hybrid working.",
        ),
        (
            "office",
            f"the third floor of the {city} office closes on {long_date(floor_day)}",
            "s4",
            f"The third floor of the {city} office closes on {long_date(floor_day)}.",
        ),
    ]
    materials = {
        "s1": f"{company} hybrid working policy. Staff may work from home up to {days} days a week. Core hours are {start}:00 to {end}:00. Managers agree patterns with each team.",
        "s2": f"Pilot report. {teams} of {of} teams joined the pilot. Desk occupancy fell to {occupancy}% during the pilot. No team left the pilot early.",
        "s3": f"Staff survey summary. {survey}% of respondents want to keep hybrid working. Comments mention commuting costs most often.",
        "s4": f"Facilities note. The third floor of the {city} office closes on {long_date(floor_day)}. Lockers move to the second floor.",
    }
    return materials, facts, company, city


def _line(fact: tuple[str, str, str, str]) -> str:
    _, claim, source, quote = fact
    return f'- {claim[0].upper()}{claim[1:]} [{source.upper()}: "{quote}"]'


UNANSWERABLE = (
    "whether staff get a home-office allowance",
    "the parking arrangements after the move",
    "how many desks will be removed",
    "whether the policy applies to contractors",
)


def citation_review(draw: Draw) -> Generated:
    materials, facts, company, _ = _sources(draw)
    asker = draw.person()
    chosen = draw.sample(facts, draw.int(3, 4))
    missing = draw.pick(UNANSWERABLE)
    lines = [_line(f) for f in chosen] + [f"- The sources do not say {missing}."]
    correct = "\n".join(lines)
    builder = ReviewBuilder()
    builder.correct(
        correct,
        "Every claim matches its quote, every quote is in the source it names, and the gap is admitted.",
    )
    # Re-pointed citation: the quote is real, but not in the source named.
    k = draw.int(0, len(chosen) - 1)
    right = chosen[k][2].upper()
    wrong = draw.pick([s for s in ("S1", "S2", "S3", "S4") if s != right])
    builder.replace(
        correct,
        k + 1,
        f"[{right}:",
        f"[{wrong}:",
        "wrong citation",
        f"The quote is in {right}, not {wrong}: '[{right}:' was re-pointed to '[{wrong}:'.",
    )
    # Changed number in the claim (the quote still shows the right one).
    # Never a date's day: a changed day can make an impossible date.
    j = draw.pick([i for i, fact in enumerate(chosen) if fact[0] != "office"])
    claim = chosen[j][1]
    number = next(w for w in claim.replace("%", " ").replace(":", " ").split() if w.isdigit())
    changed = str(int(number) + draw.pick((1, 2, 5)))
    new_claim = claim.replace(number, changed, 1)
    old_text = f"{claim[0].upper()}{claim[1:]}"
    new_text = f"{new_claim[0].upper()}{new_claim[1:]}"
    if old_text != new_text:
        builder.replace(
            correct,
            j + 1,
            old_text,
            new_text,
            "changed number",
            f"The claim says '{new_text}', but its own quote says '{old_text}'.",
        )
    # An invented answer where the sources are silent.
    invented = f'- The policy covers {missing}: it is set out in section 4 [S1: "See section 4."]'
    builder.replace(
        correct,
        len(lines),
        f"- The sources do not say {missing}.",
        invented,
        "invented fact",
        f"No source covers {missing}; the quote 'See section 4.' is invented.",
        names=(missing, "See section 4."),
    )
    data = {
        "brief": (
            f"{asker} asked a grounded research assistant to brief them on {company}'s hybrid "
            "working pilot from four sources, citing each claim with an exact quote, and to "
            f"say what the sources do not cover (including {missing}). Judge the answer: "
            "acceptable, or wrong? If wrong, point at the line."
        ),
        "materials": materials,
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Find each quote in the source it names, word for word.",
                "Does each claim say what its quote says?",
                "Which question do the sources not answer?",
            ],
            "explain": (
                "A citation is only evidence if the quote is in the source it names and "
                "says what the claim says. Models re-point citations and fill gaps with "
                "plausible text; checking each quote is the habit that catches both."
            ),
        },
    }
    quotes = [(f[2], f[3]) for f in chosen]
    return Generated(
        data, {"items": len(lines), "distractors": 6 - len(chosen)}, builder.flaws, quotes
    )


def citation_audit(exercise: Any, generated: Generated) -> list[str]:
    """Each correct output's quotes are in the source they name."""
    problems = []
    for index, item in enumerate(exercise.outputs):
        if item.wrong:
            continue
        for line in item.output.split("\n"):
            if "[S" in line:
                source, quote = line.split("[", 1)[1].split(': "', 1)
                if quote.rstrip('"]') not in exercise.materials[source.lower()]:
                    problems.append(
                        f"outputs.{index}: the quote on '{line[:40]}' is not in {source}"
                    )
    return problems


# --- superseded sources ---------------------------------------------------------------

ALLOWANCES = (
    ("the daily meal allowance", 15, 40),
    ("the mileage rate per mile", 35, 55),
    ("the hotel cap per night in London", 140, 260),
    ("the home-office equipment allowance", 150, 600),
)


def superseded_review(draw: Draw) -> Generated:
    company, _ = draw.company()
    asker = draw.person()
    what, low, high = draw.pick(ALLOWANCES)
    old = draw.int(low, high)
    new = old + draw.pick((-1, 1)) * draw.int(2, 10) * (5 if high > 100 else 1)
    unit = "p" if "mile" in what else "£"

    def money(v: int) -> str:
        return f"{v}p" if unit == "p" else f"£{v}"

    policy_day = date(draw.year() - 1, draw.int(1, 12), draw.int(1, 28))
    memo_day = policy_day + timedelta(days=draw.int(120, 330))
    faq_day = policy_day + timedelta(days=draw.int(10, 100))
    effective = memo_day + timedelta(days=draw.int(1, 20))
    silent = draw.pick(
        ("weekend travel", "travel with a partner", "first-class rail", "taxis after 10pm")
    )
    materials = {
        "policy": f"{company} expenses policy, issued {long_date(policy_day)}. {what[0].upper()}{what[1:]} is {money(old)}. Claims go through the expenses system within 30 days.",
        "faq": f"Expenses FAQ, updated {long_date(faq_day)}. Q: What is {what}? A: {money(old)}, as set in the policy.",
        "memo": f"Finance memo, {long_date(memo_day)}. From {long_date(effective)}, {what} is {money(new)}. This replaces the figure in the policy.",
    }
    lines = [
        f"Current figure: {what} is {money(new)} from {long_date(effective)} (finance memo, {long_date(memo_day)}, which replaces the policy figure).",
        f"Before that date it was {money(old)} (policy, {long_date(policy_day)}).",
        f"The sources say nothing about {silent}.",
    ]
    correct = "\n".join(lines)
    builder = ReviewBuilder()
    builder.correct(
        correct,
        "The newest source, which says it replaces the policy, is used; the gap is admitted.",
    )
    stale = f"Current figure: {what} is {money(old)} (policy, {long_date(policy_day)}; the FAQ confirms it)."
    builder.replace(
        correct,
        1,
        lines[0],
        stale,
        "superseded source",
        f"The memo of {long_date(memo_day)} replaces the policy: the figure is {money(new)}, not {money(old)}.",
        names=(money(new), money(old)),
    )
    unsure = "Current figure: the sources disagree, so it cannot be determined."
    builder.replace(
        correct,
        1,
        lines[0],
        unsure,
        "missed answer",
        f"They do not disagree: the memo says it replaces the policy, so the answer is {money(new)}.",
        names=(money(new), "replaces"),
    )
    invented = f"For {silent}, the usual figure applies, at {money(new)}."
    builder.replace(
        correct,
        3,
        lines[2],
        invented,
        "invented fact",
        f"No source mentions {silent}; the figure given for it is invented.",
        names=(silent,),
    )
    data = {
        "brief": (
            f"{asker} asked a grounded assistant what {what} is now at {company}, and what "
            f"applies to {silent}, from three sources. Judge the answer: acceptable, or "
            "wrong? If wrong, point at the line."
        ),
        "materials": materials,
        "outputs": builder.outputs,
        "judgment": {"error_kinds": ERROR_KINDS, "trap_rate": 0.0},
        "reference": {
            "hints": [
                "Put the sources in date order. Does any say it replaces another?",
                "Two sources agreeing does not make them current.",
                "What does no source mention?",
            ],
            "explain": (
                "Conflicting sources are usually a newer one replacing an older one. A "
                "model counts votes, or averages, or gives up; the right answer finds "
                "which source is current and says what none of them covers."
            ),
        },
    }
    return Generated(
        data,
        {"items": 3, "conflicting_sources": 1, "distractors": 1},
        builder.flaws,
        [("memo", f"{what} is {money(new)}")],
    )


def superseded_audit(exercise: Any, generated: Generated) -> list[str]:
    memo = exercise.materials["memo"]
    problems = []
    for index, item in enumerate(exercise.outputs):
        if (
            not item.wrong
            and item.output.split("\n")[0].split(" from ")[0].split(" is ")[-1] not in memo
        ):
            problems.append(f"outputs.{index}: the current figure is not the memo's")
    return problems


CITATIONS = Family(
    id="citation-review",
    level=3,
    kind=Kind.REVIEW,
    title="A sourced briefing: are the citations real?",
    versions={1: citation_review},
    audit=citation_audit,
    difficulty=0.0,
    minutes=7,
    skills=("grounding", "citations", "spotting-wrong-facts"),
    functions=("strategy", "hr"),
)
SUPERSEDED = Family(
    id="superseded-source-review",
    level=3,
    kind=Kind.REVIEW,
    title="Conflicting sources: which figure is current?",
    versions={1: superseded_review},
    audit=superseded_audit,
    difficulty=0.2,
    minutes=6,
    skills=("grounding", "conflicting-sources"),
    functions=("finance", "operations"),
)
