"""The HTML report, written for a manager: one self-contained file (inline CSS
and SVG, no scripts, no fonts or images from anywhere), every piece of text
from the store or a pack escaped.

Charts are drawn here as inline SVG rather than with a charting library: the
report must open with no network and no scripts (its Content-Security-Policy
forbids them), and the offline chart libraries either need JavaScript to draw
(Vega, Chart.js, Plotly: hundreds of kilobytes inlined per file) or write SVG
we would still have to make accessible by hand (matplotlib, a heavy dependency
for four kinds of chart). Hand-drawn SVG keeps real text, <title> and aria
labels, and prints cleanly.

Tables are sorted on the server (the order is stated above each), so the page
needs no script to be read in the order that matters.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape
from pathlib import Path

from coach.export.capabilities import CAPABILITIES, MIN_EVIDENCE, TITLES, Capability
from coach.export.path import MIN_MOVES
from coach.export.records import CapabilityExport, LearnerExport, RoleRollup

_TEAM_CALIBRATION = "Team: stated confidence against calls right"
STALE_DAYS = 30  # no attempt in this many days before the report: "not practised lately"

_CSS = """
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d232a;
max-width:78rem}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;
border-bottom:1px solid #ccd;padding-bottom:.2rem}h3{font-size:1.05rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #b8bfc9;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#e8ecf3}.num{text-align:right}
td.num{white-space:nowrap}
.muted{color:#4a5260}.card{border:1px solid #b8bfc9;border-radius:6px;padding:.6rem 1rem;
margin:1rem 0}.note{background:#f4f6fa;border-left:4px solid #4a78c2;padding:.4rem .9rem}
svg{display:block;margin:.3rem 0 .8rem}svg text{font:12px system-ui,sans-serif;fill:#1d232a}
.axis{stroke:#4a5260;stroke-width:1}.grid{stroke:#d5dae2;stroke-width:1}
.bar{fill:#3b6bb5}.bar2{fill:#9db6dd}.target{stroke:#b3261e;stroke-width:2;stroke-dasharray:5 3}
.line{fill:none;stroke:#3b6bb5;stroke-width:2}.diag{stroke:#6b7380;stroke-dasharray:3 3}
.dot{fill:#b3261e}.up{fill:#2e7d32}.down{fill:#b3261e}.steady{fill:#6b7380}.unknown{fill:#d5dae2}
.h-low{background:#f7d4d0}.h-mid{background:#fbe9b7}.h-high{background:#cfe8cf}
.h-none{background:#eef0f3;color:#4a5260}.h-below{background:#f7d4d0}.h-above{background:#dbe6f7}
.h-at{background:#cfe8cf}.legend span{display:inline-block;padding:0 .5rem;margin-right:.3rem;
border:1px solid #b8bfc9}
@media print{body{margin:0;font-size:11pt;max-width:none}.card,table,svg{break-inside:avoid}
h2{break-after:avoid}*{-webkit-print-color-adjust:exact;print-color-adjust:exact}
a{color:inherit;text-decoration:none}}
"""

_HOW_TO_READ = """
<ul>
<li><b>Level</b> (1 to {top}): the highest level whose exercises the person passes reliably,
estimated by the coach's engine from every attempt. "How sure" says how strongly the evidence
points to that level rather than a neighbouring one.</li>
<li><b>Target</b>: the level the person's role needs (from the organisation's role profiles).
<b>Gap</b>: levels still to go. Being above the target is not better in itself: the role
gets most of the value at its target.</li>
<li><b>Produce</b>: the share of AI outputs the person produced that passed the exercise's
checks. <b>Judge</b>: the share of AI outputs (some with planted mistakes) the person called
right. <b>Fit</b>: the share of "should AI do this step?" decisions that matched the key.
Each cell shows the share, the number of attempts behind it (n) and the trend: ↑ up,
↓ down, → steady over the last 30 days against the 60 days before (no arrow: too few
attempts in one of the two periods to compare).</li>
<li><b>Path</b>: for each person, the two or three skills whose practice would close the
gap soonest, and the exercises that train them.</li>
</ul>
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def _date(value: datetime | None) -> str:
    return "never" if value is None else value.strftime("%Y-%m-%d")


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def _svg_open(width: int, height: int, label: str, chart: str) -> str:
    """An SVG chart with a <title> screen readers and tooltips use."""
    return (
        f'<svg class="chart" data-chart="{_e(chart)}" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{_e(label)}">'
        f"<title>{_e(label)}</title>"
    )


# --- charts -------------------------------------------------------------------


def level_chart(role: RoleRollup, max_level: int) -> str:
    """People per demonstrated level for one role; the role's target marked on its bar."""
    width, height, left, bottom, top_pad = 420, 200, 44, 40, 26
    counts = [role.by_level.get(str(lv), 0) for lv in range(1, max_level + 1)]
    top = max([*counts, 1])
    step = (width - left - 10) / max_level
    plot_h = height - bottom - top_pad
    name = role.role_name or role.role
    parts = [_svg_open(width, height, f"{name}: people per demonstrated level", "levels")]
    for tick in sorted({0, top // 2, top}):
        y = height - bottom - plot_h * tick / top
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - 10}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{tick}</text>'
        )
    for index, count in enumerate(counts):
        h = plot_h * count / top
        x = left + index * step + 4
        y = height - bottom - h
        centre = x + (step - 8) / 2
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step - 8:.1f}" '
            f'height="{h:.1f}"><title>Level {index + 1}: {count} people</title></rect>'
            f'<text x="{centre:.1f}" y="{height - bottom + 14}" '
            f'text-anchor="middle">{index + 1}</text>'
        )
        if count:
            parts.append(
                f'<text x="{centre:.1f}" y="{y - 3:.1f}" text-anchor="middle">{count}</text>'
            )
    if role.target_level is not None and 1 <= role.target_level <= max_level:
        x = left + (role.target_level - 1) * step + step / 2
        parts.append(
            f'<line class="target" x1="{x:.1f}" x2="{x:.1f}" y1="{top_pad - 22}" '
            f'y2="{height - bottom}"><title>Target level {role.target_level}</title></line>'
            f'<text x="{x + 4:.1f}" y="{top_pad - 12}">target {role.target_level}</text>'
        )
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - 10}" y1="{height - bottom}" '
        f'y2="{height - bottom}"/><line class="axis" x1="{left}" x2="{left}" y1="{top_pad}" '
        f'y2="{height - bottom}"/>'
        f'<text x="{(left + width) / 2:.0f}" y="{height - 6}" text-anchor="middle">'
        "Demonstrated level</text>"
        f'<text x="12" y="{(height - bottom) / 2 + 10:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(height - bottom) / 2 + 10:.0f})">People</text></svg>'
    )
    return "".join(parts)


def history_chart(person: LearnerExport, max_level: int, until: datetime) -> str:
    """The person's level from their first level event to `until` (the report's
    date) as a step line, the role's target dashed."""
    events = person.level_history
    if not events:
        return '<p class="muted">No level changes recorded yet.</p>'
    width, height, left, right, top_pad, bottom = 460, 170, 44, 16, 12, 40
    t0 = events[0].at.timestamp()
    t1 = max(until.timestamp(), events[-1].at.timestamp(), t0 + 86400)

    def x(t: float) -> float:
        return left + (width - left - right) * (t - t0) / (t1 - t0)

    def y(level: float) -> float:
        return top_pad + (height - top_pad - bottom) * (max_level - level) / max(max_level - 1, 1)

    parts = [_svg_open(width, height, f"{person.name}: level over time", "history")]
    for lv in range(1, max_level + 1):
        parts.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y(lv):.1f}" '
            f'y2="{y(lv):.1f}"/><text x="{left - 6}" y="{y(lv) + 4:.1f}" '
            f'text-anchor="end">{lv}</text>'
        )
    if person.target_level is not None and 1 <= person.target_level <= max_level:
        ty = y(person.target_level)
        parts.append(
            f'<line class="target" x1="{left}" x2="{width - right}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}"><title>Target level {person.target_level}</title></line>'
        )
    points: list[str] = []
    previous: int | None = None
    for event in events:
        px = x(event.at.timestamp())
        if previous is not None:
            points.append(f"{px:.1f},{y(previous):.1f}")
        points.append(f"{px:.1f},{y(event.to_level):.1f}")
        previous = event.to_level
    points.append(f"{width - right:.1f},{y(previous or 1):.1f}")
    parts.append(f'<polyline class="line" points="{" ".join(points)}"/>')
    for event in events:
        parts.append(
            f'<circle class="dot" cx="{x(event.at.timestamp()):.1f}" '
            f'cy="{y(event.to_level):.1f}" r="3"><title>{_date(event.at)}: level '
            f"{event.to_level}: {_e(event.reason)}</title></circle>"
        )
    first, last = events[0].at, datetime.fromtimestamp(t1, events[0].at.tzinfo)
    parts.append(
        f'<line class="axis" x1="{left}" x2="{width - right}" y1="{height - bottom}" '
        f'y2="{height - bottom}"/>'
        f'<text x="{left}" y="{height - bottom + 14}">{_date(first)}</text>'
        f'<text x="{width - right}" y="{height - bottom + 14}" text-anchor="end">'
        f"{_date(last)}</text>"
        f'<text x="{(left + width) / 2:.0f}" y="{height - 6}" text-anchor="middle">'
        "Date of level change</text>"
        f'<text x="12" y="{(height - bottom) / 2 + 6:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(height - bottom) / 2 + 6:.0f})">Level</text></svg>'
    )
    return "".join(parts)


def calibration_chart(bins: list[tuple[float, float, int]], label: str) -> str:
    """Stated confidence (x, 50–100%) against the share of calls that were right (y)."""
    if not bins:
        return '<p class="muted">No judgments with a stated confidence yet.</p>'
    size, left, bottom, pad = 300, 50, 44, 14

    def px(v: float) -> float:
        return left + (size - left - pad) * (v - 0.5) / 0.5

    def py(v: float) -> float:
        return size - bottom - (size - bottom - pad) * v

    parts = [_svg_open(size, size, label, "calibration")]
    for tick in (0.5, 0.75, 1.0):
        parts.append(
            f'<line class="grid" x1="{px(tick):.1f}" x2="{px(tick):.1f}" y1="{pad}" '
            f'y2="{size - bottom}"/><text x="{px(tick):.1f}" y="{size - bottom + 14}" '
            f'text-anchor="middle">{tick:.0%}</text>'
        )
    for tick in (0.0, 0.5, 1.0):
        parts.append(
            f'<line class="grid" x1="{left}" x2="{size - pad}" y1="{py(tick):.1f}" '
            f'y2="{py(tick):.1f}"/><text x="{left - 6}" y="{py(tick) + 4:.1f}" '
            f'text-anchor="end">{tick:.0%}</text>'
        )
    parts.append(
        f'<line class="diag" x1="{px(0.5):.1f}" y1="{py(0.5):.1f}" x2="{px(1):.1f}" '
        f'y2="{py(1):.1f}"><title>Perfect calibration: as sure as right</title></line>'
    )
    for conf, right, n in bins:
        r = 3 + min(6, n**0.5)
        parts.append(
            f'<circle class="dot" cx="{px(conf):.1f}" cy="{py(right):.1f}" r="{r:.1f}">'
            f"<title>Stated {conf:.0%} sure: {right:.0%} right ({n} judgments)</title></circle>"
        )
    parts.append(
        f'<text x="{(left + size) / 2:.0f}" y="{size - 6}" text-anchor="middle">'
        "Stated confidence (%)</text>"
        f'<text x="12" y="{(size - bottom) / 2 + 20:.0f}" text-anchor="middle" '
        f'transform="rotate(-90 12 {(size - bottom) / 2 + 20:.0f})">Calls right (%)</text></svg>'
    )
    return "".join(parts)


def trend_chart(people: Sequence[LearnerExport]) -> str:
    """Per capability: how many people rose, held, fell, or have too little recent evidence."""
    order = ("up", "steady", "down", "unknown")
    words = {"up": "rose", "steady": "held", "down": "fell", "unknown": "too little evidence"}
    width, row, left, top_pad = 560, 34, 150, 10
    height = top_pad + row * len(CAPABILITIES) + 56
    total = max(len(people), 1)
    plot = width - left - 20
    parts = [
        _svg_open(
            width, height, "Trend: people per capability whose share rose, held or fell", "trend"
        )
    ]
    for index, name in enumerate(CAPABILITIES):
        y = top_pad + index * row
        counts = {k: 0 for k in order}
        for person in people:
            counts[getattr(person.capabilities, name).trend] += 1
        parts.append(f'<text x="{left - 8}" y="{y + 17}" text-anchor="end">{TITLES[name]}</text>')
        x = float(left)
        for key in order:
            w = plot * counts[key] / total
            if counts[key]:
                parts.append(
                    f'<rect class="{key}" x="{x:.1f}" y="{y + 4}" width="{w:.1f}" '
                    f'height="{row - 10}">'
                    f"<title>{TITLES[name]}: {counts[key]} {words[key]}</title></rect>"
                )
                if w >= 18:
                    fill = "#1d232a" if key == "unknown" else "#ffffff"
                    parts.append(
                        f'<text x="{x + w / 2:.1f}" y="{y + 18}" text-anchor="middle" '
                        f'style="fill:{fill}">{counts[key]}</text>'
                    )
            x += w
    axis_y = top_pad + row * len(CAPABILITIES)
    parts.append(
        f'<line class="axis" x1="{left}" x2="{left + plot}" y1="{axis_y}" y2="{axis_y}"/>'
        f'<text x="{left}" y="{axis_y + 14}">0</text><text x="{left + plot}" y="{axis_y + 14}" '
        f'text-anchor="end">{len(people)}</text>'
        f'<text x="{left + plot / 2:.0f}" y="{axis_y + 14}" text-anchor="middle">People</text>'
    )
    lx = float(left)
    for key in order:
        parts.append(
            f'<rect class="{key}" x="{lx:.0f}" y="{axis_y + 26}" width="12" height="12"/>'
            f'<text x="{lx + 16:.0f}" y="{axis_y + 36}">{words[key]}</text>'
        )
        lx += 30 + 7 * len(words[key])
    parts.append("</svg>")
    return "".join(parts)


def _team_calibration(export: CapabilityExport) -> list[tuple[float, float, int]]:
    sums: dict[float, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for person in export.learners:
        for b in person.judgment.calibration if person.judgment else []:
            acc = sums[b.lo]
            acc[0] += b.mean_confidence * b.n
            acc[1] += b.share_right * b.n
            acc[2] += b.n
    return [(c / n, r / n, int(n)) for _, (c, r, n) in sorted(sums.items()) if n]


# --- tables -------------------------------------------------------------------

_ARROWS = {"up": "↑ up", "down": "↓ down", "steady": "→ steady", "unknown": ""}


def _band(share: float | None) -> str:
    if share is None:
        return "h-none"
    return "h-low" if share < 0.5 else "h-mid" if share < 0.75 else "h-high"


def _cap_cell(cap: Capability) -> str:
    if cap.share is None:
        return (
            f'<td class="h-none" data-value="">not enough evidence yet '
            f'<span class="muted">(n={cap.n})</span></td>'
        )
    trend = _ARROWS[cap.trend]
    return (
        f'<td class="{_band(cap.share)} num" data-value="{cap.share:.3f}">{_pct(cap.share)} '
        f'<span class="muted">(n={cap.n})</span>{" " + trend if trend else ""}</td>'
    )


def _order(person: LearnerExport) -> tuple[int, int, str]:
    """Below target first (largest gap first), then not placed, at, above; then by name."""
    status = person.gap.status
    rank = {"below": 0, "unplaced": 1, "no_target": 2, "at": 3, "above": 4}[status]
    return (rank, -(person.gap.gap or 0), person.name.lower())


def _level_cell(person: LearnerExport) -> str:
    d = person.demonstrated
    if d.level is None:
        return '<td class="h-none">not placed</td>'
    short = d.sureness.split(":")[0]  # the full words are in the person's section
    return f'<td class="num">{d.level} <span class="muted">({_e(short)})</span></td>'


def _gap_cell(person: LearnerExport) -> str:
    status = person.gap.status
    text = {
        "below": f"{person.gap.gap} below",
        "at": "at target",
        "above": "above target",
        "unplaced": "–",
        "no_target": "no target",
    }[status]
    cls = {"below": "h-below", "above": "h-above", "at": "h-at"}.get(status, "h-none")
    return f'<td class="{cls}">{text}</td>'


def team_table(people: Sequence[LearnerExport]) -> str:
    rows = []
    for person in sorted(people, key=_order):
        caps = "".join(_cap_cell(getattr(person.capabilities, c)) for c in CAPABILITIES)
        rows.append(
            f'<tr><th scope="row"><a href="#person-{person.id}">{_e(person.name)}</a></th>'
            f"<td>{_e(person.role_name or person.role)}</td>{_level_cell(person)}"
            f'<td class="num">{_e(person.target_level) or "–"}</td>{_gap_cell(person)}{caps}'
            f"<td>{_date(person.last_practised)}</td></tr>"
        )
    head = "".join(f'<th scope="col">{TITLES[c]}</th>' for c in CAPABILITIES)
    return (
        '<table id="team-table"><caption class="muted">Sorted by gap: furthest below target '
        "first, then not placed, at target, above target; then by name.</caption>"
        '<tr><th scope="col">Person</th><th scope="col">Role</th>'
        '<th scope="col">Level (how sure)</th><th scope="col">Target</th>'
        f'<th scope="col">Gap</th>{head}<th scope="col">Last practised</th></tr>'
        f"{''.join(rows)}</table>"
        '<p class="legend">Shares: <span class="h-low">below 50%</span>'
        '<span class="h-mid">50–74%</span><span class="h-high">75% or more</span>'
        '<span class="h-none">not enough evidence</span> (the value is always printed; '
        "colour only repeats it).</p>"
    )


def _people_list(people: Sequence[LearnerExport], empty: str, line: str) -> str:
    if not people:
        return f'<p class="muted">{empty}</p>'
    return "<ul>" + "".join(line.format(p=p, name=_e(p.name)) for p in people) + "</ul>"


def _watch_lists(export: CapabilityExport) -> str:
    people = sorted(export.learners, key=_order)
    below = [p for p in people if p.gap.status == "below"]
    above = [p for p in people if p.gap.status == "above"]
    cutoff = export.generated_at - timedelta(days=STALE_DAYS)
    stale = sorted(
        (p for p in people if p.last_practised is None or p.last_practised < cutoff),
        key=lambda p: (p.last_practised is not None, p.last_practised or export.generated_at),
    )
    below_html = (
        "<ul>"
        + "".join(
            f"<li>{_e(p.name)} ({_e(p.role_name or p.role)}): level {p.demonstrated.level}, "
            f"target {p.target_level}, <b>{p.gap.gap} level{'s' if p.gap.gap != 1 else ''} "
            "below</b></li>"
            for p in below
        )
        + "</ul>"
        if below
        else '<p class="muted">Nobody is below their role\'s target.</p>'
    )
    above_html = (
        "<ul>"
        + "".join(
            f"<li>{_e(p.name)} ({_e(p.role_name or p.role)}): level {p.demonstrated.level}, "
            f"target {p.target_level}; more than the role needs</li>"
            for p in above
        )
        + "</ul>"
        if above
        else '<p class="muted">Nobody is above their role\'s target.</p>'
    )
    stale_html = (
        "<ul>"
        + "".join(f"<li>{_e(p.name)}: last practised {_date(p.last_practised)}</li>" for p in stale)
        + "</ul>"
        if stale
        else f'<p class="muted">Everyone practised in the last {STALE_DAYS} days.</p>'
    )
    return (
        f'<section id="below"><h3>Below target ({len(below)})</h3>{below_html}</section>'
        f'<section id="above"><h3>Above target ({len(above)})</h3>'
        '<p class="muted">Not a problem: the role gets most of the value at its target. '
        f"They may help others.</p>{above_html}</section>"
        f'<section id="stale"><h3>Not practised in the last {STALE_DAYS} days ({len(stale)})</h3>'
        f"{stale_html}</section>"
    )


def _role_capability(role: RoleRollup, name: str) -> str:
    found = role.capabilities[name]
    if found.median is None:
        return '<td class="h-none">not enough evidence yet</td>'
    return (
        f'<td class="{_band(found.median)} num">{_pct(found.median)} '
        f'<span class="muted">({found.people_with_evidence} of {role.people})</span></td>'
    )


def _roles(export: CapabilityExport, top: int) -> str:
    rows = "".join(
        f"<tr><td>{_e(r.role_name or r.role)}</td><td class=num>{_e(r.target_level) or '–'}</td>"
        f'<td class="num">{r.people}</td><td class="num">{r.at_or_above_target}</td>'
        f'<td class="num">{r.below_target}</td><td class="num">{r.unplaced}</td>'
        + "".join(_role_capability(r, c) for c in CAPABILITIES)
        + "</tr>"
        for r in export.team.by_role
    )
    charts = "".join(
        f"<h3>{_e(r.role_name or r.role)}</h3>{level_chart(r, top)}" for r in export.team.by_role
    )
    head = "".join(f'<th scope="col">{TITLES[c]}: median</th>' for c in CAPABILITIES)
    return (
        '<table id="role-table"><caption class="muted">Sorted by role id. Capability '
        "columns: the median share among the role's people with enough evidence (how many "
        "of them that is).</caption>"
        '<tr><th scope="col">Role</th><th scope="col">Target level</th><th scope="col">People</th>'
        '<th scope="col">At or above target</th><th scope="col">Below target</th>'
        f'<th scope="col">Not placed</th>{head}</tr>{rows}</table>{charts}'
    )


# --- one person ---------------------------------------------------------------


def _cap_row(cap: Capability) -> str:
    def span(n: int, share: float | None) -> str:
        return f"{_pct(share)} (n={n})" if share is not None else f"not enough (n={n})"

    return (
        f"<tr><th scope=row>{TITLES[cap.capability]}</th>"
        f"<td>{span(cap.last_30_days.n, cap.last_30_days.share)}</td>"
        f"<td>{span(cap.last_90_days.n, cap.last_90_days.share)}</td>"
        f"<td>{_ARROWS[cap.trend] or 'unknown'}</td><td>{_e(cap.words)}</td></tr>"
    )


def _path(person: LearnerExport) -> str:
    path = person.path
    if path is None:
        return f'<section class="path" id="path-{person.id}"><p>No path computed.</p></section>'
    focus = "".join(
        f"<li><b>{_e(f.label)}</b>: {_e(f.why)}"
        + (
            "<br>Trained by: "
            + "; ".join(
                f"{_e(t.title)} (level {t.level}, "
                f"{'generated family' if t.generated else 'exercise'} <code>{_e(t.id)}</code>)"
                for t in f.train
            )
            if f.train
            else '<br><span class="muted">No exercise in the catalog trains it yet.</span>'
        )
        + "</li>"
        for f in path.focus
    )
    focus_html = (
        f"<p>Practise first:</p><ol>{focus}</ol>"
        if focus
        else '<p class="muted">No recurring mistake or weak capability stands out yet.</p>'
    )
    move = path.practice_to_move
    move_html = f"<p>{_e(move.sentence)}</p>" if move else ""
    return (
        f'<section class="path" id="path-{person.id}"><h4>Path</h4><p>{_e(path.sentence)}</p>'
        f"{focus_html}{move_html}</section>"
    )


def _person(person: LearnerExport, max_level: int, until: datetime) -> str:
    d = person.demonstrated
    level = (
        "has not been placed yet"
        if d.level is None
        else f"is at level {d.level}{f' ({_e(d.name)})' if d.name else ''}; "
        + (_e(d.sureness) if d.provisional else f"the engine is {_e(d.sureness)}")
    )
    caps = "".join(_cap_row(getattr(person.capabilities, c)) for c in CAPABILITIES)
    note = f'<p class="muted">{_e(person.evidence_note)}</p>' if person.evidence_note else ""
    j = person.judgment
    calibration = (
        calibration_chart(
            [(b.mean_confidence, b.share_right, b.n) for b in j.calibration],
            f"{person.name}: stated confidence against calls right",
        )
        if j
        else ""
    )
    return (
        f'<article class="card" id="person-{person.id}"><h3>{_e(person.name)} '
        f'<span class="muted">{_e(person.email)}</span></h3>'
        f"<p>{_e(person.role_name or person.role)}. {_e(person.name)} {level}. "
        f"{person.attempts} attempts in this report; last practised "
        f"{_date(person.last_practised)}.</p>{note}"
        '<table class="caps"><tr><th scope="col">Capability</th><th scope="col">Last 30 days</th>'
        '<th scope="col">Last 90 days</th><th scope="col">Trend</th>'
        f'<th scope="col">Over the report, in words</th></tr>{caps}</table>'
        f"{_path(person)}{history_chart(person, max_level, until)}{calibration}</article>"
    )


# --- the page -----------------------------------------------------------------


def _meaning(export: CapabilityExport) -> str:
    prompts = (
        "This report was made with --include-prompts; it still shows no prompt or output "
        "text (a JSON export made that way carries it)."
        if export.include_prompts
        else "What people typed and what the model answered are not in this report (they are "
        "included only when the export is made with --include-prompts)."
    )
    return (
        '<div class="note"><ul>'
        f"<li>Each figure rests on the number of attempts shown beside it (n). Below "
        f"{MIN_EVIDENCE} attempts the report says “not enough evidence yet” instead of a share: "
        "with so few, one more attempt could move it by more than ten points.</li>"
        "<li>Levels are estimates with uncertainty; “how sure” says how much. A provisional "
        "level comes from a placement that ended early.</li>"
        "<li>Some AI outputs people judged had a mistake planted on purpose (a changed number, "
        "an invented source). People are told this can happen; the judge figures count how "
        "often they caught those mistakes and how often they wrongly flagged sound outputs.</li>"
        "<li>Attempts on a person's own exercises are practice: they count for neither the "
        "level nor the capabilities.</li>"
        "<li>Output failures on a model too weak for the exercise do not count against the "
        "person.</li>"
        f"<li>“Practice to move a level” is a median over people in this report and needs at "
        f"least {MIN_MOVES} level moves; it describes the past, not a promise.</li>"
        "<li>These figures measure practice exercises, not job performance.</li>"
        f"<li>{prompts}</li></ul></div>"
    )


def render_html(export: CapabilityExport, max_level: int = 6) -> str:
    levels = [p.demonstrated.level for p in export.learners if p.demonstrated.level is not None] + [
        p.target_level for p in export.learners if p.target_level is not None
    ]
    top = max([max_level, *levels])
    since = f" covering attempts since {_date(export.since)}" if export.since else ""
    people = "".join(
        _person(p, top, export.generated_at) for p in sorted(export.learners, key=_order)
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>Team capability report</title><style>{_CSS}</style></head><body>"
        f'<h1>Team capability report</h1><p class="muted">Generated {_when(export.generated_at)}'
        f"{since}; {export.team.people} people.</p>"
        f'<h2 id="how-to-read">How to read this</h2>{_HOW_TO_READ.format(top=top)}'
        '<h2 id="meaning">What these numbers do and do not mean</h2>'
        f"{_meaning(export)}"
        f'<h2 id="team">Team at a glance</h2>{team_table(export.learners)}'
        f"{_watch_lists(export)}"
        f'<h2 id="roles">Distribution per role</h2>{_roles(export, top)}'
        '<h2 id="trend">Trend</h2><p>For each capability, how many people did better, the '
        "same or worse in the last 30 days than in the 60 days before (a change of 10 points "
        "or more counts).</p>"
        f"{trend_chart(export.learners)}"
        '<h2 id="calibration">Confidence against accuracy (team)</h2><p>When people said how '
        "sure they were of a call, how often they were right. Points on the dashed line: as "
        "sure as right; below it: more sure than right. Larger points rest on more calls.</p>"
        f"{calibration_chart(_team_calibration(export), _TEAM_CALIBRATION)}"
        f'<h2 id="people">People</h2><p class="muted">In the same order as the team table.</p>'
        f"{people}</body></html>\n"
    )


def write_html(export: CapabilityExport, path: Path, max_level: int = 6) -> None:
    path.write_text(render_html(export, max_level), encoding="utf-8")
