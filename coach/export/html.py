"""The HTML report: one self-contained file (inline CSS and SVG, no scripts,
no fonts or images from anywhere), every piece of text escaped."""

from __future__ import annotations

from collections import defaultdict
from html import escape
from pathlib import Path

from coach.export.records import CapabilityExport, LearnerExport, RoleRollup

_CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem;color:#1d232a}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem}h3{font-size:1rem;margin:1.2rem 0 .3rem}
table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccd;padding:.2rem .5rem;
text-align:left}th{background:#eef}.muted{color:#667}.card{border:1px solid #dde;border-radius:6px;
padding:.6rem 1rem;margin:.8rem 0}svg{display:block;margin:.3rem 0}
.bar{fill:#4a78c2}.target{stroke:#c2453a;stroke-width:2;stroke-dasharray:4 3}
.line{fill:none;stroke:#4a78c2;stroke-width:2}.diag{stroke:#999;stroke-dasharray:3 3}
.dot{fill:#c2453a}text{font:11px system-ui,sans-serif;fill:#333}
"""


def _e(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.0f}%"


def level_chart(role: RoleRollup, max_level: int) -> str:
    """People per level for one role, with the role's target as a dashed line."""
    width, height, left, bottom = 360, 150, 30, 24
    counts = [role.by_level.get(str(lv), 0) for lv in range(1, max_level + 1)]
    top = max([*counts, 1])
    step = (width - left - 10) / max_level
    parts = [
        f'<svg width="{width}" height="{height}" '
        f'role="img" aria-label="{_e(role.role)}: people per level">'
    ]
    for index, count in enumerate(counts):
        h = (height - bottom - 12) * count / top
        x = left + index * step + 4
        y = height - bottom - h
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{y:.1f}" width="{step - 8:.1f}" '
            f'height="{h:.1f}"><title>level {index + 1}: {count}</title></rect>'
        )
        parts.append(
            f'<text x="{x + (step - 8) / 2:.1f}" y="{height - 8}" '
            f'text-anchor="middle">L{index + 1}</text>'
        )
        if count:
            parts.append(
                f'<text x="{x + (step - 8) / 2:.1f}" y="{y - 2:.1f}" '
                f'text-anchor="middle">{count}</text>'
            )
    if role.target_level is not None:
        x = left + (role.target_level - 1) * step
        parts.append(
            f'<line class="target" x1="{x:.1f}" x2="{x:.1f}" y1="4" '
            f'y2="{height - bottom}"><title>target level {role.target_level}</title></line>'
        )
    parts.append("</svg>")
    return "".join(parts)


def history_chart(person: LearnerExport, max_level: int) -> str:
    """The person's level over their level events (a step line), target dashed."""
    events = person.level_history
    if not events:
        return '<p class="muted">No level events yet.</p>'
    width, height, left, pad = 360, 110, 30, 10
    t0 = events[0].at.timestamp()
    t1 = max(events[-1].at.timestamp(), t0 + 1)

    def x(t: float) -> float:
        return left + (width - left - pad) * (t - t0) / (t1 - t0)

    def y(level: float) -> float:
        return pad + (height - 2 * pad) * (max_level - level) / max(max_level - 1, 1)

    points: list[str] = []
    previous: int | None = None
    for event in events:
        px = x(event.at.timestamp())
        if previous is not None:
            points.append(f"{px:.1f},{y(previous):.1f}")
        points.append(f"{px:.1f},{y(event.to_level):.1f}")
        previous = event.to_level
    points.append(f"{width - pad:.1f},{y(previous or 1):.1f}")
    parts = [f'<svg width="{width}" height="{height}" role="img" aria-label="level history">']
    for lv in range(1, max_level + 1):
        parts.append(f'<text x="4" y="{y(lv) + 4:.1f}">L{lv}</text>')
    if person.target_level is not None:
        ty = y(person.target_level)
        parts.append(
            f'<line class="target" x1="{left}" x2="{width - pad}" y1="{ty:.1f}" '
            f'y2="{ty:.1f}"><title>target</title></line>'
        )
    parts.append(f'<polyline class="line" points="{" ".join(points)}"/>')
    for event in events:
        parts.append(
            f'<circle class="dot" cx="{x(event.at.timestamp()):.1f}" '
            f'cy="{y(event.to_level):.1f}" r="3"><title>{_e(event.at.date())}: '
            f"{_e(event.reason)}</title></circle>"
        )
    parts.append("</svg>")
    return "".join(parts)


def calibration_chart(bins: list[tuple[float, float, int]], label: str) -> str:
    """Reliability diagram: stated confidence (x) against share right (y)."""
    if not bins:
        return '<p class="muted">No rated judgments yet.</p>'
    size, pad = 180, 24

    def px(v: float) -> float:
        return pad + (size - 2 * pad) * (v - 0.5) / 0.5

    def py(v: float) -> float:
        return size - pad - (size - 2 * pad) * v

    parts = [
        f'<svg width="{size}" height="{size}" role="img" aria-label="{_e(label)}">',
        f'<line class="diag" x1="{px(0.5):.1f}" y1="{py(0.5):.1f}" x2="{px(1):.1f}" '
        f'y2="{py(1):.1f}"/>',
        f'<text x="{pad}" y="{size - 6}">confidence 50%→100%</text>',
        f'<text x="2" y="{pad - 8}">share right</text>',
    ]
    for conf, right, n in bins:
        r = 2 + min(6, n**0.5)
        parts.append(
            f'<circle class="dot" cx="{px(conf):.1f}" cy="{py(right):.1f}" r="{r:.1f}">'
            f"<title>{conf:.2f} stated, {right:.2f} right, n={n}</title></circle>"
        )
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


def _person(person: LearnerExport, max_level: int) -> str:
    d = person.demonstrated
    j = person.judgment
    rows = "".join(
        f"<tr><td>{ev.level}</td><td>{_e(ev.name)}</td><td>{ev.attempts}</td>"
        f"<td>{_pct(ev.pass_rate)}</td>"
        f"<td>{_e(ev.last_practised.date() if ev.last_practised else '')}</td></tr>"
        for ev in person.evidence_by_level
    )
    judgment = (
        f"<p>Judgment: hit rate {_pct(j.hit_rate)}, false alarms {_pct(j.false_alarm_rate)}, "
        f"d′ {_num(j.d_prime)}, bias c {_num(j.bias_c)}, Brier {_num(j.brier, 3)} "
        f"(n={j.n})</p>"
        + calibration_chart(
            [(b.mean_confidence, b.share_right, b.n) for b in j.calibration],
            f"{person.name}: calibration",
        )
        if j
        else '<p class="muted">Judgment: too few judged attempts.</p>'
    )
    history = "".join(
        f"<li>{_e(e.at.date())}: {_e(e.from_level)} → {e.to_level}"
        f"{' (provisional)' if e.provisional else ''}: {_e(e.reason)}</li>"
        for e in person.level_history
    )
    level = "not placed" if d.level is None else f"level {d.level} ({_e(d.name)})"
    weaknesses = (
        "<p>Working on:</p><ul>"
        + "".join(f"<li>{_e(w.label)}: {_e(w.detail)}</li>" for w in person.weaknesses)
        + "</ul>"
        if person.weaknesses
        else ""
    )
    note = f'<p class="muted">{_e(person.evidence_note)}</p>' if person.evidence_note else ""
    return (
        f'<div class="card"><h3>{_e(person.name)} '
        f'<span class="muted">{_e(person.email)}</span></h3>'
        f"<p>{_e(person.role_name or person.role)}; target {_e(person.target_level)}; "
        f"demonstrated {level}{' — provisional' if d.provisional else ''}"
        f"{'' if d.sd is None else f', θ sd {d.sd:.2f}, P(level) {_pct(d.p_level)}'}.</p>"
        f"<p>{_e(person.gap.sentence)}</p>"
        f"<p>{person.attempts} attempts, pass rate {_pct(person.pass_rate)}.</p>{note}"
        f"{weaknesses}<table><tr><th>Level</th><th>Name</th><th>Attempts</th><th>Pass rate</th>"
        f"<th>Last practised</th></tr>{rows}</table>"
        f"{history_chart(person, max_level)}<ul>{history}</ul>{judgment}</div>"
    )


def render_html(export: CapabilityExport, max_level: int = 6) -> str:
    levels = [p.demonstrated.level for p in export.learners if p.demonstrated.level is not None] + [
        p.target_level for p in export.learners if p.target_level is not None
    ]
    top = max([max_level, *levels])
    team_rows = "".join(
        f"<tr><td>{_e(r.role_name or r.role)}</td><td>{_e(r.target_level)}</td><td>{r.people}</td>"
        f"<td>{r.at_or_above_target}</td><td>{r.below_target}</td><td>{r.unplaced}</td></tr>"
        for r in export.team.by_role
    )
    charts = "".join(
        f"<h3>{_e(r.role_name or r.role)}</h3>{level_chart(r, top)}" for r in export.team.by_role
    )
    since = f" since {_e(export.since.date())}" if export.since else ""
    people = "".join(_person(p, top) for p in export.learners)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>coach capability export</title><style>{_CSS}</style></head><body>"
        f'<h1>Capability export</h1><p class="muted">Generated {_e(export.generated_at)}'
        f"{since}; {export.team.people} people.</p>"
        "<h2>Team: levels against targets</h2><table><tr><th>Role</th><th>Target</th>"
        "<th>People</th><th>At or above</th><th>Below</th><th>Not placed</th></tr>"
        f"{team_rows}</table>{charts}"
        f"<h2>Judgment calibration (team)</h2>"
        f"{calibration_chart(_team_calibration(export), 'team calibration')}"
        f"<h2>People</h2>{people}</body></html>\n"
    )


def write_html(export: CapabilityExport, path: Path, max_level: int = 6) -> None:
    path.write_text(render_html(export, max_level), encoding="utf-8")
