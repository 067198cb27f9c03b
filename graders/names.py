"""The grader names an exercise check may declare.

The graders issue registers a function under each of these names; content
validation only needs the names, so `coach check` can reject a typo such as
`grader = "contain"` before any grading code exists for it.
"""

from __future__ import annotations

DETERMINISTIC = frozenset(
    {
        "exact",
        "contains",
        "contains_all",
        "contains_any",
        "regex",
        "json",
        "set_equals",
        "f1",
        "number",
        "mentions",
        "length",
        "must_not_contain",
        "quotes_exist_in",
        "label_in",
        "python",
    }
)
MODEL_GRADED = frozenset({"rubric"})
# Checks on an agent run: its trace and the final state of its sandbox.
AGENT = frozenset(
    {"tool_not_called", "tool_called", "tool_order", "numbers_grounded", "file_state"}
)

KNOWN_GRADERS: frozenset[str] = DETERMINISTIC | MODEL_GRADED | AGENT

# Mutations a trap may name (`mutate = "…"`): each turns a correct output into a
# plausibly wrong one. `graders.traps` implements one function per name.
MUTATIONS: frozenset[str] = frozenset(
    {
        "drop_item",
        "change_number",
        "shift_date",
        "swap_names",
        "swap_label",
        "invent_citation",
        "remove_negation",
        "truncate",
        "add_extra_text",
    }
)
