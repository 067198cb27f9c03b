# ruff: noqa: E501  (step texts are data, one per line)
"""Fit families, one per level: which steps of a piece of work to delegate, verify or keep.

Each step is tagged with why it lands where it does (`TAG_ANSWER`); the audit
re-derives every answer from its tag, so a step can never be keyed against
its own reason. A generator draws people, amounts and dates, six or seven
steps (at least two of each answer) and their order.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.material import Draw, gbp, long_date
from coach.content.models import Kind

# Why a step lands where it does, and the answer that follows.
TAG_ANSWER = {
    "cheap-to-judge": "delegate",  # a draft or ideas whose errors are obvious and harmless
    "own-words": "delegate",  # rewording text the person wrote and will read
    "facts-to-check": "verify",  # figures, dates or names that others will rely on
    "arithmetic": "verify",  # sums, rates, totals
    "citations": "verify",  # claims that must match a source
    "people-decision": "human",  # a judgment about people, with accountability
    "personal-data": "human",  # health, pay or personal data the tool is not approved for
    "commitment": "human",  # signing, approving, promising on the company's behalf
}
BRIEF_TAIL = (
    " For each step, decide: delegate (the assistant does it, a quick glance is "
    "enough), verify (the assistant can do it, but you must check specific facts "
    "before anyone relies on it) or human (keep it out of the assistant)."
)


@dataclass(frozen=True)
class StepTemplate:
    id: str
    tag: str
    text: Callable[[dict[str, Any]], str]
    why: Callable[[dict[str, Any]], str]


Scenario = Callable[[Draw], tuple[str, dict[str, Any]]]


def _steps(draw: Draw, pool: tuple[StepTemplate, ...], ctx: dict[str, Any]) -> list[dict[str, str]]:
    by_answer: dict[str, list[StepTemplate]] = {"delegate": [], "verify": [], "human": []}
    for step in pool:
        by_answer[TAG_ANSWER[step.tag]].append(step)
    chosen: list[StepTemplate] = []
    for answer in ("delegate", "verify", "human"):
        chosen += draw.sample(by_answer[answer], 2)
    rest = [step for step in pool if step not in chosen]
    chosen += draw.sample(rest, draw.int(0, 1))
    return [
        {
            "id": step.id,
            "text": step.text(ctx),
            "answer": TAG_ANSWER[step.tag],
            "why": step.why(ctx),
        }
        for step in draw.shuffled(chosen)
    ]


def fit_family(
    family_id: str,
    level: int,
    title: str,
    scenario: Scenario,
    pool: tuple[StepTemplate, ...],
    *,
    skills: tuple[str, ...],
    functions: tuple[str, ...],
    difficulty: float = 0.0,
    explain: str,
) -> Family:
    tags = {step.id: step.tag for step in pool}

    def generate(draw: Draw) -> Generated:
        brief, ctx = scenario(draw)
        steps = _steps(draw, pool, ctx)
        data = {
            "brief": brief + BRIEF_TAIL,
            "steps": steps,
            "judgment": {"error_kinds": [], "trap_rate": 0.0},
            "reference": {
                "hints": [
                    "Ask of each step: what breaks, and for whom, if the assistant gets it wrong?",
                    "Figures, dates and names that others rely on need a check against the source.",
                    "Decisions about people and data the tool is not approved for stay with you.",
                ],
                "explain": explain,
            },
        }
        return Generated(data, {"items": len(steps), "distractors": 0})

    def audit(exercise: Any, generated: Generated) -> list[str]:
        problems = []
        for step in exercise.steps:
            if TAG_ANSWER[tags[step.id]] != step.answer:
                problems.append(f"steps.{step.id}: keyed {step.answer}, its reason says otherwise")
        answers = [step.answer for step in exercise.steps]
        for answer in ("delegate", "verify", "human"):
            if answers.count(answer) < 2:
                problems.append(f"steps: fewer than two {answer} steps")
        return problems

    return Family(
        id=family_id,
        level=level,
        kind=Kind.FIT,
        title=title,
        versions={1: generate},
        audit=audit,
        difficulty=difficulty,
        minutes=5,
        skills=skills,
        functions=functions,
    )


def S(
    step_id: str,
    tag: str,
    text: Callable[[dict[str, Any]], str],
    why: str | Callable[[dict[str, Any]], str],
) -> StepTemplate:
    if callable(why):
        return StepTemplate(step_id, tag, text, why)
    fixed: str = why
    return StepTemplate(step_id, tag, text, lambda _ctx: fixed)


# --- level 1: an event ------------------------------------------------------------


def _event(draw: Draw) -> tuple[str, dict[str, Any]]:
    who = draw.person()
    size = draw.int(12, 60)
    budget = draw.int(30, 150) * 100 * 100
    kind = draw.pick(
        ("team offsite", "client breakfast", "product launch evening", "charity quiz night")
    )
    city = draw.city()
    day = draw.day(date(draw.year(), 1, 1), 330)
    ctx = {
        "who": who,
        "size": size,
        "budget": gbp(budget),
        "kind": kind,
        "city": city,
        "day": long_date(day),
        "first": who.split()[0],
    }
    brief = (
        f"{who} is organising a {kind} in {city} on {long_date(day)} for {size} people, with a "
        f"budget of {gbp(budget)}. The company's chat assistant is approved for everyday work, "
        "but not for health or personal data."
    )
    return brief, ctx


EVENT_STEPS = (
    S(
        "ideas",
        "cheap-to-judge",
        lambda c: (
            f"Brainstorm ten ideas for the {c['kind']} that suit a mixed group of {c['size']}."
        ),
        "Ideas are cheap to generate and easy to judge; a poor one costs nothing.",
    ),
    S(
        "agenda",
        "cheap-to-judge",
        lambda c: "Turn the agreed topics into a first running order with breaks.",
        "A first draft that will be rearranged anyway; errors are obvious and harmless.",
    ),
    S(
        "reminder",
        "own-words",
        lambda c: f"Turn {c['first']}'s bullet notes into a friendly reminder the day before.",
        "Rewording their own notes: any error shows at a glance.",
    ),
    S(
        "costs",
        "arithmetic",
        lambda c: (
            f"Work out the cost per head of three venue quotes with VAT at 20% and a service charge, and which fit {c['budget']}."
        ),
        "Compounded percentages are where assistants slip: recompute before booking.",
    ),
    S(
        "invite",
        "facts-to-check",
        lambda c: (
            f"Write the invitation with the date ({c['day']}), the venue address in {c['city']} and the train times."
        ),
        "The wording can be delegated, but the date, address and times go to everyone: check each.",
    ),
    S(
        "travel",
        "facts-to-check",
        lambda c: f"List the last trains home from {c['city']} after the event.",
        "Timetables change and models recall old ones: check against the operator's site.",
    ),
    S(
        "who-goes",
        "people-decision",
        lambda c: (
            f"Decide which two people cannot come because only {c['size'] - 2} places are affordable."
        ),
        "A judgment about people, with fairness and morale at stake: it is a manager's decision.",
    ),
    S(
        "medical",
        "personal-data",
        lambda c: "Plan the catering from the team's notes on allergies and a pregnancy.",
        "Health data must not go into a tool not approved for it; share it with the venue directly.",
    ),
    S(
        "deposit",
        "commitment",
        lambda c: (
            "Accept the venue's terms and pay the non-refundable deposit on the company card."
        ),
        "A commitment of company money under contract terms: a person signs it.",
    ),
)


# --- level 2: a supplier tender -----------------------------------------------------


def _tender(draw: Draw) -> tuple[str, dict[str, Any]]:
    who = draw.person()
    suppliers = [draw.company()[0] for _ in range(3)]
    value = draw.int(20, 400) * 1000 * 100
    ctx = {"who": who, "suppliers": suppliers, "value": gbp(value), "first": who.split()[0]}
    brief = (
        f"{who} in procurement is running a tender for a contract worth about {gbp(value)} a year; "
        f"{', '.join(suppliers[:2])} and {suppliers[2]} have bid. The chat assistant is approved "
        "for company documents, not for staff personal data."
    )
    return brief, ctx


TENDER_STEPS = (
    S(
        "questions",
        "cheap-to-judge",
        lambda c: "Draft twenty clarification questions to send to all bidders.",
        "A list to prune; a weak question is obvious and costs nothing.",
    ),
    S(
        "template",
        "cheap-to-judge",
        lambda c: "Suggest a layout for the scoring spreadsheet.",
        "A structure to adjust; errors are visible at once.",
    ),
    S(
        "tidy",
        "own-words",
        lambda c: f"Tidy {c['first']}'s meeting notes from the bidder calls into a short summary.",
        "Rewording notes they wrote and will read back.",
    ),
    S(
        "compare",
        "arithmetic",
        lambda c: "Compare the three bids' five-year totals including indexation and VAT.",
        "Multi-year totals with indexation are easy to get wrong: recompute them.",
    ),
    S(
        "extract",
        "facts-to-check",
        lambda c: "Extract each bid's price, term and service levels into one table.",
        "Figures copied into a decision table must be checked against each bid.",
    ),
    S(
        "clauses",
        "citations",
        lambda c: "Summarise where each bid departs from our standard terms, quoting the clause.",
        "Every quoted clause must be checked against the bid: a paraphrase can invert it.",
    ),
    S(
        "award",
        "people-decision",
        lambda c: f"Choose the winning supplier and tell {c['suppliers'][0]} they lost.",
        "An accountable award decision, open to challenge: a person makes and owns it.",
    ),
    S(
        "refs",
        "personal-data",
        lambda c: "Paste the bidders' staff CVs and references in to rate their team.",
        "Personal data the tool is not approved for; and rating people is a human call.",
    ),
    S(
        "sign",
        "commitment",
        lambda c: f"Sign the contract worth {c['value']} a year.",
        "A binding commitment: a person with authority signs.",
    ),
)


# --- level 3: a research briefing ---------------------------------------------------


def _research(draw: Draw) -> tuple[str, dict[str, Any]]:
    who = draw.person()
    topic = draw.pick(
        (
            "heat pumps for small offices",
            "four-day week pilots",
            "EV fleet charging",
            "hybrid meeting rooms",
            "AI use in customer service",
            "packaging waste rules",
        )
    )
    sources = draw.int(6, 15)
    ctx = {"who": who, "topic": topic, "sources": sources, "first": who.split()[0]}
    brief = (
        f"{who} is preparing a briefing for the leadership team on {topic}, from {sources} "
        "reports, articles and an internal survey. A grounded research assistant can read "
        "the sources; the survey holds named staff comments."
    )
    return brief, ctx


RESEARCH_STEPS = (
    S(
        "outline",
        "cheap-to-judge",
        lambda c: "Propose an outline for the briefing.",
        "An outline to rearrange; easy to judge.",
    ),
    S(
        "search-terms",
        "cheap-to-judge",
        lambda c: f"Suggest search terms for more sources on {c['topic']}.",
        "Search terms cost nothing to try.",
    ),
    S(
        "polish",
        "own-words",
        lambda c: f"Shorten {c['first']}'s own draft conclusion to 100 words.",
        "Their own text, which they will read back.",
    ),
    S(
        "figures",
        "facts-to-check",
        lambda c: "Pull the headline figures from each report into one table.",
        "Figures go to leadership: check each against its report.",
    ),
    S(
        "quotes",
        "citations",
        lambda c: "Write the summary with a quote and page from the sources for each claim.",
        "Each quote and page must be checked: re-pointed citations are common.",
    ),
    S(
        "gaps",
        "citations",
        lambda c: "List what the sources do not answer.",
        "A model fills gaps with plausible text; check each 'not covered' against the sources.",
    ),
    S(
        "recommend",
        "people-decision",
        lambda c: "Decide which option to recommend to the board.",
        "The recommendation carries accountability: it is the author's judgment.",
    ),
    S(
        "survey",
        "personal-data",
        lambda c: "Paste the named staff comments from the survey to find themes.",
        "Named comments are personal data; anonymise first or keep it out.",
    ),
    S(
        "publish",
        "commitment",
        lambda c: "Publish the briefing on the company's public blog.",
        "Publishing commits the company publicly: a person approves it.",
    ),
)


# --- level 4: an automated workflow -------------------------------------------------


def _workflow(draw: Draw) -> tuple[str, dict[str, Any]]:
    who = draw.person()
    volume = draw.int(80, 900)
    what = draw.pick(
        (
            "supplier invoices",
            "support tickets",
            "job applications",
            "expense claims",
            "customer emails",
        )
    )
    ctx = {"who": who, "volume": volume, "what": what, "first": who.split()[0]}
    brief = (
        f"{who} is automating the handling of about {volume} {what} a week with reusable "
        "instructions and a two-step pipeline. The model is approved for business data, not "
        "for special-category personal data."
    )
    return brief, ctx


WORKFLOW_STEPS = (
    S(
        "labels",
        "cheap-to-judge",
        lambda c: f"Suggest a first set of categories for the {c['what']}.",
        "A list to refine; nothing depends on it yet.",
    ),
    S(
        "test-cases",
        "cheap-to-judge",
        lambda c: "Draft twenty tricky test inputs for the instructions.",
        "More test ideas are cheap; bad ones are obvious.",
    ),
    S(
        "rewrite",
        "own-words",
        lambda c: f"Reword {c['first']}'s own instructions more concisely, keeping every rule.",
        "Their own rules, which they will diff against the original.",
    ),
    S(
        "extract",
        "facts-to-check",
        lambda c: (
            f"Extract amounts, dates and reference numbers from each of the {c['volume']} items."
        ),
        "Extracted values feed other systems: validate them (a schema and spot checks).",
    ),
    S(
        "totals",
        "arithmetic",
        lambda c: "Add the week's amounts into a control total for finance.",
        "A control total must reconcile: recompute it from the source system.",
    ),
    S(
        "route",
        "facts-to-check",
        lambda c: "Route each item to a team by its category.",
        "Misroutes are silent: sample and check the routing before trusting it.",
    ),
    S(
        "reject",
        "people-decision",
        lambda c: f"Reject {c['what']} that fail the policy, without review.",
        "Rejecting people's claims or applications needs a person accountable for it.",
    ),
    S(
        "health",
        "personal-data",
        lambda c: "Include sick notes and medical certificates in the batch.",
        "Special-category data the model is not approved for: keep it out.",
    ),
    S(
        "pay",
        "commitment",
        lambda c: "Approve the payments the pipeline marks valid.",
        "Approving payments commits company money: a person signs off.",
    ),
)


# --- level 5: an agent on the shared drive -----------------------------------------------


def _agent(draw: Draw) -> tuple[str, dict[str, Any]]:
    who = draw.person()
    files = draw.int(40, 400)
    team = draw.pick(("finance", "sales", "HR", "operations", "customer success"))
    ctx = {"who": who, "files": files, "team": team, "first": who.split()[0]}
    brief = (
        f"{who} runs a tool-using agent over the {team} team's shared drive ({files} files), "
        "with tools to read, write, delete files and send messages. Deleting and sending need "
        "approval; some files hold personal data."
    )
    return brief, ctx


AGENT_STEPS = (
    S(
        "inventory",
        "cheap-to-judge",
        lambda c: f"List the {c['files']} files by type and last change.",
        "A read-only listing; errors are harmless and visible.",
    ),
    S(
        "readme",
        "cheap-to-judge",
        lambda c: "Draft a README describing the folder structure.",
        "A draft to correct; nothing depends on it.",
    ),
    S(
        "notes",
        "own-words",
        lambda c: f"Turn {c['first']}'s cleanup notes into a checklist file.",
        "Their own notes, reworded; they will read it.",
    ),
    S(
        "figures",
        "facts-to-check",
        lambda c: "Write a summary of this quarter's figures from the spreadsheets.",
        "Figures must be traced to the files: check the agent's numbers against its tool results.",
    ),
    S(
        "trace",
        "citations",
        lambda c: "Report which files mention the old price list.",
        "Check the trace: did it read each file it names?",
    ),
    S(
        "dedupe",
        "arithmetic",
        lambda c: "Count the duplicate files and the space they take.",
        "Counts and sizes: check against the tool results.",
    ),
    S(
        "delete",
        "commitment",
        lambda c: "Delete the files it judges to be duplicates.",
        "Irreversible: a person approves each deletion.",
    ),
    S(
        "message",
        "commitment",
        lambda c: f"Email the {c['team']} team a summary of the changes.",
        "Sending speaks for the person: they approve the message.",
    ),
    S(
        "salaries",
        "personal-data",
        lambda c: "Open the salary review spreadsheet to tidy its formatting.",
        "Pay data is personal: keep the agent out of it.",
    ),
)


# --- level 6: shipping an agentic system --------------------------------------------


def _ship(draw: Draw) -> tuple[str, dict[str, Any]]:
    who = draw.person()
    system = draw.pick(
        (
            "refund assistant",
            "claims triage agent",
            "contract review bot",
            "IT helpdesk agent",
            "sales email drafter",
        )
    )
    cases = draw.int(150, 900)
    ctx = {"who": who, "system": system, "cases": cases, "first": who.split()[0]}
    brief = (
        f"{who} leads the release of a {system}. The eval suite has {cases} cases; a model "
        "can draft cases, run them and summarise results."
    )
    return brief, ctx


SHIP_STEPS = (
    S(
        "variants",
        "cheap-to-judge",
        lambda c: "Draft paraphrases of existing eval inputs.",
        "More inputs are cheap; a poor one is obvious.",
    ),
    S(
        "names",
        "cheap-to-judge",
        lambda c: "Suggest names for the new eval categories.",
        "Naming is low stakes.",
    ),
    S(
        "notes",
        "own-words",
        lambda c: f"Turn {c['first']}'s release notes into the changelog format.",
        "Their own text, reformatted.",
    ),
    S(
        "labels",
        "facts-to-check",
        lambda c: "Write expected answers for 50 new eval cases.",
        "Expected answers are the ground truth: a person checks every one.",
    ),
    S(
        "stats",
        "arithmetic",
        lambda c: f"Compute pass rates and a confidence interval over the {c['cases']} cases.",
        "Statistics decide the release: recompute them.",
    ),
    S(
        "cite",
        "citations",
        lambda c: "Summarise the failing cases, quoting each output.",
        "Quotes must match the logged outputs.",
    ),
    S(
        "ship",
        "commitment",
        lambda c: f"Decide to ship the {c['system']} to all customers.",
        "The release decision is accountable: a person owns it.",
    ),
    S(
        "blame",
        "people-decision",
        lambda c: "Decide which engineer's change caused the regression, for the review.",
        "A judgment about a person's work: human.",
    ),
    S(
        "logs",
        "personal-data",
        lambda c: (
            "Paste customer conversations with names and addresses into a public model to label them."
        ),
        "Customer personal data: keep it out of unapproved tools.",
    ),
)

EXPLAIN = (
    "An assistant is safe to lean on where its errors are cheap and obvious, needs a check "
    "where others will rely on specific facts or figures, and has no place where a decision "
    "about people, a commitment or unapproved personal data is involved."
)

FAMILIES = (
    fit_family(
        "event-planning-fit",
        1,
        "Where an assistant fits in planning an event",
        _event,
        EVENT_STEPS,
        skills=("ai-fit", "data-safety"),
        functions=("operations",),
        difficulty=-0.4,
        explain=EXPLAIN,
    ),
    fit_family(
        "tender-fit",
        2,
        "Where an assistant fits in a supplier tender",
        _tender,
        TENDER_STEPS,
        skills=("ai-fit", "verification"),
        functions=("procurement",),
        explain=EXPLAIN,
    ),
    fit_family(
        "research-briefing-fit",
        3,
        "Where a research assistant fits in a briefing",
        _research,
        RESEARCH_STEPS,
        skills=("ai-fit", "grounding"),
        functions=("strategy",),
        explain=EXPLAIN,
    ),
    fit_family(
        "workflow-automation-fit",
        4,
        "Which parts of a workflow to automate",
        _workflow,
        WORKFLOW_STEPS,
        skills=("ai-fit", "automation"),
        functions=("operations", "finance"),
        explain=EXPLAIN,
    ),
    fit_family(
        "agent-drive-fit",
        5,
        "What an agent on the shared drive may do alone",
        _agent,
        AGENT_STEPS,
        skills=("ai-fit", "agent-guardrails"),
        functions=("operations",),
        explain=EXPLAIN,
    ),
    fit_family(
        "release-fit",
        6,
        "Where a model fits in releasing an agentic system",
        _ship,
        SHIP_STEPS,
        skills=("ai-fit", "evaluation"),
        functions=("engineering",),
        explain=EXPLAIN,
    ),
)
