"""Who holds a statement: the speaker ("X said", "- X", "X: ...", "according to X", a quote
line "– X" after the paragraph) and the subjects of each clause ("US, Germany, Hungary and
Slovakia do not support ..." gives four holders)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from stancewatch.stance.lexicon import (
    ACCORDING,
    ACCORDING_PRONOUN,
    ADDRESSEE,
    ATTRIBUTIVE,
    BELIEF_FORMS,
    CLUB_TOPIC_AFTER,
    DETERMINER_BEFORE,
    GROUP_BEFORE,
    IN_PLACE,
    LEADING_COLON,
    LIST_JOIN,
    LIST_TAIL,
    NOT_BEFORE,
    OBJECT_BEFORE,
    ORG_BODY,
    PASSIVE_BEFORE,
    POSSESSIVE_AFTER,
    POSSESSIVE_BEFORE,
    PRONOUN_SUBJECT,
    QUOTE_LINE,
    QUOTE_SAID,
    REPORTER,
    SAID_AFTER,
    SPEECH,
    STAFF,
    STATES_NOUN,
    THAT_AFTER,
    TITLE_WORDS,
    TOPIC_AFTER,
    TRAILING_COLON,
    TRAILING_DASH,
    fold,
    low_of,
)
from stancewatch.stance.matcher import Mention

_LAST_WORD = re.compile(r"(\b[a-z][\w-]*)\s+$")


@dataclass(frozen=True)
class Speaker:
    mention: Mention
    how: str  # dash | colon | according-to | speech | quote-line | quote | headline
    staff: bool = False  # "Rutte's aide": the principal's side holds it
    warns: bool = False  # "X warns Y against ...": Y is addressed, X holds the position
    #: "Kushner and Witkoff say ...": the others who say it with the speaker
    joint: tuple[Mention, ...] = ()
    #: "does not consider membership realistic": the speaker denies what follows
    denies: bool = False


def _pick(mentions: list[Mention], text: str) -> tuple[Mention, bool] | None:
    """The speaker among the mentions of an attribution: the last person, else the last one;
    "X's aide" means X's side."""
    if not mentions:
        return None
    people = [m for m in mentions if m.actor.kind == "person"]
    chosen = (people or mentions)[-1]
    return chosen, _staff(text, chosen)


