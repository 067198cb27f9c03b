# ruff: noqa: E501  (sources and answers are data)
"""L3 prompt: answer only from three sources, one superseding another, with exact
quotes, and say what the sources do not cover."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coach.content.families.base import Family, Generated
from coach.content.families.builtin.grounded_reviews import ALLOWANCES
from coach.content.families.material import Draw, long_date
from coach.content.models import Kind

GAP_WORDS = [
    "do not say",
    "don't say",
    "does not say",
    "doesn't say",
    "do not mention",
    "don't mention",
    "not covered",
    "no information",
    "not stated",
    "do not cover",
    "don't cover",
    "not in the sources",
    "nothing about",
    "silent on",
]


def generate(draw: Draw) -> Generated:
    company, _ = draw.company()
    asker = draw.person()
    what, low, high = draw.pick(ALLOWANCES)
    old = draw.int(low, high)
    new = old + draw.pick((-1, 1)) * draw.int(2, 10) * (5 if high > 100 else 1)
    pence = "mile" in what

    def money(v: int) -> str:
        return f"{v}p" if pence else f"£{v}"

    policy_day = date(draw.year() - 1, draw.int(1, 12), draw.int(1, 28))
    memo_day = policy_day + timedelta(days=draw.int(120, 330))
    effective = memo_day + timedelta(days=draw.int(1, 20))
    silent = draw.pick(
        ("weekend travel", "travel with a partner", "first-class rail", "taxis after 10pm")
    )
    Cap = what[0].upper() + what[1:]
    memo_sentence = f"From {long_date(effective)}, {what} is {money(new)}."
    sources = "\n\n".join(
        [
            f"[S1] {company} expenses policy, issued {long_date(policy_day)}. {Cap} is {money(old)}. Claims go through the expenses system within 30 days.",
            f"[S2] Expenses FAQ, updated {long_date(policy_day + timedelta(days=30))}. Q: What is {what}? A: {money(old)}, as set in the policy.",
            f"[S3] Finance memo, {long_date(memo_day)}. {memo_sentence} This replaces the figure in the policy.",
        ]
    )
    labels = {
        "quotes": "every quote is word for word in the sources",
        "figure": "the current figure",
        "gap": "says what the sources do not cover",
    }
    checks = [
        {
            "grader": "quotes_exist_in",
            "label": labels["quotes"],
            "material": "sources",
            "min_quotes": 1,
        },
        {"grader": "contains", "label": labels["figure"], "value": money(new)},
        {"grader": "contains_any", "label": labels["gap"], "values": GAP_WORDS},
        {
            "grader": "regex",
            "not": True,
            "label": "cites only the three sources",
            "pattern": r"\bS(?:[04-9]|[1-9][0-9]+)\b",
        },
    ]
    good = (
        f'{Cap} is {money(new)} from {long_date(effective)}: the finance memo [S3] says "{memo_sentence}" '
        f'and "This replaces the figure in the policy." The sources do not say anything about {silent}.'
    )
    variants = [
        (
            "bullets",
            f'- Current figure: {money(new)} [S3: "{memo_sentence}"]\n- The memo replaces the policy\'s {money(old)}.\n- {silent[0].upper()}{silent[1:]}: not covered by the sources.',
        ),
        (
            "short",
            f'{money(new)} (S3: "{what} is {money(new)}"). The sources don\'t mention {silent}.',
        ),
        (
            "answer first",
            f'{money(new)}.\n\nThe memo of {long_date(memo_day)} sets it: "{memo_sentence}" It replaces the policy figure of {money(old)}. On {silent}, the sources are silent on the point, so I can\'t say.',
        ),
        (
            "formal",
            f'According to the finance memo of {long_date(memo_day)} (S3), "{memo_sentence}" The memo states: "This replaces the figure in the policy." There is no information in the sources about {silent}.',
        ),
        (
            "with dates",
            f'Since {long_date(effective)}: {money(new)} ("{memo_sentence}", S3). Before that: {money(old)} (S1). Nothing about {silent} is stated in the sources; not stated.',
        ),
        (
            "plain",
            f'It\'s {money(new)} now. Source: "{memo_sentence}" (S3). The sources do not cover {silent}.',
        ),
    ]
    stale = f'{Cap} is {money(old)}: the policy [S1] says "{Cap} is {money(old)}." The sources do not say anything about {silent}.'
    invented_quote = good.replace(f'"{memo_sentence}"', f'"the rate is now {money(new)}"')
    no_gap = f'{Cap} is {money(new)} from {long_date(effective)}: the finance memo [S3] says "{memo_sentence}" For {silent}, the same figure applies.'
    data: dict[str, Any] = {
        "brief": (
            f"{asker} wants a prompt for a grounded assistant: what is {what} now at {company}, "
            f"and what applies to {silent}? The answer must come only from the three sources, quote "
            "each figure word for word, and say plainly what the sources do not cover."
        ),
        "materials": {"sources": sources},
        "checks": checks,
        "judgment": {
            "error_kinds": ["superseded source", "invented quote", "invented fact"],
            "trap_rate": 0.25,
            "traps": [
                {
                    "mutate": "invent_citation",
                    "error_kind": "invented quote",
                    "note": "A quote was added that is not in the sources.",
                },
                {
                    "output": stale,
                    "error_kind": "superseded source",
                    "note": f"It gives the policy's {money(old)}; the memo of {long_date(memo_day)} replaced it with {money(new)}.",
                },
            ],
        },
        "reference": {
            "solution": (
                f"Answer from the sources below only. What is {what} now, and what applies to {silent}?\n"
                "Where sources conflict, use the newest one that says it replaces another, and say so. "
                "Quote each figure word for word in double quotes with its source label. If the "
                'sources do not cover something, say "the sources do not say".\n\nSources:\n{sources}'
            ),
            "good_output": good,
            "also_good": [variants[0][1], variants[1][1]],
            "bad_output": stale,
            "hints": [
                "Which source is newest, and does it say it replaces another?",
                "Ask for exact quotes, and for what to say when the sources are silent.",
            ],
            "explain": (
                "Grounded answers fail by counting votes between sources, paraphrasing inside "
                "quote marks, and filling gaps. The prompt must say how to resolve conflicts, "
                "demand exact quotes, and permit 'the sources do not say'."
            ),
        },
        "fairness": {
            "good": [{"style": style, "output": text} for style, text in variants[2:]],
            "bad": [
                {"why": "the superseded figure", "check": labels["figure"], "output": stale},
                {
                    "why": "a paraphrase inside quote marks",
                    "check": labels["quotes"],
                    "output": invented_quote,
                },
                {
                    "why": "a figure invented for what the sources lack",
                    "check": labels["gap"],
                    "output": no_gap,
                },
                {
                    "why": "no quote at all",
                    "check": labels["quotes"],
                    "output": f"{Cap} is {money(new)} (S3). The sources do not say anything about {silent}.",
                },
            ],
        },
    }
    return Generated(
        data,
        {"items": 3, "conflicting_sources": 1, "distractors": 1, "length": len(sources)},
        quotes=[("sources", memo_sentence)],
    )


FAMILY = Family(
    id="grounded-current-figure",
    level=3,
    kind=Kind.PROMPT,
    title="From the sources only: the current figure, quoted, and the gap admitted",
    versions={1: generate},
    difficulty=0.1,
    minutes=6,
    skills=("grounding", "citations", "conflicting-sources"),
    functions=("finance", "operations"),
)
