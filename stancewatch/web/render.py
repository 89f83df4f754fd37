"""HTML pieces built in Python: the timeline chart (inline SVG) and highlighted evidence.

Both are escaped here and returned as :class:`markupsafe.Markup`, so templates insert them as
they are. The chart needs no JavaScript: each point is an SVG circle whose ``<title>`` is the
quote (browsers show it on hover) inside a link to the article.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from markupsafe import Markup, escape

from stancewatch.history.queries import RecordedChange, TimelineEntry

#: The chart is as wide as the page (x in percent, so it fits a phone) and this tall, in px.
HEIGHT = 262
#: Left and right ends of the time axis, in percent of the width.
X_START, X_END = 2.0, 98.0
#: Each stance's band (top, bottom) in px: support above the line, oppose below, neutral on it.
BANDS = {"support": (14, 100), "neutral": (106, 138), "oppose": (144, 230)}
LINE_Y = 122
COLORS = {"support": "#1a7f37", "neutral": "#6e7781", "oppose": "#cf222e"}
RADIUS = 5
#: Distance between stacked points while a stack fits its band; denser stacks squeeze.
STEP = 9
#: Time bins: the smallest of these (days) that leaves at most MAX_BINS bins over the span.
BIN_DAYS = (1, 7, 30, 91, 365)
MAX_BINS = 60
#: A stack of at least this many points carries its count.
COUNT_FROM = 3
#: Change lines: live changes (alerted) dashed amber, backfill (history only) dotted purple.
CHANGE_STYLE = {
    False: 'stroke="#9a6700" stroke-dasharray="4 3" stroke-width="1.5"',
    True: 'stroke="#8250df" stroke-dasharray="1 3" stroke-width="2"',
}


def _x(when: datetime, first: datetime, span: timedelta) -> float:
    """Percent of the width for ``when``."""
    return X_START + (X_END - X_START) * ((when - first) / span)


def _bin(span: timedelta) -> timedelta:
    """How much time one stack of points covers: a day, else a week, a month..."""
    for days in BIN_DAYS:
        if span / timedelta(days=days) <= MAX_BINS:
            return timedelta(days=days)
    return timedelta(days=BIN_DAYS[-1])


def _axes(first: datetime, last: datetime, bin_size: timedelta) -> list[str]:
    parts = [
        f'<line x1="0" y1="{LINE_Y}" x2="100%" y2="{LINE_Y}" stroke="#8c959f" stroke-width="1"/>'
    ]
    for stance, (top, _bottom) in BANDS.items():
        parts.append(
            f'<text class="band" x="4" y="{top + 11}" font-size="12" fill="{COLORS[stance]}" '
            f'fill-opacity="0.8">{stance}</text>'
        )
    span = (last - first) or timedelta(days=1)
    for i in range(5):
        when = first + span * (i / 4)
        anchor = "start" if i == 0 else "end" if i == 4 else "middle"
        minor = ' class="minor"' if i % 2 else ""  # hidden on a phone, so dates never collide
        parts.append(
            f'<text{minor} x="{_x(when, first, span):.2f}%" y="{HEIGHT - 10}" '
            f'text-anchor="{anchor}" font-size="12" fill="#57606a">{when:%Y-%m-%d}</text>'
        )
    per = {1: "day", 7: "week", 30: "month", 91: "quarter", 365: "year"}[bin_size.days]
    parts.append(
        f"<desc>Points stacked per {per}; stacks of {COUNT_FROM} or more show a count.</desc>"
    )
    return parts


def _stack_y(stance: str, index: int, count: int) -> float:
    """The y of point ``index`` of ``count`` in one bin: outward from the line, squeezed so the
    whole stack stays inside its band however many points a day has."""
    top, bottom = BANDS.get(stance, BANDS["neutral"])
    room = bottom - top - 2 * RADIUS
    step = STEP if count <= 1 or (count - 1) * STEP <= room else room / (count - 1)
    if stance == "support":  # grows upwards from the bottom of the band
        return bottom - RADIUS - index * step
    if stance == "oppose":  # grows downwards from the top of the band
        return top + RADIUS + index * step
    middle = (top + bottom) / 2  # neutral: on the line, then alternately above and below
    levels = count // 2
    step = STEP if levels * STEP <= room / 2 else room / 2 / levels
    return middle + ((index + 1) // 2) * step * (-1 if index % 2 else 1)


def timeline_svg(statements: list[TimelineEntry], changes: list[RecordedChange]) -> Markup:
    """An actor's statements over time, one linked point each, stacked per time bin inside
    their stance's band; changes as vertical lines (live dashed, backfill dotted)."""
    if not statements:
        return Markup('<p class="empty">No statements stored.</p>')
    times = [s.published_at for s in statements] + [c.changed_at for c in changes]
    first, last = min(times), max(times)
    if last - first < timedelta(days=1):
        first, last = first - timedelta(hours=12), last + timedelta(hours=12)
    span, bin_size = last - first, _bin(last - first)
    parts = _axes(first, last, bin_size)
    for change in changes:
        x = _x(change.changed_at, first, span)
        kind = "backfill" if change.backfill else "live"
        tip = f"{change.changed_at:%Y-%m-%d}: {change.old_stance} -> {change.new_stance} ({kind})"
        parts.append(
            f'<line class="change{" backfill" if change.backfill else ""}" x1="{x:.2f}%" y1="8" '
            f'x2="{x:.2f}%" y2="{HEIGHT - 26}" {CHANGE_STYLE[change.backfill]}>'
            f"<title>{escape(tip)}</title></line>"
        )
    bins: dict[tuple[int, str], list[TimelineEntry]] = defaultdict(list)
    for st in statements:
        stance = st.stance if st.stance in BANDS else "neutral"
        bins[((st.published_at - first) // bin_size, stance)].append(st)
    for (number, stance), members in sorted(bins.items()):
        middle = min(last, first + bin_size * number + bin_size / 2)
        x = _x(middle, first, span)
        for index, st in enumerate(members):
            y = _stack_y(stance, index, len(members))
            tip = f'{st.published_at:%Y-%m-%d} · {st.outlet} · {st.stance}: "{st.evidence}"'
            parts.append(
                f'<a href="/articles/{st.article_id}"><circle class="point {escape(stance)}" '
                f'cx="{x:.2f}%" cy="{y:.1f}" r="{RADIUS}" fill="{COLORS[stance]}" '
                f'fill-opacity="0.75"><title>{escape(tip)}</title></circle></a>'
            )
        if len(members) >= COUNT_FROM:
            end = _stack_y(stance, len(members) - 1, len(members))
            beside = f'dx="{RADIUS + 3}"' if x < 90 else f'dx="-{RADIUS + 3}" text-anchor="end"'
            parts.append(
                f'<text class="count" x="{x:.2f}%" {beside} y="{end + 4:.1f}" font-size="12" '
                f'font-weight="600" fill="{COLORS[stance]}">{len(members)}</text>'
            )
    body = "\n".join(parts)
    return Markup(
        f'<svg class="timeline" width="100%" height="{HEIGHT}" role="img" '
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