def find_speaker(
    text: str, lo: int, hi: int, mentions: list[Mention]
) -> tuple[Speaker | None, int, int]:
    """The sentence's speaker and the range of what is said (the content)."""
    sentence = text[lo:hi]
    # the end-anchored patterns are searched only where a match could start (they are
    # bounded in length): searching the whole sentence tries every position
    dash = max(sentence.rfind(" -"), sentence.rfind(" –"), sentence.rfind(" —"))
    # the speaker after the dash holds no spaced dash, so the match starts at the last one
    m = TRAILING_DASH.search(sentence, max(0, dash - 4)) if dash >= 0 else None
    if m and len(m.group("who").split()) <= 10:
        who_lo = lo + m.start("who")
        picked = _pick([x for x in mentions if x.start >= who_lo], text)
        if picked or _looks_like_source(m.group("who")):
            speaker = Speaker(picked[0], "dash", picked[1]) if picked else None
            return speaker, lo, lo + m.start()
    m = TRAILING_COLON.search(sentence, max(0, len(sentence) - 100)) if ":" in sentence else None
    if m and len(m.group("who").split()) <= 6:
        who_lo, who_hi = lo + m.start("who"), lo + m.end("who")
        picked = _pick([x for x in mentions if x.start >= who_lo], text)
        # "...: Estonian Foreign Ministry" names a source; "X: Allies must invite Ukraine" does not
        lead = text[who_lo : picked[0].start] if picked else ""
        plain = all(TITLE_WORDS.search(fold(w) + " ") for w in re.findall(r"\b[a-z][\w-]*", lead))
        if picked and who_hi - picked[0].end <= 2 and plain:
            return Speaker(picked[0], "colon", picked[1]), lo, lo + m.start()
    m = IN_PLACE.match(sentence)
    if m:  # "In Hungary, they said ...", "Officials in Kyiv said": the place speaks
        who_end = lo + (m.end("who") if m.group("who") else m.end("place"))
        inside = [x for x in mentions if x.end <= who_end]
        if inside:
            return Speaker(inside[-1], "speech"), lo + m.end(), hi
    m = LEADING_COLON.match(sentence)
    if m and len(m.group("who").split()) <= 12:
        inside = [x for x in mentions if x.end <= lo + m.end("who")]
        people = [x for x in inside if x.actor.kind == "person"]
        if inside:
            first = (people or inside)[0]
            return (
                Speaker(first, "colon", _staff(text, first)),
                lo + m.end("who") + 1,
                hi,
            )
    low = low_of(text, lo, hi)
    m = ACCORDING.search(low) if "according to" in low else None
    if m and ACCORDING_PRONOUN.match(low[m.end() :]):
        return None, lo, (lo + m.start()) if m.start() > 20 else hi  # the engine resolves "him"
    if m:
        # "According to Politico, Washington and Berlin ...": the source ends at the comma
        comma = low.find(",", m.end())
        reach = min(40, comma - m.end()) if comma >= 0 else 40
        after = [x for x in mentions if 0 <= x.start - (lo + m.end()) <= reach]
        if after:
            content_hi = lo + m.start()
            return Speaker(after[0], "according-to"), lo, content_hi if content_hi - lo > 20 else hi
    m = SAID_AFTER.search(sentence, max(0, len(sentence) - 250))
    if m:  # "..., Sybiha told reporters." / "..., said Sybiha." (not "... in Tallinn")
        inside = [x for x in mentions if lo + m.start() <= x.start < lo + m.end("who")]
        if inside:
            chosen = inside[-1]
            return (
                Speaker(chosen, "speech", _staff(text, chosen)),
                lo,
                lo + m.start(),
            )
    m = QUOTE_SAID.search(sentence) if ('"' in sentence or "”" in sentence) else None
    if m:  # '"...," Demmer said, asked whether ...': the quote is what was said
        inside = [x for x in mentions if lo + m.start("who") <= x.start < lo + m.end("who")]
        if inside:
            chosen = inside[-1]
            return Speaker(chosen, "speech", _staff(text, chosen)), lo, lo + m.start() + 1
    m = next(
        (
            v
            for v in SPEECH.finditer(low)
            if not _inside(lo + v.start(), mentions)
            and not PASSIVE_BEFORE.search(low, 0, v.start())
            and not (v.group() in ("states", "state") and STATES_NOUN.search(low, 0, v.start()))
        ),
        None,
    )  # "states" in "United States" or "the Baltic states", the passive "were said to", is no verb
    if m:
        verb = lo + m.start()
        subject = _subject_before(text, lo, verb, mentions)
        if subject is not None:
            chosen, joint = subject
            reporter = REPORTER.search(low, chosen.end - lo, verb - lo) or PRONOUN_SUBJECT.search(
                low, chosen.end - lo, verb - lo
            )
            if reporter:  # "Germany and the US hold back, diplomats say", '"...," she said'
                return None, lo, lo + reporter.start()
            content_lo = lo + m.end()
            that = THAT_AFTER.match(low_of(text, content_lo, hi))
            if that:
                content_lo += that.end()
            warns = m.group().startswith("warn") and bool(ADDRESSEE.match(low, m.end()))
            denies = bool(NOT_BEFORE.search(low, 0, m.start())) and m.group() in BELIEF_FORMS
            speaker = Speaker(chosen, "speech", _staff(text, chosen), warns, joint, denies)
            return speaker, content_lo, hi
    return None, lo, hi


def _subject_before(
    text: str, lo: int, verb: int, mentions: list[Mention]
) -> tuple[Mention, tuple[Mention, ...]] | None:
    """The subject of a verb of saying: the last person before it that may be a subject, else
    the last mention that may be; with the people listed with it ("Kushner and Witkoff say").
    Read from the verb back, so ``is_subject`` runs only on the mentions that decide, not on
    every mention before the verb."""
    before = [x for x in mentions if x.end <= verb]
    people = (
        x
        for x in reversed(before)
        if x.actor.kind == "person" and is_subject(text, x, lo, mentions)
    )
    chosen = next(people, None)
    if chosen is None:
        # no person may be the subject: the last mention of another kind that may
        others = (
            x
            for x in reversed(before)
            if x.actor.kind != "person" and is_subject(text, x, lo, mentions)
        )
        last = next(others, None)
        return None if last is None else (last, ())
    joint: list[Mention] = []
    nxt = chosen
    for x in people:  # the people before the speaker that may be subjects, nearest first
        if not LIST_JOIN.fullmatch(text, x.end, nxt.start) or x.actor is chosen.actor:
            break
        joint.append(x)
        nxt = x
    return chosen, tuple(joint)


def _staff(text: str, mention: Mention) -> bool:
    """ "X's aide", "X's office": the words right after a mention."""
    return bool(STAFF.match(low_of(text, mention.end, mention.end + 40)))


def _inside(at: int, mentions: list[Mention]) -> bool:
    return any(x.start <= at < x.end for x in mentions)


def _looks_like_source(who: str) -> bool:
    """An outlet or an office after the dash ("- Politico", "- media", "- Foreign Ministry")."""
    words = who.split()
    return (
        bool(words)
        and len(words) <= 5
        and (words[0][:1].isupper() or words[0] in {"media", "sources"})
    )


def quote_line_speaker(line: str, mentions: list[Mention], offset: int) -> Mention | None:
    """A paragraph that is only "– Name": it attributes the quote above it."""
    m = QUOTE_LINE.match(line)
    if not m:
        return None
    inside = [x for x in mentions if offset <= x.start and x.end <= offset + len(line)]
    return inside[-1] if inside else None


