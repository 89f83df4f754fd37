"""The words the rules read: what makes a sentence about Ukraine's membership, what backs it,
what opposes it, what negates, what reports someone else's words.

Each cue has a name; the statement records it, so every label can be explained. The cues
themselves are data, stancewatch/data/cues.toml (``cues`` reads and checks it); the patterns
here are the rules' other words, each with a ``#:`` line saying what it reads: the engine,
attribution, classification, the matcher and the sentence splitter import them. A pattern
here that names NATO or Ukraine takes the names from actors.toml as the cues do (``named``:
the ``{nato}`` and ``{ukraine}`` parts), so an alias added there reaches it; what such a
pattern still writes out is no name: "NATO" as a modifier ("NATO future", "NATO-isation"),
the lower-case "alliance", demonyms. What those
modules compile themselves is plumbing: tokens, cheap literal tests that guard a pattern from
here, patterns built at run time from actors.toml, and the reading of actors.toml's titles.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence

from stancewatch.actors import Actor, load_actors
from stancewatch.stance.cues import actor_names, fill_parts, latin_script, load_cues, name_pattern
from stancewatch.stance.folding import Folded as Folded  # re-exported for the rules' readers
from stancewatch.stance.folding import ci
from stancewatch.stance.folding import fold as fold
from stancewatch.stance.folding import low_of as low_of

#: The packaged actors (actors.toml): the names of NATO, Ukraine and Russia in the patterns
#: below and in the cues come from them.
ACTORS = load_actors()
#: The cues: stancewatch/data/cues.toml, read and checked once (see ``cues``).
REGISTRY = load_cues(actors=ACTORS)


def name_parts(actors: Sequence[Actor], parts: Mapping[str, str]) -> dict[str, str]:
    """The parts the patterns here are built from: the cue registry's ``parts`` (``{nato}``,
    ``{ukraine}``, ``{russia}``: the actors' names, cues.toml says which) and, from the same
    names of NATO in ``actors``, the forms a plain group cannot give: ``{nato-cased}`` (every
    script, matched as the actor matcher matches them: an all-capital name by its case, the
    others in any case) and ``{nato-members-not}`` / ``{nato-not-before}`` (look-behinds, which
    need one fixed-width string per name: "NATO members" are no membership talk)."""
    names = actor_names(actors, "NATO")
    fixed = sorted({n for n in names if latin_script(n) and not n.endswith("*")}, key=lambda n: (-len(n), n))  # fmt: skip
    out = dict(parts)
    out["nato-cased"] = "(" + "|".join(_cased(n) for n in sorted(set(names), key=lambda n: (-len(n), n))) + ")"  # fmt: skip
    out["nato-members-not"] = "".join(f"(?<!{re.escape(n)} members)(?<!{re.escape(n)}'s members)" for n in fixed)  # fmt: skip
    out["nato-not-before"] = "".join(f"(?<!{re.escape(n)} )(?<!{re.escape(n)}'s )" for n in fixed)  # fmt: skip
    return out


def _cased(name: str) -> str:
    """A name as the actor matcher matches it: an all-capital one ("NATO", "НАТО") or one of
    three letters or fewer by its case, the others ignoring case."""
    exact = name.rstrip("*").isupper() or len(name.rstrip("*")) <= 3
    return name_pattern(name) if exact else "(?i:" + name_pattern(name) + ")"


#: The packaged parts (``name_parts``).
PARTS = name_parts(ACTORS, REGISTRY.parts)
#: The patterns built from PARTS, by name: (template, compile), so that ``named_rebuilt`` can
#: build one from other actors' parts (a test adds an alias and sees the rule read it).
TEMPLATES: dict[str, tuple[str, Callable[[str], re.Pattern[str]]]] = {}


def named(
    name: str, template: str, compiler: Callable[[str], re.Pattern[str]] = ci
) -> re.Pattern[str]:
    """``template`` with its ``{part}`` placeholders filled from PARTS, compiled (with ``ci``
    unless told): the patterns that name an actor take its names from actors.toml this way,
    the mechanism the cues use, so an alias added there reaches every rule."""
    TEMPLATES[name] = (template, compiler)
    return compiler(fill_parts(template, PARTS, f"lexicon.{name}"))


def named_rebuilt(name: str, parts: Mapping[str, str]) -> re.Pattern[str]:
    """The pattern ``name`` (one of TEMPLATES) built from ``parts`` (``name_parts`` of other
    actors) instead of the packaged ones."""
    template, compiler = TEMPLATES[name]
    return compiler(fill_parts(template, parts, f"lexicon.{name}"))


#: The sentence is about NATO: by one of its names (``{nato-cased}``), or by a description that
#: is no name of it (the lower-case "alliance", "Euro-Atlantic", its Membership Action Plan).
NATO = named(
    "NATO",
    r"\b({nato-cased}|alliance|Euro-Atlantic|MAP|"
    r"[Mm]embership [Aa]ction [Pp]lan)\b",
    re.compile,
)
#: ... and about membership, not guarantees or summits in general.
MEMBERSHIP = named(
    "MEMBERSHIP",
    r"\b(memberships?|member|members{nato-members-not}(?<!alliance members)(?<!fellow members)"
    r"(?<!other members)(?<!eastern members)(?<!european members)"
    r"(?! (of|in) {nato})|join(s|ed|ing)?|accession|accede|admit(s|ted|ting)?|admission|part of {nato}|invit(e|es|ed|ing|ation)|"
    r"bid|aspirations?|ambitions?|dreams?|dreaming|goal|integration|enlargement|expansion|expand(s|ed|ing)?|enlarg(e|es|ed|ing)|entry|enter|"
    r"accept(s|ed|ing)?|prospects?|perspective|choices?|open[- ]door|in the alliance|(a|no) place in|seat (in|at)|into the alliance|place is in|future is in|future lies in|belongs? in|MAP|path|course|future is in|in {nato}|into {nato}|"
    r"NATO-i[sz]ation|NATOi[sz]ation|членств\w*|вступ\w*|запрошен\w*)\b",
)
#: Heading for NATO, or insisting on it, is talk about membership even without the word:
#: "progress towards NATO", "closer to the Alliance", "no deal without a NATO clause".
NATO_GOAL = named(
    "NATO_GOAL",
    r"\b(towards?|closer to|without( an?| the)?)\s+{nato}\b|"
    r"\b(way|road|path|journey|progress|door|doors) (to|into|towards?) {nato}\b|"
    r"\b{nato}(’s|'s) (open )?doors?\b|"
    r"\b(give up|gives up|gave up|given up|giving up|abandon\w*|drop\w*|renounc\w*|renunciation|forgo\w*)( on| of)? "
    r"{nato}\b|"
    r"\bpart of {nato}\b|\b({nato}|Alliance)( that| which)? includ\w+ {ukraine}\b|"
    r"\bright to choose (its |their )?(own )?alliances?\b|"
    r"\b(close|closes|closed|closing|shut|shuts|open|opens|opened|keep|keeps|keeping|kept) the doors?\b|"
    r"\bannual national program(me)?\b|"
    r"\b(neutral|non-bloc|non-aligned) status\b|\bneutrality\b|\bneutral {ukraine}\b|\bremain neutral\b|"
    r"\boutside (of )?(military )?blocs?\b|\b({nato}|Alliance) without {ukraine}\b|"
    r"\bforget (about )?(joining )?{nato}\b|\bnon-(membership|accession|admission|entry)\b|"
    r"\bNATO future\b|\bfuture in {nato}\b|\b{nato}(’s|'s)? umbrella\b|"
    r"\bgr[ae]y zone\b|\birreversible (path|course|progress)\b|\b(NATO|membership) (question|issue)\b|"
    r"\bquestion of ({nato}|membership)\b|\b(have|get) NATO\b|\b{nato} (is|was) not for {ukraine}\b|\bBucharest (promise|declaration|pledge|commitment|summit)\b|\bNATO (push|drive|hopes|quest|plans?)\b|\b(push|drive|quest|race) (for|to join|into) {nato}\b|\bout of {nato}\b|\bNATO-Ukraine (Council|Commission)\b|\b(be|remain|stay|become|becomes|remains|stays) (a )?neutral\b",
)
#: A cheap literal test before NATO_GOAL (engine.py): the text names NATO (``{nato}``) or a word
#: of its goal; without one, NATO_GOAL is not read.
GOAL_HINT = named("GOAL_HINT", r"{nato}|alliance|neutral|bloc|aligned|accession|membership")


def _literal_start(piece: str) -> str:
    """The literal text every match of the pattern ``piece`` starts with: up to its first
    special character, less a character a quantifier may drop ("contingents?": "contingent")."""
    special = re.search(r"[][(){}?*+|\\.^$]", piece)
    if special is None:
        return piece
    cut = special.start()
    return piece[: cut - 1] if piece[cut] in "?*{" else piece[:cut]


#: The nouns of a military presence (NATO_PRESENCE, PRESENCE_HINTS).
_PRESENCE_NOUNS = (
    "troops", "forces", "soldiers", "peacekeepers", "contingents?", "military", "instructors",
    "weapons", "bases", "jets", "aircraft", "planes", "infrastructure", "presence", "exercises?",
    "drills", "air defen[cs]e",
)  # fmt: skip
#: NATO named as a military presence ("NATO troops in Ukraine"), not as a club to join: such a
#: mention alone puts a sentence on topic only with a word that is about membership itself.
NATO_PRESENCE = named(
    "NATO_PRESENCE",
    r"\b({nato}|Alliance)(’s|'s)? (" + "|".join(_PRESENCE_NOUNS) + r")\b",
)
#: Every match of NATO_PRESENCE holds one of these (a space and the literal start of a noun
#: of presence): a test in C before the pattern, which most sentences fail.
PRESENCE_HINTS = tuple(" " + _literal_start(noun) for noun in _PRESENCE_NOUNS)
#: A word about membership itself (MEMBERSHIP without "path", "future", "goal" ...): what
#: NATO named only as troops, or a cue after "in exchange for", needs to be about the bid.
MEMBERSHIP_WORD = named(
    "MEMBERSHIP_WORD",
    r"\b(memberships?|member|{nato-not-before}(?<!alliance )(?<!fellow )(?<!other )(?<!eastern )(?<!european )members"
    r"(?! (of|in) {nato})|join(s|ed|ing)?|accession|accede|admission|invit(e|es|ed|ing|ation)|bid|aspirations?|"
    r"ambitions?|integration|enlargement|expansion|in the alliance|into the alliance|in {nato}|into {nato})\b",
)
#: "The bloc", "the US-led military bloc": NATO where no other club is named.
BLOC = ci(r"\b(the|this|that|military|western|us-led|u\.s\.-led) bloc\b")
#: NATO growing somewhere else than towards Ukraine: not about the bid.
OTHER_REGION = ci(
    r"\b(expansion|enlargement|expand\w*|enlarg\w*|presence) (in)?to (the )?(asia|asia-pacific|pacific|indo-pacific|"
    r"arctic|middle east|africa|south caucasus|balkans)\b"
)
#: A lone sentence about "accession" with no NATO in it: read as NATO accession unless the
#: EU (or another club) is named.
OTHER_CLUB = re.compile(r"\b(EU|European Union|eurozone|Schengen|WTO|OECD|EU's)\b")
#: ... the words that make such a lone sentence about accession ("admitted", "invitation").
LONE_MEMBERSHIP = ci(
    r"\b(accession|membership|admission|aspirations?|become a member|join|joins|admit|admitted|admitting|invit(e|ed|ing|ation))\b"
)

#: Cues that carry their own negation, tried first where cues overlap.
SELF_NEGATED = REGISTRY.having("self-negated")
#: Substrings one of which a clause must contain for a cue's pattern to be tried at all: a
#: cheap test in C that spares most of the regex work (the engine reads 800-word articles).
#: Derived from each cue's pattern (``cues.derive_triggers``) unless its entry gives them.
TRIGGERS: dict[str, tuple[str, ...]] = {c.name: c.triggers for c in REGISTRY.cues}


class Scan:
    """A pattern's matches, found fast: ``re`` scans quickly for a pattern that starts with
    letters, and slowly (up to ~10x) for one that starts with an assertion such as a leading
    word boundary, which defeats its first-character skip. With ``relax``, a copy without the
    leading assertions of each top-level branch finds the candidate positions, and the exact
    pattern is matched there: the same matches as ``exact.finditer``, since dropping an
    assertion only lets the copy match at more places. It pays only where the copy does not
    match inside many words ("will" in "goodwill"): see RELAXED."""

    __slots__ = ("exact", "fast", "finditer")

    def __init__(self, exact: re.Pattern[str], relax: bool = False) -> None:
        self.exact = exact
        relaxed = "|".join(_LEADING_ASSERTION.sub("", b) for b in _branches(exact.pattern))
        self.fast = re.compile(relaxed) if relax and relaxed != exact.pattern else None
        # the exact pattern's own finditer when there is nothing to relax: no generator
        self.finditer: Callable[[str], Iterator[re.Match[str]]] = (
            exact.finditer if self.fast is None else self._relaxed
        )

    def _relaxed(self, text: str) -> Iterator[re.Match[str]]:
        assert self.fast is not None
        pos, fast, exact = 0, self.fast, self.exact
        while (m := fast.search(text, pos)) is not None:
            at = m.start()
            hit = exact.match(text, at)
            if hit is None:
                pos = at + 1
                continue
            yield hit
            pos = hit.end() if hit.end() > at else at + 1

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> re.Match[str] | None:
        end = len(text) if endpos is None else endpos
        if self.fast is None:
            return self.exact.search(text, pos, end)
        while (m := self.fast.search(text, pos, end)) is not None:
            hit = self.exact.match(text, m.start(), end)
            if hit is not None:
                return hit
            pos = m.start() + 1
        return None


_LEADING_ASSERTION = re.compile(r"^(\\b|\(\?<[!=](\\.|[^)\\])*\))+")


def _branches(pattern: str) -> list[str]:
    """The top-level alternatives of a pattern."""
    out, depth, start, i, in_class = [], 0, 0, 0, False
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if in_class:
            in_class = c != "]"
        elif c == "[":
            in_class = True
        elif c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
        elif c == "|" and depth == 0:
            out.append(pattern[start:i])
            start = i + 1
        i += 1
    out.append(pattern[start:])
    return out


#: Cues scanned through a relaxed copy (Scan): those it made at least 25% faster on the
#: clauses of bench/stance_speed.py; for the others the copy's many candidates cost more.
RELAXED = REGISTRY.having("relaxed")
#: Every cue, self-negated ones first: (name, compiled pattern, polarity, triggers).
CUES = [
    (c.name, Scan(c.regex, relax=c.name in RELAXED), c.polarity, c.triggers)
    for c in sorted(REGISTRY.cues, key=lambda c: c.name not in SELF_NEGATED)
]


def _trigger_index() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One regex that finds every trigger in a clause in a single C-level pass, and for each
    trigger the cues (by index in CUES) to try when it is found. It looks at every position
    (a lookahead: triggers may overlap, and derived ones may start inside a word, " moscow"),
    and the longest trigger at a position wins, so a shorter one it starts with ("without" in
    "without ukraine") would be hidden: the found trigger stands for every trigger it holds."""
    triggers = sorted({t for _, _, _, ts in CUES for t in ts}, key=lambda t: (-len(t), t))
    assert all(t.strip() for t in triggers), "an empty trigger would run every cue on every clause"
    cues_of = {
        t: frozenset(i for i, (_, _, _, ts) in enumerate(CUES) if any(x in t for x in ts))
        for t in triggers
    }
    return re.compile("(?=(" + _trie_pattern(triggers) + "))"), cues_of


