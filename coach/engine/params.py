"""Every tunable number of the engine, in one frozen object.

The defaults are the values chosen by simulation (`coach simulate`); see the
module docstrings of `ability`, `placement` and `moves` for what each does.
A caller may pass its own `EngineParams` everywhere, but the level events of
a learner are only reproducible with the parameters that produced them, so
the runtime should keep to `DEFAULT_PARAMS` (or store the ones it used).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EngineParams:
    # --- scale -------------------------------------------------------------
    n_levels: int = 6
    spacing: float = 2.0  # logits between the centres of adjacent levels
    offset_scale: float = 0.5  # logits per unit of an exercise's `difficulty` offset
    grid_min: float = -7.0
    grid_max: float = 7.0
    grid_points: int = 121

    # --- evidence ------------------------------------------------------------
    pass_score: float = 0.7  # an output score at or above this is a pass
    # "binary": an output passes (score >= pass_score) or fails, one Bernoulli draw;
    # "fraction": the score is a fractional Bernoulli observation (3 of 5 = 0.6 success).
    output_model: str = "mixture"
    mixture_slope: float = 12.0  # "mixture": log LR per unit of score (see ability.score_log_lr)
    mixture_centre: float = 0.75  # "mixture": the score that says nothing either way
    fit_choices: int = 3  # delegate / verify / human: a step's chance floor is 1/3
    # A fit exercise's steps (7–8) are not independent draws: its score counts as
    # this many Bernoulli observations of one step (less than the steps, more than 1).
    fit_steps_weight: float = 5.0
    # "luck" (default): a fit attempt's steps share one reading of the workflow, so
    # its share of steps right is read as `fit_steps` steps whose ability is shifted
    # by one luck e ~ N(0, fit_luck_sd²) (integrated out): a mixed score says less
    # than the same share over independent steps. "steps": `fit_steps_weight`
    # Bernoulli observations. (Chosen by simulation: docs/engine.md, "Placement".)
    fit_model: str = "luck"
    fit_steps: int = 8
    fit_luck_sd: float = 1.0
    weak_success_weight: float = 0.25  # output success from a model below the need
    weak_failure_weight: float = 0.0  # output failure from a model below the need
    # Every signal of an attempt on the learner's own exercise: nothing for the level.
    private_weight: float = 0.0
    # A repeat of an exercise already attempted: after its key was disclosed
    # (every practice attempt's feedback), and before (placement attempts show no key).
    repeat_weight: float = 0.0
    repeat_undisclosed_weight: float = 0.25
    # Judgment (two-high-threshold signal detection): the reader detects the truth
    # with d = (1 - lapse) σ(θ - b); otherwise says "wrong" with their bias g, which
    # is estimated per learner on this grid with this prior.
    judge_lapse: float = 0.03
    bias_grid: tuple[float, ...] = (0.05, 0.25, 0.5, 0.75, 0.95)
    bias_prior: tuple[float, ...] = (0.1, 0.2, 0.4, 0.2, 0.1)
    # Stated confidence (see docs/engine.md, "Confidence"): a call at
    # `confident_at` or more is "sure": P(sure | saw through) = sure_if_seen,
    # P(sure | guessed) = sure_if_guessed.
    use_confidence: bool = True
    confident_at: float = 0.8
    sure_if_seen: float = 0.85
    sure_if_guessed: float = 0.3
    # An attempt's judgment of its own output comes from the same reading as the
    # output: it counts at this weight when the output is counted too.
    joint_judgment_weight: float = 0.75
    session_gap_hours: float = 8.0  # a longer pause between attempts starts a session
    session_widen_var: float = 0.15  # logit² of normal spread added per new session

    # --- prior -----------------------------------------------------------------
    prior_mean: float = 0.0
    prior_sd: float = 3.0
    self_report_sd: float = 2.0

    # --- placement ---------------------------------------------------------------
    placement_stop_mass: float = 0.85
    placement_min_items: int = 4
    placement_max_items: int = 15
    placement_top_k: int = 2  # randomise among this many most informative items
    # No clear level after the last item: if the two likeliest levels are adjacent
    # and the less likely one still holds this share, it is a split → the lower
    # level; otherwise the likeliest level. Both are provisional.
    placement_split_share: float = 0.45

    # --- moves ---------------------------------------------------------------------
    promote_p: float = 0.8
    demote_p: float = 0.9
    window: int = 5  # the last N scored attempts at the current level
    promote_passes: int = 4  # of the window
    demote_fails: int = 3  # of the window
    min_attempts_here: int = 5
    grace_after_promotion: int = 5  # no demotion within this many attempts of a promotion

    # --- practice selection -----------------------------------------------------
    review_share: float = 0.2  # picks that revisit a failed exercise or a lower level
    stretch_share: float = 0.3  # picks from the level above once the promotion window is met
    # Picks that, when one is eligible, go to an exercise training a recurring weakness.
    weakness_share: float = 0.3


DEFAULT_PARAMS = EngineParams()