def is_subject(text: str, mention: Mention, lo: int, mentions: list[Mention]) -> bool:
    """Could this mention be the one holding the clause (not an object or an attribute)?"""
    after = low_of(text, mention.end, mention.end + 60)
    body = mention.actor.kind == "organisation" and ORG_BODY.match(after)
    possessive = after[:1] in "’'" and POSSESSIVE_AFTER.match(after)
    staff = possessive and STAFF.match(after)  # "the alliance's leaders"
    if not staff and (possessive or (ATTRIBUTIVE.match(after) and not body)):
        return False
    if TOPIC_AFTER.match(after):
        return False
    if mention.actor.kind == "organisation" and CLUB_TOPIC_AFTER.match(after):
        return False  # "guarantees that NATO will not expand"
    before = text[max(lo, mention.start - 40) : mention.start]
    before_low = low_of(text, max(lo, mention.start - 40), mention.start)
    if before.rstrip().endswith("("):  # "(NATO)": an aside, not a holder
        return False
    if GROUP_BEFORE.search(before_low):
        return True
    # a list continues the role of the mention before it: "US, Germany, Hungary and Slovakia"
    joined = LIST_TAIL.search(before)
    if joined:
        prev = [x for x in mentions if x.end <= mention.start and mention.start - x.end <= 12]
        # a comma between a place and a person ends an opening phrase ("In Vilnius, Rutte
        # said"); only "and" or "or" joins unlike kinds into one list
        if prev and (prev[-1].actor.kind == mention.actor.kind or "," not in joined.group()):
            return is_subject(text, prev[-1], lo, mentions)
    if OBJECT_BEFORE.search(before_low):
        return False
    # a lower-case word right before a name is a verb or preposition ("see Ukraine"), unless it
    # is a title or a determiner ("the Kremlin", "former minister X")
    last = _LAST_WORD.search(DETERMINER_BEFORE.sub("", before))  # "joining the alliance": "joining"
    if mention.actor.kind == "person" and POSSESSIVE_BEFORE.search(before):
        return True  # "Lithuania's Nauseda", "Canada's Carney": the country names the person
    return last is None or bool(TITLE_WORDS.search(before_low[last.start() : last.end()]))


#: Quotation marks: curly ones open or close, a straight one does whichever is due.
_OPENING, _CLOSING, _EITHER = "“«„", "”»", '"'


def quotations(line: str) -> list[tuple[int, int]]:
    """(opening, closing) offsets of each quotation in a line; one left open runs to the end
    of the line (the next paragraph of the same quote reopens it, by newspaper custom)."""
    found: list[tuple[int, int]] = []
    opened = -1
    for i, ch in enumerate(line):
        if opened < 0 and (ch in _OPENING or ch in _EITHER):
            opened = i
        elif opened >= 0 and (ch in _CLOSING or ch in _EITHER):
            found.append((opened, i))
            opened = -1
    if opened >= 0:
        found.append((opened, len(line)))
    return found


def quoted_speakers(
    text: str, spans: list[tuple[int, int]], mentions: list[Mention]
) -> dict[int, Mention]:
    """Span index -> speaker, for the sentences of a quotation of several sentences whose
    speaker is named where it opens or closes ('"Ukraine's membership would be the worst case.
    It goes beyond our red lines," Peskov said.': the first sentence is Peskov's too)."""
    found: dict[int, Mention] = {}
    offset = 0
    for line in text.split("\n"):
        if any(ch in line for ch in _OPENING + _CLOSING + _EITHER):
            for qs, qe in quotations(line):
                _attribute(text, offset + qs, offset + qe, spans, mentions, found)
        offset += len(line) + 1
    return found


def _attribute(
    text: str,
    qs: int,
    qe: int,
    spans: list[tuple[int, int]],
    mentions: list[Mention],
    found: dict[int, Mention],
) -> None:
    """Give the sentences inside the quotation [qs, qe] the speaker named in the sentence
    where it closes (after the closing mark) or else where it opens (before the opening)."""
    within = [i for i, (lo, hi) in enumerate(spans) if lo >= qs and hi <= qe + 2]
    closing = next((i for i, (lo, hi) in enumerate(spans) if lo <= qe < hi - 2), None)
    opening = next((i for i, (lo, hi) in enumerate(spans) if lo < qs < hi), None)
    if len(within) + (closing is not None) + (opening is not None) < 2:
        return  # one sentence: its own attribution reads it
    speaker = None
    for i, after in ((closing, True), (opening, False)):
        if i is None:
            continue
        lo, hi = spans[i]
        inside = [m for m in mentions if lo <= m.start and m.end <= hi]
        who, _, _ = find_speaker(text, lo, hi, inside)
        if who is not None and (who.mention.start > qe if after else who.mention.end <= qs):
            speaker = who.mention
            break
    if speaker is None:
        return
    for i in within + [j for j in (closing, opening) if j is not None]:
        found.setdefault(i, speaker)
