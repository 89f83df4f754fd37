"""HTML pieces built in Python: the timeline chart (inline SVG) and highlighted evidence.

Both are escaped here and returned as :class:`markupsafe.Markup`, so templates insert them as
they are. The chart needs no JavaScript: each point is an SVG circle whose ``<title>`` is the
quote (browsers show it on hover) inside a link to the article.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from stancewatch.history.queries import RecordedChange, TimelineEntry

WIDTH, HEIGHT, LEFT, RIGHT = 900, 230, 70, 20
#: Support above the line, oppose below, neutral on it.
ROWS = {"support": 50, "neutral": 115, "oppose": 180}
COLORS = {"support": "#1a7f37", "neutral": "#6e7781", "oppose": "#cf222e"}


def _x(when: datetime, first: datetime, span: timedelta) -> float:
    return LEFT + (WIDTH - LEFT - RIGHT) * ((when - first) / span)


def _axes(first: datetime, last: datetime) -> list[str]:
    parts = [
        f'<line x1="{LEFT}" y1="{ROWS["neutral"]}" x2="{WIDTH - RIGHT}" y2="{ROWS["neutral"]}" '
        'stroke="#8c959f" stroke-width="1"/>'
    ]
    for stance, y in ROWS.items():
        parts.append(
            f'<text x="{LEFT - 8}" y="{y + 4}" text-anchor="end" font-size="12" '
            f'fill="{COLORS[stance]}">{stance}</text>'
        )
    span = (last - first) or timedelta(days=1)
    for i in range(5):
        when = first + span * (i / 4)
        x = _x(when, first, span)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="{anchor}" font-size="11" '
            f'fill="#57606a">{when:%Y-%m-%d}</text>'
        )
    return parts


def timeline_svg(statements: list[TimelineEntry], changes: list[RecordedChange]) -> Markup:
    """An actor's statements over time; changes as dashed vertical lines."""
    if not statements:
        return Markup('<p class="empty">No statements stored.</p>')
    times = [s.published_at for s in statements] + [c.changed_at for c in changes]
    first, last = min(times), max(times)
    if last - first < timedelta(days=1):
        first, last = first - timedelta(hours=12), last + timedelta(hours=12)
    span = last - first
    parts = _axes(first, last)
    for change in changes:
        x = _x(change.changed_at, first, span)
        tip = f"{change.changed_at:%Y-%m-%d}: {change.old_stance} -> {change.new_stance}"
        parts.append(
            f'<line class="change" x1="{x:.1f}" y1="25" x2="{x:.1f}" y2="205" stroke="#9a6700" '
            f'stroke-dasharray="4 3"><title>{escape(tip)}</title></line>'
        )
    stacked: Counter[tuple[int, str]] = Counter()
    for st in statements:
        x = _x(st.published_at, first, span)
        # Points on the same spot stack outwards from their row instead of hiding each other.
        key = (round(x / 6), st.stance)
        offset = stacked[key] * 9 * (1 if st.stance == "oppose" else -1)
        stacked[key] += 1
        y = ROWS.get(st.stance, ROWS["neutral"]) + (offset if st.stance != "neutral" else 0)
        tip = f'{st.published_at:%Y-%m-%d} · {st.outlet} · {st.stance}: "{st.evidence}"'
        parts.append(
            f'<a href="/articles/{st.article_id}"><circle class="point {escape(st.stance)}" '
            f'cx="{x:.1f}" cy="{y}" r="6" fill="{COLORS.get(st.stance, "#6e7781")}" '
            f'fill-opacity="0.8"><title>{escape(tip)}</title></circle></a>'
        )
    body = "\n".join(parts)
    return Markup(
        f'<svg class="timeline" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" '
        f'aria-label="Stance timeline" xmlns="http://www.w3.org/2000/svg">{body}</svg>'
    )


def highlight(document: str, spans: list[tuple[int, int, str]]) -> Markup:
    """``document`` escaped, with each evidence span in ``<mark>`` (overlaps merged)."""
    merged: list[list] = []
    for start, end, stance in sorted(spans):
        start, end = max(0, start), min(len(document), end)
        if start >= end:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end, stance])
    out, pos = [], 0
    for start, end, stance in merged:
        out.append(escape(document[pos:start]))
        out.append(Markup('<mark class="{}">{}</mark>').format(stance, document[start:end]))
        pos = end
    out.append(escape(document[pos:]))
    return Markup("").join(out)