def _trie_pattern(words: list[str]) -> str:
    """An alternation factored as a trie (each position tries only the branches of its first
    character), longest match first."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _node_pattern(trie)


def _node_pattern(node: dict) -> str:
    branches = [re.escape(ch) + _node_pattern(child) for ch, child in sorted(node.items()) if ch]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return "(?:" + body + ")?" if "" in node else body


#: Finds triggers in lower-cased text; TRIGGERED maps each found trigger to its cues.
TRIGGER_RE, TRIGGERED = _trigger_index()

#: Verbs of saying, the one list every reader of speech builds from: each verb with the
#: forms the rules read (not every form: "thought", "saw", "considered" are read as no verb of
#: saying). Each reader takes the forms it reads from here (``saying``), so a verb is added in
#: one place; the readers' own subsets are below, each with what it reads. They are the lists
#: the readers kept before this one, unchanged: widening one is a rule change (it may move
#: lines of the stance gate), not a tidy-up.
SAYING: dict[str, tuple[str, ...]] = {
    # speech
    "say": ("say", "says", "said"),
    "state": ("states", "stated"),
    "tell": ("tells", "told"),
    "warn": ("warn", "warns", "warned"),
    "add": ("adds", "added"),
    "stress": ("stresses", "stressed"),
    "note": ("notes", "noted"),
    "emphasise": ("emphasises", "emphasizes", "emphasised", "emphasized"),
    "insist": ("insists", "insisted"),
    "claim": ("claim", "claims", "claimed"),
    "argue": ("argues", "argued"),
    "announce": ("announces", "announced"),
    "declare": ("declares", "declared"),
    "comment": ("commented",),
    "explain": ("explains", "explained"),
    "write": ("writes", "wrote"),
    "reiterate": ("reiterates", "reiterated"),
    "express": ("expressed",),
    "confirm": ("confirms", "confirmed"),
    "admit": ("admits", "admitted"),
    "assure": ("assures", "assured"),
    "promise": ("promises", "promised"),
    "vow": ("vow", "vows", "vowed"),
    "pledge": ("pledges", "pledged"),
    "reaffirm": ("reaffirm", "reaffirms", "reaffirmed"),
    "suggest": ("suggests", "suggested"),
    "acknowledge": ("acknowledge", "acknowledges", "acknowledged"),
    "concede": ("concede", "concedes", "conceded"),
    "mention": ("mentioned",),
    "recall": ("recalls", "recalled"),
    "reply": ("replies", "replied"),
    "respond": ("responds", "responded"),
    "answer": ("answered",),
    # thinking aloud (BELIEVING: those whose denial negates what follows)
    "believe": ("believe", "believes", "believed"),
    "think": ("think", "thinks"),
    "consider": ("consider", "considers"),
    "expect": ("expect", "expects"),
    "see": ("see", "sees"),
    "hope": ("hope", "hopes"),
    "be convinced": ("convinced",),
    # asking and exclaiming (ASKING: a question is no statement of a position)
    "ask": ("asks", "asked"),
    "wonder": ("wondered",),
    "exclaim": ("exclaimed",),
}
#: Verbs of belief whose denial negates the clause they govern ("does not think membership is
#: realistic"): NEG_RAISING, and a speaker who "does not believe" denies what follows.
BELIEVING = ("believe", "think", "consider", "expect", "see")
#: Verbs that ask or exclaim: they end a quote ('"Why not?" Kuleba asked') but introduce no
#: statement of the speaker's own ("asked NATO to ..."): SPEECH leaves them out.
ASKING = ("ask", "wonder", "exclaim")
_SAYING_FORMS = frozenset(f for forms in SAYING.values() for f in forms)
assert set(BELIEVING) | set(ASKING) <= set(SAYING)


def saying(*forms: str) -> str:
    """An alternation (no group) of ``forms``, each a form in SAYING, in the order given."""
    unknown = [f for f in forms if f not in _SAYING_FORMS]
    if unknown:
        raise ValueError(f"not a form in lexicon.SAYING: {', '.join(unknown)}")
    return "|".join(re.escape(f) for f in forms)


#: What introduces a speaker's words, wherever the speaker stands ("X said", "X believes that",
#: "according to X"): every verb of saying but the ASKING ones, and the phrases.
SPEECH_WORDS = [f for verb, forms in SAYING.items() if verb not in ASKING for f in forms] + [
    "according to",
    "has said",
    "have said",
]
#: Finds a SPEECH_WORDS entry in folded text (longest first).
SPEECH = re.compile(r"\b(?:" + _trie_pattern(SPEECH_WORDS) + r")\b")
#: The denied beliefs (attribution: "does not consider membership realistic").
BELIEF_FORMS = frozenset(f for verb in BELIEVING for f in SAYING[verb])
#: After a quote or a comma, before the speaker's name ('..., said Sybiha').
SAID_BEFORE_NAME = saying(
    "said", "says", "told", "added", "warned", "stressed", "noted", "wrote", "asked"
)
#: After the speaker's name at the end of a sentence ('..., Sybiha told reporters').
SAID_AFTER_NAME = saying(
    "said", "says", "told", "added", "warned", "stressed", "noted", "wrote", "believes", "insisted",
    "argued", "asked", "asks", "replied", "wondered",
)  # fmt: skip
#: After a place's officials ("In Hungary, they said", "Officials in Kyiv stated").
SAID_IN_PLACE = saying("said", "say", "says", "believe", "stated", "announced", "noted", "stressed")
#: After a pronoun ("He said Ukraine ...", '"...," she added').
SAID_BY_PRONOUN = saying(
    "said", "says", "told", "added", "adds", "stressed", "noted", "warned", "insisted", "argued",
    "wrote", "explained", "emphasised", "emphasized", "believes", "thinks", "stated", "declared",
)  # fmt: skip
#: After a quoted question or exclamation, with its speaker ('"Why not?" Kuleba asked'): the
#: sentence goes on.
SAID_AFTER_QUESTION = saying(
    "said", "says", "asked", "asks", "told", "added", "wrote", "replied", "insisted", "noted",
    "stressed", "exclaimed", "wondered",
)  # fmt: skip
#: Naming a condition for progress ("press freedom is important for Ukraine's progress
#: towards NATO") states no position; "after reforms" is conditional backing (support).
CONDITION = ci(
    r"\b(is|are|was|were|remains?|remain)\s+(\w+\s+){0,2}?(important|vital|crucial|essential|necessary|needed|"
    r"key|a prerequisite|a precondition|a condition|conditions?)\s+(for|to|of)\b"
)
#: ... but a condition of reforms is conditional backing, not an absent position.
REFORMS = ci(r"\breforms?\b")
#: "the countries that oppose it": a cue in a relative clause belongs to its antecedent.
RELATIVE = ci(
    r"\b(countries|states|nations|allies|members|those|people|leaders|politicians|parties|officials|"
    r"governments|capitals|partners|others)\s+(that|who|which)\b"
)
#: "did not believe membership was realistic": a negated belief negates the clause it governs.
NEG_RAISING = ci(
    r"(\bnot|n't|\bnever) (" + "|".join(BELIEVING) + r")\b|"
    r"(?<!no )(?<!no one )(?<!nobody )(?<!without )(?<!little )\bdoubt(s|ed|ing)?\b(?! about)"
)
#: Every match of NEG_RAISING holds one of these: a test in C before the pattern.
NEG_RAISING_HINTS = ("not ", "n't ", "never ", "doubt")
#: "There will be no deal in which Ukraine renounces ...": what the frame excludes is negated.
NO_FRAME = ci(
    r"\b(no|never an?|not an?|not any)\s+(\w+\s+){0,2}?(deal|agreement|settlement|scenario|plan|peace|solution|"
    r"compromise|future)\s+(in which|that|where|under which|which)\b"
)
#: What is exchanged for something else is received, not given ("drop the bid in exchange
#: for guarantees"): the clause ends there for the cues.
EXCHANGE = ci(r"\b(in exchange for|in return for)\b")
#: Phrases with a negator that negate nothing ("no doubt that", "not only").
FALSE_NEGATION = ci(r"\b(no doubt|not only|without doubt|no matter)\b")
#: What a cue of backing or opposing takes as its object when it is not membership ("backs
#: Ukraine's territorial integrity"): that cue says nothing about the bid.
OTHER_OBJECT = named(
    "OTHER_OBJECT",
    r"\W+(for )?((the|a|an|its|their|his|her|our|{ukraine}(’s|'s)|Ukrainian|continued|further|more|"
    r"new|strong|full|military|financial|\w+-term)\s+){0,3}"
    r"(territorial integrity|sovereignty|independence|ceasefire|truce|peace (plan|talks|process|deal|efforts?|initiative)|"
    r"sanctions|aid|weapons|arms|air defen[cs]e|reconstruction|EU (membership|accession|bid)|"
    r"membership in the (EU|European Union)|accession to the (EU|European Union)|"
    r"(security )?guarantees|troops|defen[cs]e|army|economy|budget|loans?|assets|favou?rs?|charity|gifts?)\b|"
    r"\W+(the\W+)?[\w-]+[’']s\W+(\w+\W+)?(position|stance|policy|approach)\b|"
    r"\W+(for |of |to )?({ukraine}|the Ukrainian people|Ukrainians)(?=\s*($|[,;.]|but\b|and\b|while\b))",
)
#: "questioned Hungary's stance on ...": a sentence about someone's position on the bid; with no
#: cue in it, it states nobody's own (the learned model needs its surest reading there).
POSITION_OF = ci(r"\b[\w-]+['’]s (stance|position|policy|approach|views?|line) (on|towards?)\b")
#: "stopped short of endorsing", "declined to back": no position is given.
WITHHELD = ci(
    r"\b(stop(s|ped)? short of|f[ae]ll(s)? short of|declin(e|es|ed|ing) to|refrain(s|ed|ing)? from|"
    r"avoid(s|ed|ing)?)\W*$|\bwhether\b"
)
#: "Why should Ukraine not be in NATO?": a question why not asserts the opposite of its negation.
RHETORICAL = ci(
    r"\W*why ((should|would|could|can|must|is|are|does|do)n't|cannot|"
    r"(should|would|could|can|must|is|are|does|do)\b[^?.]{0,60}?\bnot)\b"
)
#: Negators and their reach: a cue with one of these in the few words before it is flipped.
NEGATOR = ci(
    r"\b(not|no|never|n't|cannot|can't|nobody|no one|none|neither|nor|without|hardly|refus\w+)\b|n't\b"
)
#: "stop blocking": a verb of stopping right before a cue negates it.
STOP_BEFORE = ci(
    r"\b(stop|stops|stopped|cease|ceases|ceased)\W*$|"
    r"\b(lift|lifts|lifted|lifting|end|ends|ended|scrap|scraps|scrapped)\s+(its|their|his|her|the)\s*$"
)
#: "substitutes for membership": rejecting a substitute is backing the real thing.
SUBSTITUTE = ci(
    r"\b(substitutes?|surrogates?|alternatives?|replacements?|instead of|in place of|in lieu of)\b"
)
#: A contrast: the clause after it carries the holder's position.
CONTRAST = ci(r"(?:,|;|\s[-–—])\s*(?:but|however|yet|while|whereas)\b,?|\bbut\b|;\s*however,?")
#: A concession after the main clause: what it grants is not the holder's position ("hopes for
#: an invitation, although membership is not on the table"; "the path is irreversible despite
#: the administration's claims that it will not join").
CONCESSION = ci(
    r"(?:,|;|\s[-–—])\s*(?:although|though)\b|\s(?:even though|although|despite|in spite of)\b"
)
#: Reporting a claim and denying it says nothing of the speaker's own position.
DENIAL = ci(r"\b(is|are|was|were) (untrue|false|fake|not true)\b|\bden(y|ies|ied)\b|\brefuted\b")
#: Commenting on someone else's statement: the statement's owner holds the stance.
REPORTED = ci(
    r"\b(comment(s|ed)? on|react(s|ed)? to|respond(s|ed)? to|on)\s+(?P<owner>.{2,60}?)[’']s? (statement|words|remarks|claim|comments?)\b"
)
#: Words after an actor name that make it an attribute, not a holder ("NATO countries").
ATTRIBUTIVE = ci(
    r"^[\s’']*(s\s+)?(countries|members?|member states|allies|summit|membership|accession|standards|treaty|"
    r"aspirations|bid|dreams|clause|invitation|integration|path|course|expansion|enlargement|troops|"
    r"officials?|leaders?|partners|capitals|promise|declaration|pledge|commitment|format|process|memorandum)\b"
)
#: "NATO allies reaffirmed": an organisation's own body speaks for it.
ORG_BODY = ci(
    r"^\s+(allies|leaders|member states|foreign ministers|defen[cs]e ministers|summit declaration|"
    r"communiqu\w+|declaration)\b"
)
#: Words before a mention that make it an object, not a holder.
OBJECT_BEFORE = ci(
    r"\b(to|with|of|on|for|from|by|about|between|into|in|at|than|ask(s|ed)?|call(s|ed)?|urge[sd]?|persuade|convince|"
    r"meets?|met|invite[sd]?|against|over|toward|towards|under|within|outside|beyond|behind|near|via|through|across)"
    r"\s+((the|a|an|both|all|its|their|our|his|her)\s+){0,2}$"
)
#: Lower-case words that may stand right before a holder: determiners, titles, adverbs.
TITLE_WORDS = ci(
    r"\b(the|a|an|also|and|or|both|even|only|now|today|currently|however|still|meanwhile|then|if|when|as|since|so|"
    r"because|that|while|whereas|but|said|says|president|minister|chancellor|prime|foreign|defen[cs]e|secretary|"
    r"general|ambassador|leader|candidate|presidential|former|ex|deputy|head|speaker|spokes(man|woman|person)|dictator|"
    r"officials?|envoy|adviser|advisor|aide|premier|current|new|elect|ministry|office|government|state|of|chief|"
    r"commissioner|representative|negotiator|lawmaker|senator|congressman|congresswoman|vice|policy|top|diplomat|"
    r"commander|chairman|chair|special|national|security|affairs|mayor|lead|incoming|outgoing|acting)\s+$"
)
#: A mention followed by a membership predicate is the topic, not a holder ("Ukraine will
#: become a NATO member", "Ukraine should be admitted").
TOPIC_AFTER = ci(
    r"^[’']?\s+(should|must|will|would|can|could|cannot|can't|may|might|has to|needs? to|is to|is going to)?\s*"
    r"(not\s+|never\s+)?(be\s+(admitted|invited|accepted)|become|becoming|join|joining|receive|get)\b"
)
#: "NATO will not expand": the alliance growing is the topic, not a position it holds.
CLUB_TOPIC_AFTER = ci(
    r"^[’']?\s+(should|must|will|would|can|could|cannot|can't|may|might|is to|is going to)?\s*(not\s+|never\s+)?"
    r"(\w+\s+)?(expand\w*|enlarg\w*|grow|grows|move\w* (further )?east\w*)\b"
)
#: ... unless it counts people ("88% of Ukrainians") or names members of a group.
GROUP_BEFORE = ci(r"(\d+\s?%\s+of|majority of|most|besides|apart from|like|including|such as)\s*$")
#: "Rutte's aide", "Zelenskyy's office": staff speaking for their principal's side.
STAFF = ci(
    r"^[’']s\s+(aide|office|spokes(man|woman|person)|adviser|advisor|team|administration|press service|government|"
    r"(foreign|defen[cs]e|prime|deputy prime) ministers?|president|ambassador|envoy|foreign ministry|"
    r"representative|delegation|mission|leaders?|chancellor)\b"
)
#: What joins names into one list ("US, Germany, Hungary and Slovakia"): the whole gap between
#: two names (fullmatch), or the end of the words before a name (LIST_TAIL).
LIST_JOIN = ci(r"(\s*,\s*(and\s+)?|\s+(and|or)\s+|\s*&\s*)(the\s+)?")
#: ... the end of the words before a name: it continues a list.
LIST_TAIL = re.compile("(" + LIST_JOIN.pattern + ")$")
#: "Trump's statement that Ukraine will not join": what follows is the owner's position.
OWNED = ci(
    r"[’']s ([\w-]+ )?(statement|words|remarks?|claims?|comments?|assertion|promise|pledge|position|decision|view|"
    r"demands?|calls?|proposals?|idea|plan|insistence|conditions?|ultimatum|offer|suggestion|framework|draft|deal|"
    r"initiative|requests?|bid|push)"
    r"( (that|to|on|for)\b|(?=\s+(would|will|includes?|envisages?|calls for|foresees|requires?|bars?|rules? out|"
    r"excludes?|contains?|offers?|gives?|keeps?)\b))"
)
#: "Hungary's veto on Ukraine's NATO path is a gift to Putin": the act named is Hungary's, up
#: to the verb (what follows is the speaker's judgement of it).
OWNED_ACT = ci(
    r"[’']s (veto|opposition|refusal|support|backing|endorsement|rejection|blocking|resistance|reluctance)\b"
)
#: ... where that act's noun phrase ends: its verb, or a comma.
OWNED_ACT_END = ci(
    r"\b(is|are|was|were|has|have|had|would|will|remains?|could|may|might|must)\b|,|;"
)
#: What one insists on or asks for, with no cue of its own ("Zelensky's insistence on NATO
#: membership"): the owner wants it.
WANTING = ci(r"[’']s ([\w-]+ )?(demands?|calls?|insistence|requests?|bid|push|hopes?|wish)\b")
#: "thanked Latvia for its support of ...": the one thanked holds what it is thanked for.
THANKED = ci(
    r"\b(thank(s|ed|ing)?|grateful to|gratitude to|prais(e|es|ed|ing)|commend(s|ed|ing)?|applaud(s|ed|ing)?)"
    r"\s+(the\s+)?$"
)
#: "accused Zelensky of surrendering the bid": the one accused holds what follows.
ACCUSED = ci(
    r"\b(accus(e|es|ed|ing)|blam(e|es|ed|ing)|criticis(e|es|ed|ing)|criticiz(e|es|ed|ing)|condemn(s|ed|ing)?|"
    r"slam(s|med|ming)?|suspect(s|ed)?)\s+(the\s+)?$"
)
#: "Ukraine has agreed to drop its bid": the candidate acting on its bid, not its topic.
AGENT_AFTER = ci(
    r"^\s+(has\s+|had\s+|have\s+)?(now\s+|formally\s+|officially\s+|reportedly\s+|already\s+)?"
    r"(agreed|agrees|decided|decides|offered|offers|refused|refuses|renounced|renounces|dropped|drops|"
    r"abandoned|abandons|gave up|gives up|given up|(is|was|are|were) (ready|willing|prepared))\b"
)
#: After a country's name: its own bid ("Georgia's aspirations to join NATO"); a sentence about
#: another country's bid that does not name Ukraine is not about Ukraine's (convention 7).
BID_AFTER = ci(
    r"(’s|'s)?\s+(NATO\s+)?(bid|aspirations?|ambitions?|membership|accession|application)\b"
)
#: Statements about one's own bid: "our NATO membership", "our accession".
OWN_BID = ci(r"\bour\b(?:\W+\w+){0,2}?\W+(membership|accession|bid|invitation|aspirations?|path)\b")
#: A sentence that refers back to the bid the sentence before was about: "Orbán said he
#: opposes the bid", "such an invitation was premature", "Kyiv's application".
TOPIC_BACK = named(
    "TOPIC_BACK",
    r"\b(the|this|that|its|their|his|her|such an?|{ukraine}(’s|'s)|our)\s+"
    r"((\w+|fast-track)\s+)?(bid|application|request|invitation|membership|accession|"
    r"aspirations?|ambitions?|candidacy)\b",
)
#: A passive whose agent follows: "was opposed by", "has been blocked by", "is backed by",
#: "it was agreed by": the agent after "by" holds what the participle says.
PASSIVE_BY = ci(
    r"\b(is|are|was|were|been|being|be|get|gets|got)\s+((\w+ly|also|not|never|now|again|still|long|"
    r"repeatedly|openly)\s+){0,2}\w+(ed|en|wn)\s+by\s+(the\s+)?$"
)
#: A participle that reports a decision, statement or view ("it was agreed by the allies that
#: ...", "was perceived by Putin as a declaration of war"): what follows the agent is theirs.
PASSIVE_SAID = ci(
    r"\b(agreed|decided|stated|declared|announced|confirmed|said|stressed|perceived|seen|viewed|"
    r"regarded|considered|described|called|labell?ed|branded|deemed)\s+by\s+(the\s+)?$"
)


# -- the engine (engine.py): clauses, topic, who is addressed, pronoun speakers ------------------

#: Words that make a sentence of a text about NATO worth the model's reading.
LOOSE_TOPIC = named(
    "LOOSE_TOPIC",
    r"\b(join\w*|member\w*|accession|accede|bid|aspiration\w*|integrat\w*|invit\w*|alliance|"
    r"nato\w*|{nato}|neutral\w*|non-bloc|red line|MAP|enlarge\w*|expan\w*|open door)\b",
)
#: "Besides US and Germany, other countries that oppose": the list is part of the antecedent.
GROUPED = ci(r"\b(besides|apart from|other|including|such as|like|among)\b")
#: The words of a title that a country's name or adjective opens: "German Chancellor",
#: "Russia's top diplomat", "Slovak Prime Minister", "Russian president-elect".
COUNTRY_TITLE = (
    r"(?:(?:former|then|acting|deputy|vice|top|foreign|defen[cs]e|prime|new|outgoing|"
    r"incoming|interior|finance|security)[\s-]+){0,2}"
    r"(?:president(?:-elect)?|prime minister|premier|prime|chancellor|minister|diplomat|"
    r"ambassador|envoy|leader|king|queen|spokes(?:man|woman|person)|secretary|chief|pm|fm)\b"
)
#: A contrast clause with a subject of its own ("..., while a number of countries are against").
NEW_SUBJECT = ci(
    r"^\W*(while|whereas)\b|^\W*(but|however|yet)\W+(a|the|some|other|others|many|several|most)\b"
)
#: NATO (by name or by description) in folded text: NATO compiled by ``ci``.
NATO_LOW = named("NATO_LOW", TEMPLATES["NATO"][0])
#: "Nauseda: the Alliance must not ...": the one told what it must do is addressed.
OBLIGED = ci(r"\s+(\w+\s+)?(must|should|ought to|has to|have to|needs? to)\b")
#: "called on NATO to ...", "urged the allies to": who is called on is addressed, right before.
CALLED_ON = ci(
    r"\b(call(s|ed|ing)? (on|upon)|urg(e|es|ed|ing)|appeal(s|ed|ing)? to|implor\w+)\s+"
    r"(the |its |his |her |their |all )?\W*\Z"
)
#: "... must stop blocking": the one told so is named as blocking it.
TOLD_TO_STOP = ci(
    r"\s+(\w+\s+)?(must|should|ought to|has to|have to|needs? to|to)\s+(stop|cease|end)\s+"
    r"(block|veto|obstruct|stall)\w*"
)
#: "he said", "she also added": a pronoun and a verb of saying.
_PRONOUN_SAYS = r"(he|she)\s+(also\s+|later\s+|then\s+|further\s+)?(" + SAID_BY_PRONOUN + r")\b"
#: "according to him", "in her view", "as he put it": a pronoun's words.
_PRONOUN_WORDS = (
    r"(according to (him|her)|in (his|her) (words|view|opinion)|as (he|she) (put it|said))"
)
#: "He said Ukraine ...", "According to him, ...": the sentence opens with a pronoun speaker.
PRONOUN_LEAD = ci(r"\W*(" + _PRONOUN_SAYS + "|" + _PRONOUN_WORDS + r",?)")
#: '"...," he said', "..., according to her": a quote attributed to a pronoun.
PRONOUN_AFTER = ci(r"[\"”»’,]\s*(" + _PRONOUN_SAYS + "|" + _PRONOUN_WORDS + ")")
#: "While Poland pushes for it, Germany urges caution": a concession that opens the
#: sentence, up to its comma, is a clause of its own.
LEADING_WHILE = ci(r"\W*(while|whereas|although|though)\b[^,;]{8,}?,")
#: Ukraine named (its names and metonyms, ``{ukraine}``, or a word of its stem: "Ukrainian",
#: "Ukrainians"): "NATO's expansion into the Arctic" is off the bid unless Ukraine is named too.
UKRAINE_NAMED = named("UKRAINE_NAMED", r"\b({ukraine}|ukrain\w*)\b")
#: "Will Ukraine ever join NATO? Rutte says yes": a bare yes or no as what is said.
YES_NO = ci(r"\W*(yes|no)\b\W*")


# -- attribution (attribution.py): who says it ---------------------------------------------------

#: "Ukraine will be in NATO - Rutte": the speaker after a spaced dash at the end.
TRAILING_DASH = re.compile(
    r"(?:,\s*)?\s[-–—]\s+(?P<who>(?:[^-–—]|(?<=\w)-(?=\w)){2,120}?)[.!]?\s*$"
)
#: "... invitation: Estonian Foreign Ministry": the speaker after a colon at the end.
TRAILING_COLON = re.compile(r":\s+(?P<who>[^:]{2,60}?)[.!]?\s*$")
#: "Nauseda: Ukraine must be invited": the speaker before a colon that opens it.
LEADING_COLON = re.compile(r"^(?P<who>[^:]{2,90}?):\s+\S")
#: "according to X" (folded text): X is the speaker.
ACCORDING = re.compile(r"\baccording to\b")
#: "according to him": a pronoun source, resolved by the engine from the sentence before.
ACCORDING_PRONOUN = re.compile(r"\s+(him|her|them)\b")
#: "– Rutte" on a line of its own after a quoted paragraph: its speaker.
QUOTE_LINE = re.compile(r"^\s*[-–—]\s*(?P<who>.{2,80}?)\s*$")
#: A speaker's name as attribution after a quote writes it: up to six capitalised words.
_NAMED_WHO = r"(?P<who>(?:[A-Z][\w.’'-]*\s+){0,5}?[A-Z][\w.’'-]*)"
#: '..., said Sybiha.', '..., Sybiha told reporters.': the speaker named at the end,
#: after a comma or a closing quote.
SAID_AFTER = re.compile(
    r"(?:,|[.!?,]?[\"”»’])\s*(?:(?:"
    + SAID_BEFORE_NAME
    + r")\s+)?"
    + _NAMED_WHO
    + r"(?:\s+(?:"
    + SAID_AFTER_NAME
    + r")"
    r"\b[^,]{0,40})?\s*[.!]?\s*$"
)
#: '"...," Demmer said, asked whether ...': a quote closing right before its speaker and the
#: verb, with more after a comma (SAID_AFTER wants the sentence to end there): the quote is
#: what was said.
QUOTE_SAID = re.compile(
    r"[.!?,][\"”»]\s*" + _NAMED_WHO + r"\s+(?:" + SAID_AFTER_NAME + r")\b[^,\"“”]{0,80},"
)
#: "warns NATO against", "warned allies not to": someone addressed, then what not to do.
ADDRESSEE = re.compile(r"\s+(the\s+)?[\w.-]+(\s+[\w.-]+){0,2}?\s+(against|not to)\b")
#: ", diplomats say": the speech verb's subject is no tracked actor. ("nato", "kremlin" are two
#: of the modifiers of an unnamed source, beside "us", "eu", "western": no list of an actor's
#: names, so not built from actors.toml: "Putin sources" is no English.)
REPORTER = re.compile(
    r",\s*(?:(?:a|an|the|two|three|several|some|many|other|senior|western|european|us|u\.s\.|eu|nato|"
    r"diplomatic|government|administration|military|anonymous|unnamed|kremlin)\s+){0,3}"
    r"(?:diplomats?|officials?|sources?|analysts?|experts?|media|observers?|insiders?|reports?|people|"
    r"spokes\w+|aides?|commentators|reporters|journalists|newspapers?|outlets?|polls?)\s+$"
)
#: '"Ukraine belongs in NATO," she said': the verb's subject is a pronoun, not a name before.
PRONOUN_SUBJECT = re.compile(r"[,\"”»’]\s*(he|she|they|we|i)\s+(\w+\s+)?$")
#: Before a word of saying, what makes it no verb with a subject: the passive ("were said to
#: be") ...
PASSIVE_BEFORE = re.compile(r"\b(was|were|is|are|be|been|being)\s+$")
#: ... and a noun "states" ("the Baltic states", "member states"): no verb of saying.
STATES_NOUN = re.compile(
    r"\b(the|member|baltic|nordic|allied|western|frontline|european|neighbou?ring|other|some|several|many|"
    r"all|these|those|eu|nato|g7|arab|gulf|small|big|key|partner|island|sovereign|nation)\s+$"
)
#: "does not consider", "doesn't think": a belief denied right before its verb.
NOT_BEFORE = re.compile(r"(\bnot|n't|\bnever)\s+$")
#: "In Hungary, they said": a country as the source of an impersonal statement.
IN_PLACE = re.compile(
    r"^(In (?P<who>[A-Z][^,]{1,40}),\s+(they|officials|the authorities|the government)|"
    r"(Officials|Diplomats|Sources|Lawmakers|Politicians|Authorities) in (?P<place>[A-Z][\w’' -]{1,40}?))\s+"
    r"(" + SAID_IN_PLACE + r")\b(\s+that)?"
)
#: "Ukraine's": a possessive right after a mention makes it no holder (unless staff follow).
POSSESSIVE_AFTER = re.compile(r"[’']s\b")
#: "the", "a", "an" right before a mention: passed over to find the word before it.
DETERMINER_BEFORE = re.compile(r"(?<=\s)(the|a|an)\s+$")
#: "Canada's Carney": a possessive right before a person's name.
POSSESSIVE_BEFORE = re.compile(r"\w[’']s\s+$")
#: "said that ...", "said, ...": what opens the content after a verb of saying.
THAT_AFTER = re.compile(r"^\W*(that|,)\s+")


# -- classification (classify.py): how far a cue reaches -----------------------------------------

#: "has not changed, we are against": a pronoun subject after a comma opens a new clause; a
#: negator before it does not reach the cue after it.
NEW_CLAUSE = re.compile(r"[,;]\s*(?=(?:we|they|he|she|i|it|this|that)\b)")
#: What ends a clause or a list between two cues (a comma, "and", "while", "but"): the second
#: is not the first's object across it ("rejects calls to abandon" composes; "rejects X, and
#: abandons Y" does not).
CLAUSE_BREAK = re.compile(r",|;|\band\b|\bwhile\b|\bbut\b")
#: Two names joined ("Ukraine and Georgia"): one object, not two clauses (CLAUSE_BREAK's "and").
NAMES_JOINED = re.compile(r"(?:\b[A-Z][\w’'-]* |^\s*)(?:and|or) [A-Z][\w’'-]*")


# -- the actor matcher (matcher.py) --------------------------------------------------------------

#: An office named without its country ("the prime minister said"): the person named before
#: who held it on the date is meant.
BARE_OFFICE = re.compile(
    r"\bthe (prime minister|premier|president|chancellor|foreign minister|defen[cs]e minister|"
    r"secretary[- ]general)\b"
)


# -- the sentence splitter (sentences.py) --------------------------------------------------------

#: '"Why not?" Kuleba asked.': a quoted question or exclamation and its speaker are one sentence.
QUOTE_TAIL = re.compile(r"(?:[A-Z][\w’'.-]*\s+){1,4}(?:" + SAID_AFTER_QUESTION + r")\b")
