"""The words the rules read: what makes a sentence about Ukraine's membership, what backs it,
what opposes it, what negates, what reports someone else's words.

Each cue has a name; the statement records it, so every label can be explained.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator


def fold(text: str) -> str:
    """Lower case of the same length, so offsets into it are offsets into ``text`` (the few
    characters whose lower case is longer are left as they are), with the typographic
    apostrophe read as "'" ("don’t", "Kyiv’s"): the rules spell it one way."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low.replace("’", "'") if "’" in low else low


class Folded(str):
    """An article's text that carries its ``fold``, computed once for all the rules."""

    low: str

    def __new__(cls, text: str) -> Folded:
        obj = super().__new__(cls, text)
        obj.low = fold(text)
        return obj


def low_of(text: str, lo: int, hi: int) -> str:
    """``fold(text[lo:hi])``, sliced from the fold when the text carries one."""
    return text.low[lo:hi] if isinstance(text, Folded) else fold(text[lo:hi])


def ci(pattern: str) -> re.Pattern[str]:
    """Compile a case-insensitive pattern to run on ``fold``-ed text: its letters are lower-
    cased and it is compiled case-sensitively. Ignore-case matching in ``re`` lower-cases each
    character as it compares and loses the literal-prefix scan; this is several times faster."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern.startswith("(?P<", i):
            j = pattern.index(">", i)
            out.append(pattern[i : j + 1])
            i = j + 1
        else:
            out.append(pattern[i].lower())
            i += 1
    return re.compile("".join(out))


#: The sentence is about NATO (the alliance by name or by description).
NATO = re.compile(
    r"\b(NATO|НАТО|[Tt]he Alliance|North Atlantic (Alliance|Treaty Organi[sz]ation)|Альянс\w*|alliance|Euro-Atlantic|MAP|[Mm]embership [Aa]ction [Pp]lan)\b"
)
#: ... and about membership, not guarantees or summits in general.
MEMBERSHIP = ci(
    r"\b(memberships?|member|members(?<!nato members)(?<!nato's members)(?<!alliance members)(?<!fellow members)"
    r"(?<!other members)(?<!eastern members)(?<!european members)"
    r"(?! (of|in) (NATO|the Alliance))|join(s|ed|ing)?|accession|accede|admit(s|ted|ting)?|admission|part of (NATO|the Alliance)|invit(e|es|ed|ing|ation)|"
    r"bid|aspirations?|ambitions?|dreams?|dreaming|goal|integration|enlargement|expansion|expand(s|ed|ing)?|enlarg(e|es|ed|ing)|entry|enter|"
    r"accept(s|ed|ing)?|prospects?|perspective|choices?|open[- ]door|in the alliance|(a|no) place in|seat (in|at)|into the alliance|place is in|future is in|future lies in|belongs? in|MAP|path|course|future is in|in NATO|into NATO|"
    r"NATO-i[sz]ation|NATOi[sz]ation|членств\w*|вступ\w*|запрошен\w*)\b"
)
#: Heading for NATO, or insisting on it, is talk about membership even without the word:
#: "progress towards NATO", "closer to the Alliance", "no deal without a NATO clause".
NATO_GOAL = ci(
    r"\b(towards?|closer to|without( an?| the)?)\s+(NATO|the Alliance)\b|"
    r"\b(way|road|path|journey|progress|door|doors) (to|into|towards?) (NATO|the Alliance)\b|"
    r"\b(give up|gives up|gave up|given up|giving up|abandon\w*|drop\w*|renounc\w*|renunciation|forgo\w*)( on| of)? "
    r"(NATO|the Alliance)\b|"
    r"\bpart of (NATO|the Alliance)\b|\b(NATO|Alliance)( that| which)? includ\w+ Ukraine\b|"
    r"\bright to choose (its |their )?(own )?alliances?\b|"
    r"\b(close|closes|closed|closing|shut|shuts|open|opens|opened|keep|keeps|keeping|kept) the doors?\b|"
    r"\bannual national program(me)?\b|"
    r"\b(neutral|non-bloc|non-aligned) status\b|\bneutrality\b|\bneutral Ukraine\b|\bremain neutral\b|"
    r"\boutside (of )?(military )?blocs?\b|\b(NATO|Alliance) without Ukraine\b|"
    r"\bforget (about )?(joining )?(NATO|the Alliance)\b|\bnon-(membership|accession|admission|entry)\b|"
    r"\bNATO future\b|\bfuture in (NATO|the Alliance)\b|\b(NATO|the Alliance)(’s|'s)? umbrella\b|"
    r"\bgr[ae]y zone\b|\birreversible (path|course|progress)\b|\b(NATO|membership) (question|issue)\b|"
    r"\bquestion of (NATO|membership)\b|\b(have|get) NATO\b|\b(NATO|the Alliance) (is|was) not for (Ukraine|Kyiv)\b|\bBucharest (promise|declaration|pledge|commitment|summit)\b|\bNATO (push|drive|hopes|quest|plans?)\b|\b(push|drive|quest|race) (for|to join|into) NATO\b|\bout of (NATO|the Alliance)\b|\bNATO-Ukraine (Council|Commission)\b|\b(be|remain|stay|become|becomes|remains|stays) (a )?neutral\b"
)
#: NATO named as a military presence ("NATO troops in Ukraine"), not as a club to join: such a
#: mention alone puts a sentence on topic only with a word that is about membership itself.
NATO_PRESENCE = ci(
    r"\b(NATO|Alliance)(’s|'s)? (troops|forces|soldiers|peacekeepers|contingents?|military|instructors|"
    r"weapons|bases|jets|aircraft|planes|infrastructure|presence|exercises?|drills|air defen[cs]e)\b"
)
MEMBERSHIP_WORD = ci(
    r"\b(memberships?|member|(?<!nato )(?<!nato's )(?<!alliance )(?<!fellow )(?<!other )(?<!eastern )(?<!european )members"
    r"(?! (of|in) (NATO|the Alliance))|join(s|ed|ing)?|accession|accede|admission|invit(e|es|ed|ing|ation)|bid|aspirations?|"
    r"ambitions?|integration|enlargement|expansion|in the alliance|into the alliance|in NATO|into NATO)\b"
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
LONE_MEMBERSHIP = ci(
    r"\b(accession|membership|admission|aspirations?|become a member|join|joins|admit|admitted|admitting|invit(e|ed|ing|ation))\b"
)

SUPPORT = [
    (
        "support",
        r"\b(support(s|ed|ing)?|backs?|backed|backing|endorse[sd]?|(?<!a )(?<!no )favou?rs?|in favou?r of|welcome[sd]?|champion(s|ed)?|"
        r"supporters?|proponents?|advocates?|backers?|prais(e|es|ed|ing))\b",
    ),
    (
        "should-join",
        r"\b(should|must|ought to|has to|have to|needs? to|need)\b(?:\W+(?!withdraw|drop|abandon|give|renounce|forgo|end|cancel|revoke)\w+){0,4}?\W+(be admitted|be invited|receive (an |the )?invitation|join|become (a )?(full )?(NATO )?member|get (an )?invitation|take\b.{0,60}\binto NATO|invite|be in (NATO|the Alliance)|be a (NATO )?member|"
        r"(receive|get|be given|be granted|be offered) ((either|full|an?|the) ){0,2}(NATO )?(membership|invitation))",
    ),
    (
        "partial-refused",
        r"\b(part|parts|only part|a part) of (Ukraine|Ukraine's territory|the territory|our territory|the country|our country)\b"
        r"(?:\W+\w+){0,3}?\W+(cannot|can't|can not|will not|won't|should not|must not|would not)\b"
        r"(?:\W+\w+){0,2}?\W+(be invited|join|be admitted|become|enter)\b",
    ),
    (
        "required",
        r"\b(no|not|never)\b(?:\W+\w+){1,8}?\W+without\b(?:\W+\w+){0,3}?\W+(NATO|membership|accession)\b|"
        r"\bwithout (it|membership|NATO|NATO membership)\b,?(?:\W+\w+){0,3}?\W+(impossible|cannot|can't|no|need|needs|"
        r"have to|has to)\b|\bif\b[^,]{0,40}\b(not|never|cannot|can't) (be )?(in|a member of|join\w*|admitted to) "
        r"(NATO|the Alliance)\b|\bnot (rest |stop )?until\b[^,.;]{0,40}\b(in NATO|in the Alliance|members?|join\w*)\b",
    ),
    (
        "inevitable",
        r"\b(inevitable|irreversible|inevitably|((only|just|merely) )?(a )?(matter|question) of (time|political will)|"
        r"when,? not if|not (a )?(question|matter) of\W+if\b|no doubt|certainly)\b",
    ),
    (
        "no-one-doubts",
        r"\b(no one|nobody|none)\b(?:\W+\w+){0,3}?\W+(questions?|doubts?|disputes?|denies|denied|questioned)\b",
    ),
    (
        "want",
        r"\b(hope[sd]? (for|to (join|receive|get|become|see))|count(s|ed)? on (an? )?(invitation|membership)|"
        r"expect(s|ed)?\b(?:\W+\w+){0,2}?\W+to (join|become|be invited|be admitted|receive)|"
        r"want(s|ed)? (to join|membership|an invitation)|look(s|ing)? forward to|"
        r"expect(s|ed)? (an? |the )?(political |positive |clear )?(decision|signal|invitation|(NATO )?membership)|"
        r"need(s)? (it|NATO( membership)?|membership|an invitation)( now| today)?|interest(ed)? in|"
        r"(disappoint\w*|frustrat\w*|regret\w*) (by|with|at|over|that|about) (the )?(lack|absence) of)\b",
    ),
    (
        "good-eval",
        r"\b((a |the )?(fair|right|correct|logical|historic|just|wise|good|natural) (decision|step|move|choice)|"
        r"non-negotiable|not (subject to|up for) (negotiation|discussion|debate|bargaining)|"
        r"(a )?(matter|question) of (\w+ )?(security|survival)|in (the|our|Europe's|everyone's|\w+'s) (\w+'? )?interests?|"
        r"(strengthen|strengthens) (NATO|the Alliance|Europe)|make (NATO|the Alliance|Europe) (stronger|safer))\b",
    ),
    (
        "no-veto",
        r"\b((has|have) no (say|veto|right)|(no|not have a) veto\b|(will|does|do|can) not (decide|dictate)|"
        r"(cannot|can't|won't) (decide|dictate)|"
        r"no (third )?(country|party|one)( else)?\b(?:\W+\w+){0,3}?\W+(veto|say)|"
        r"(will|should|must|can|shall) decide (for )?(itself|themselves|on (its|their) own)|"
        r"up to (the allies|allies|Ukraine|Kyiv|NATO|the Alliance)\b[^.;]{0,30}\bto decide|"
        r"(decision|choice|question)\b(?:\W+\w+){0,4}?\W+(belongs?|belonged|is up|was up|rests?|rested|lies) "
        r"(only |solely |exclusively )?(to|with) (Ukraine|Kyiv|Ukrainians|the allies|allies|NATO|the Alliance))\b",
    ),
    (
        "with-ukraine",
        r"\b(NATO|Alliance)( that| which)? (includes?|including|with) Ukraine\b|"
        r"\bright to choose (its |their )?(own )?(alliances?|security arrangements|path)\b|"
        r"\bright to (join|seek|membership)\b|\bsovereign (choices?|rights?|decisions?)\b|"
        r"\bthe sooner\b[^,.;]{0,60},? the (better|safer|stronger|more secure)\b",
    ),
    (
        "guarantee",
        r"\b(only|best|cheapest|strongest|surest|safest|most \w+|effective|real|reliable|ultimate|true)\b"
        r"(?:\W+\w+){0,2}?\W+(guarantee|protection|form of protection|solution|option|answer|"
        r"way to (stop|end|deter|protect|secure|ensure|guarantee|achieve|keep|prevent|avoid))",
    ),
    (
        "goal",
        r"\b(strategic (goal|objective|course|priority)|our (goal|aim|priority)|higher priority|remains (the|a|our) (goal|priority)|continues? to pursue|enshrined|fixes the goal|key (element|part|component|priority|goal|point)|(future|place|home) (is|lies) in|belongs? in (NATO|the Alliance)|"
        r"(committed|commitment|dedicated|determined) to\b(?!\W+(peace|a ceasefire|talks|negotiations))|"
        r"(remains?|stays?|keeps?|kept|be) open|open[- ]door|encourag\w+|"
        r"doors?\b(?:\W+\w+){0,3}?\W+(is|are|remains?|stays?|will remain) (wide )?open|(is|are|remains?) open to|"
        r"(under|into|in) (the )?(NATO|Alliance)(’s|'s)? umbrella|keep(s|ing)? (the )?doors? (\w+ ){0,3}open|"
        r"(adopt\w*|approv\w*|sign\w*|implement\w*) (the |its |an )?(annual national program(me)?|ANP))\b",
    ),
    ("achievable", r"\b(achievable|feasible|realistic|possible)\b"),
    (
        "essential",
        r"\b(member\w*|join\w*|accession|NATO|the Alliance)\b[^,;.]{0,30}?\b(is|are|was|were|remains?|would be|will be)\s+"
        r"(\w+\s+)?(essential|vital|crucial|indispensable|necessary|critical|the key|key) (to|for)\b",
    ),
    ("alive", r"\b(not dead|still alive|alive and well|(still |remains? |is )on track)\b"),
    ("deserves", r"\b(deserves?|deserved|(has|have|had) earned|merits?)\b"),
    ("promise", r"\b(promis(e|es|ed|ing)|pledg(e|es|ed|ing) (to|that))\b(?! to (end|stop|finish))"),
    (
        "pursue",
        r"\b(pursu(e|es|ed|ing)|seek(s|ing)?|sought|striv(e|es|ing)|strove|aspir(e|es|ing)|"
        r"keeps? (pushing|working|moving|fighting)|mov(e|es|ed|ing) (closer )?towards?|"
        r"fight(s|ing)? for (its |our |their )?(place|membership|future|seat)|work(s|ing)? towards?|"
        r"(open|start|begin|launch)(s|ed|ing)? (accession|membership) (talks|negotiations))\b",
    ),
    (
        "will-join",
        r"\b(will|would|going to|shall|can|could|may)\b"
        r"(?:\W+(?!forget|forgo|abandon|give|drop|renounce|stop|cease|refuse|avoid|prevent|block)\w+){0,2}?"
        r"\W+(join|joining|become (a )?(full )?(NATO )?member|"
        r"be (a )?(full )?(NATO )?member|be admitted|be in NATO|(formally )?invite|(receive|get|be offered|be given) "
        r"(an |the |its )?invitation)\b",
    ),
    (
        "no-alternative",
        r"\bno (alternatives?|substitutes?|replacements?) (to|for)\b|\bnot an? (alternative|substitute|replacement)\b|"
        r"\bcannot (replace|substitute)\b",
    ),
    (
        "stronger-with",
        r"\bstronger with Ukraine\b|\bwithout Ukraine\b(?:\W+\w+){0,3}?\W+(weaker|incomplete|less secure)\b",
    ),
    (
        "calls-for",
        r"(?<!\bwas )(?<!\bwere )(?<!\bbeen )(?<!\bis )(?<!\bare )(?<!\bbeing )"  # not the passive: "was asked"
        r"\b(call(s|ed|ing)? (on|for|to)|urge[sd]?|ask(s|ed)?|demand(s|ed)?|insist(s|ed)?|push(es|ed)? for|press(es|ed)? for|advocate[sd]?|"
        r"lobb(y|ies|ied|ying) (for|on behalf of)|appeal(s|ed|ing)? (to (\w+ ){1,3})?for|propos(e|es|ed|ing)|recommend(s|ed|ing)?|(press|push)(es|ed) (\w+ ){1,2}to\b)\b",
    ),
    (
        "accelerate",
        r"\b(accelerat\w+|speed(s|ed)? up|fast-track\w*|closer to|(progress|steps?|movement|moving|advanc\w+) "
        r"(towards|toward|on)|bridge to (NATO|the Alliance|membership))\b",
    ),
    (
        "accept",
        r"\b(accept(s|ed)?|tolerate[sd]?|allow(s|ed)?|agree(s|d)? to|recogni[sz](e|es|ed)|"
        r"(fine|ok|okay|comfortable|content|happy|at peace)\W{0,2} with)\b",
    ),
    (
        "ready",
        r"(?<!not )(?<!never )(?<!n't )\b(ready|prepared|willing|eager) to (join|become (a )?(NATO )?member|be (invited|admitted))\b|"
        r"\bappl(y|ies|ied) (to join|for (NATO )?membership)\b|\bapplication (to join|for (NATO )?membership)\b|"
        r"\b(fulfils|fulfills|fulfilled|meets|met|has met) (all )?(the )?(conditions|criteria|requirements)\b|"
        r"\b(completed|implemented|carried out|done) (all |most )?(of )?(the )?(necessary |required )?reforms\b|"
        r"\b(implement|implements|implementing|carry out|carries out|carrying out)( the| all)?( necessary| required)? reforms\b",
    ),
    (
        "invite",
        r"\b(invit(e|es|ed|ing)|admit(s|ted|ting)?) (Ukraine|Kyiv)\b|"
        r"\b(bring|brings|brought|bringing|take|takes|took|taking|welcome|welcomes|welcomed|get|gets|getting|usher\w*|"
        r"push|pushes|pushed|pushing|rush|rushes|rushed|rushing|"
        r"admit|admits|admitted|admitting) (Ukraine|Kyiv) (into|in|to) (NATO|the Alliance)\b|"
        r"\b(ally|allies|friend|friends|partner|partners|supporters?|advocates?) (on|along) (the|its|Ukraine(’s|'s)|Kyiv(’s|'s)) "
        r"(road|path|way|journey) (to|into|towards) (NATO|the Alliance)\b",
    ),
    (
        "benefit",
        r"\b(will|would|can|could)\b(?:\W+(?!not\b|never\b|t\b)\w+){0,2}?\W+(help|send|become|bring|ensure|strengthen|protect|deter|stop|guarantee|make|end(?! of)|secure|stabili[sz]e)\b|\b(clear|strong|strongest|powerful) signal\b",
    ),
    ("loss", r"\b(great|huge|big|serious) loss\b"),
    (
        "see-in",
        r"\bsee(s|n)? Ukraine\b(?:\W+\w+){0,3}?\W+(member|in NATO|in the Alliance)|"
        r"\bsee(s|n)? (a |any )?(place|future|room) for Ukraine in (NATO|the Alliance)",
    ),
    ("vote-for", r"\b(vote|voted|votes) for\b|\b\d+% support\b"),
]
OPPOSE = [
    (
        "oppose",
        r"\b(oppos(e|es|ed|ing|ition to)|(?<!fight )(?<!fighting )(?<!struggle )(?<!defence )(?<!defense )(?<!war )"
        r"against(?!\W+(\w+\W+){0,3}(aggression|ambitions|attacks?|invasion|threats?|war|Russia|Moscow|the aggressor)\b)|reject(s|ed|ing)?|dismiss(es|ed|ing)?|exclud(e|es|ed|ing) (that|the possibility)|rule[sd]? out|veto(es|ed|ing)?|block(s|ed|ing)?|obstruct\w*|opponents?)\b",
    ),
    (
        "excluded",
        r"\b(not|never) (include|including|includes|included|mention\w*|contain\w*)\b(?:\W+\w+){0,2}?\W+(NATO|membership)\b|"
        r"\bexclud\w+ (Ukraine(’s|'s) |Kyiv(’s|'s) |its |the )?(NATO |(NATO )?membership|NATO accession|accession)\b|\bwithout (NATO )?membership\b|"
        r"(\bbut|,) not (its |the |their |Ukraine(’s|'s) |Kyiv(’s|'s) )?(NATO )?(membership|accession|an invitation)\b|"
        r"\bwithout (a |any )?(single )?(word|mention|reference) (on|of|about|to)\b|"
        r"\bnot (\w+ )?part of (the|any) (\w+ )?(plan|deal|agreement|framework|proposal|package|settlement|discussions?|"
        r"talks|negotiations|conversation|agenda)\b",
    ),
    ("not-ready", r"(\bnot|n't|\bnever) (yet )?(ready|prepared|willing) (to|for)\b"),
    (
        "criticise",
        r"\b(resist(s|ed|ing)?|object(s|ed)? to|balk(s|ed)? at|blam(e|es|ed|ing)|accus(e|es|ed|ing)|"
        r"criticis(e|es|ed|ing)|criticiz(e|es|ed|ing)|condemn(s|ed|ing)?|denounc(e|es|ed|ing)|slam(s|med)?|"
        r"stand(s|ing)? in the way|(main |biggest |key |chief |major )?(obstacles?|stumbling blocks?|hurdles?|roadblocks?) (to|for|on)|held back|hold(s|ing)? back|drag(s|ged|ging)? (its|their) feet)\b",
    ),
    (
        "war-cause",
        r"\b(causes? of the (war|conflict)|root causes?|provok\w+|provocation|"
        r"reasons? for (its |the )?([\w-]+ )?(war|invasion)|"
        r"reasons? (why |that )?(it|russia|moscow|putin|the kremlin) (launched|started|began|invaded)\b)\b",
    ),
    (
        "off-table",
        r"\b(unrealistic|unrealizable|doomed|futile|hopeless|dead[- ]end|impossible(?! to\b)|off the table|"
        r"no decision\b(?:\W+\w+){0,5}?\W+(is |was |are )?(expected|planned|envisaged|foreseen)|"
        r"not (a |an )?(question|issue|topic|matter) (for|of) (today|now|the moment|this year)|(not|never) (\w+ )?on the (table|agenda)|"
        r"out of the question|no longer on the (table|agenda)|non-starter|pipe dream|illusion|illusory|fantasy|"
        r"(can|should|must|may) forget|(does not|doesn't|will not|won't) arise|premature|"
        r"(not|never) going to happen|(will not|won't|will never|would never) happen|"
        r"not something\b(?:\W+\w+){0,4}?\W+(consider\w*|discuss\w*|want\w*|support\w*|seek\w*|pursu\w*)|"
        r"(is|are|was|were) not (even )?(considering|discussing)|not under (consideration|discussion)|"
        r"(is|are) not (being )?(discussed|considered)|no longer (being )?(discussed|considered)|"
        r"(don't|do not|doesn't|does not|can't|cannot|didn't) see (it|that|this) (happen|happening)|"
        r"(invitation|membership|accession)\b(?:\W+\w+){0,2}?\W+(cannot|can't|will not|won't|should not|must not|"
        r"could not|is not|isn't)\b(?:\W+\w+){0,2}?\W+(be issued|be extended|happen|be granted|be offered|be given|"
        r"be possible|be realistic|come))\b",
    ),
    (
        "war-risk",
        r"\b(mean|means|lead to|leads to|trigger|triggers|provoke|provokes|"
        r"cause|causes|result in|results in|spark|sparks|start|drag\w*|equals?|require|requires|force|forces|oblige|obliges)\b"
        r"(?:\W+\w+){0,4}?\W+(war|World War( III)?|escalation|conflict|confrontation|catastrophe|"
        r"(fight|fighting|confront|confronting) (Russia|Moscow|the Russians))\b",
    ),
    (
        "cannot-join",
        r"\b(cannot|can't|can not|could not|won't|will not|will never|would never|must not|mustn't|should not|"
        r"shouldn't|never)\b(?:\W+\w+){0,2}?\W+"
        r"(become|becoming|join|joining|be (in|part of|a part of|a member|a NATO member|invited|admitted|accepted)|"
        r"have NATO|get NATO)\b",
    ),
    (
        "no-need",
        r"\b(NATO|the Alliance|membership|the alliance) (is|was) not for (Ukraine|Kyiv|them|you|us|Ukrainians)\b|"
        r"\bno (need|place|room|chance|prospect|business|grounds|basis)\b|\b(sees?|saw) no (need|reason)\b",
    ),
    (
        "reluctance",
        r"\b(reluctan(ce|t)|skeptic\w*|sceptic\w*|hesitan\w*|wary|cautious|(?<!no )doubts? about|"
        r"(closely|carefully) (monitor|watch|follow)\w*|fear(s|ed)?|caution(ed|ing|s)?(?! against)|(cool|cold|lukewarm|unenthusiastic|not keen)\b"
        r"( (to|on|about|towards?))?|in no (hurry|rush))\b",
    ),
    (
        "give-up",
        r"\b(give(s)? up|gave up|given up|giving up|drop(s|ped|ping)?|abandon\w*|renounc\w*|renunciation|forgo\w*|shelv\w*|(set|sets|setting|put|puts|putting) aside|withdraw\w*|concessions?|concede[sd]?|trad(e|es|ed|ing)( away)?|"
        r"forget (about )?(NATO|membership|joining|the Alliance|its bid|the bid)|stop (dreaming|thinking|talking) (about|of)|"
        r"(shift\w*|mov(e|es|ed|ing)|turn\w*|step\w*) away from|walk(s|ed|ing)? back|backtrack\w*|retreat\w* from|"
        r"surrender(s|ed|ing)?(?! to\b))\b",
    ),
    (
        "neutrality",
        r"\b(neutral(ity)?|non-aligned|non-bloc|outside (of )?(NATO|(military )?blocs?|alliances)|stays? out of NATO|"
        r"non-(membership|accession|admission|entry))\b",
    ),
    (
        "no-expansion",
        r"\b((not|never|no) (further )?(expand\w*|enlarg\w*|expansion|enlargement)|"
        r"(halt|stop|end|freeze)\w* (NATO(’s|'s)? )?(expansion|enlargement))\b",
    ),
    (
        "prevent",
        r"\b(prevent(s|ed|ing)?|stop(s|ped)? Ukraine from|keep(s)? Ukraine out|(be |is |are |was |been )kept out|(restrictions?|limits?|caps?|bans?) on|"
        r"(bar(s|red|ring)?|ban(s|ned|ning)?|forbid(s|ding)?|forbade|prohibit(s|ed|ing)?) (it|Ukraine|Kyiv|us|them) from|"
        r"(limit|limits|limited|limiting|restrict\w*) (Ukraine|Kyiv)(’s|'s)? (sovereign |own )?(choices?|options?|rights?|future)|"
        r"(leave|leaves|left|leaving|keep|keeps|kept|keeping) (Ukraine|Kyiv|it|us) in (a |the )?gr[ae]y zone|"
        r"(shut|shuts|close|closes|closed|closing) the door)\b",
    ),
    ("changed-mind", r"\b(changed|change[sd]?) (its|his|her|their) mind\b|\bbacked (down|away)\b"),
    (
        "not-tolerate",
        r"\b(countermeasures|threat to (our|Russia's|Russian) security|"
        r"(existential|direct|serious|grave|major) threat|threat to Russia|threaten\w* (Russia|our|Russian)|"
        r"(threaten\w*|warn\w* of)\W+(\w+\W+){0,2}?(consequences|response|retaliation|countermeasures|measures)|"
        r"(met|meet|meets) with (a |an )?(\w+ )?(response|countermeasures|retaliation|resistance))\b",
    ),
    (
        "threat-if",
        r"\bif\b[^,.;]{0,50}\b(joins?|joined|is admitted|were admitted|becomes? a member|enters?)\b[^,.;]{0,30},?\s*"
        r"(\w+\s+){0,3}(will|would|must|shall|is going to) (\w+ )?(respond|retaliate|react|strike|target|"
        r"take (\w+ )?(measures|steps|action)|have to respond)\b",
    ),
    (
        "delay",
        r"\b(delay(s|ed|ing)?|postpone[sd]?|put off|freeze[sd]?|in brackets|(must|should|has to|have to|will have to|can) wait|"
        r"on hold|on ice)\b",
    ),
    (
        "sympathy",
        r"\bunderstands? (Russia|Moscow|Putin|the Kremlin)(’s|'s)? (concerns?|position|fears?|feelings?|point of view)\b|"
        r"\bsides? with (Russia|Moscow|Putin|the Kremlin)\b|"
        r"\b(Russia|Moscow|Putin|the Kremlin|Russian)(’s|'s)? (legitimate |security )*(concerns?|fears?|interests?)\b"
        r"(?:\W+\w+){0,5}?\W+(legitimate|justified|valid|understandable|reasonable|fair)\b|"
        r"\blegitimate (security )?(concerns?|interests?)\b",
    ),
    (
        "bad-eval",
        r"\b(betrayal|dangerous|provocation|provocative|reckless|a threat|destabili[sz]\w+|(a |an? \w+ )?mistake|"
        r"unacceptable|(a )?red line|suicidal|disastrous|catastrophic|a disaster|madness|insane|capitulation|a surrender|"
        r"(a |the )?(big|major|serious|real|huge|main) problem|not an option|no option|(a |an? \w+ )?blow\b|"
        r"(a )?(declaration|act) of war|casus belli|propaganda|a myth|nonsense|a lie|(a )?hostile (act|step|move)|"
        r"(the )?end of (the alliance|NATO)|destroy\w* (the alliance|NATO)|"
        r"reward(s|ing)? (for )?(the )?aggress\w+|"
        r"(a )?gift (to|for) (Putin|Moscow|Russia|the Kremlin)|play(s|ed|ing)? into (Putin|Moscow|Russia|the Kremlin)(’s|'s)? hands|"
        r"treason|a defeat)\b",
    ),
    (
        "instead-of",
        r"\b(instead of|in place of|in lieu of|as an alternative to|rather than|alternatives? to) "
        r"(NATO|membership|accession|joining)\b|"
        r"\bprefer(s|red|ring)?\b(?:\W+\w+){1,6}?\W+(to|over) (NATO|membership|accession|joining|full membership)\b",
    ),
    ("neither-nor", r"\bneither\b.{0,40}\bnor\b"),
    ("removed", r"\b(removed|taken|dropped) (off|from) the (agenda|table)\b"),
    (
        "no-membership",
        r"\bno (NATO |quick |fast |early |rapid |immediate |full ){0,2}(membership|invitation|accession|entry)\b"
        r"(?! (for|of) (Russia|Moscow))",
    ),
    (
        "russia-say",
        r"\b(give|gives|giving|gave|grant\w*|allow\w*|hand\w*) (Russia|Moscow|Putin|the Kremlin) (a |any )?(say|veto)\b|"
        r"\b(allow\w*|let|lets|letting) (Russia|Moscow|Putin|the Kremlin) (to )?(decide|dictate|veto|determine|block)\b",
    ),
]
#: Cues that carry their own negation, tried first where cues overlap.
SELF_NEGATED = (
    "no-membership",
    "no-expansion",
    "no-veto",
    "excluded",
    "no-one-doubts",
    "partial-refused",
    "no-alternative",
    "off-table",
    "war-risk",
    "not-ready",
    "cannot-join",
    "no-need",
    "neither-nor",
    "not-tolerate",
    "required",
)
#: Substrings one of which a clause must contain for a cue's pattern to be tried at all: a
#: cheap test in C that spares most of the regex work (the engine reads 800-word articles).
TRIGGERS: dict[str, tuple[str, ...]] = {
    "support": (
        "support",
        "back",
        "endorse",
        "favo",
        "welcom",
        "champion",
        "proponent",
        "advocat",
        "prais",
    ),
    "should-join": ("should", "must", "ought", "has to", "have to", "need"),
    "partial-refused": (
        "part of ukraine",
        "parts of ukraine",
        "part of the territory",
        "part of our territory",
        "part of the country",
        "part of our country",
        "parts of the territory",
        "parts of our",
    ),
    "required": ("without", "if ", "not until", "rest until", "stop until"),
    "inevitable": (
        "inevitabl",
        "irreversibl",
        "question of",
        "matter of",
        "not if",
        "no doubt",
        "certainly",
    ),
    "guarantee": ("guarantee", "protection", "way to", "solution", "option", "answer"),
    "goal": (
        "goal",
        "objective",
        "course",
        "priorit",
        "pursue",
        "enshrined",
        "future",
        "place",
        "home",
        "commit",
        "dedicated",
        "determined",
        "open",
        "encourag",
        "door",
        "belong",
        "umbrella",
        "national program",
        "anp",
        "key element",
        "key part",
        "key component",
        "key priority",
        "key goal",
        "key point",
    ),
    "achievable": ("achievable", "feasible", "realistic", "possible"),
    "essential": (
        "essential",
        "vital",
        "crucial",
        "indispensable",
        "necessary",
        "critical",
        "key to",
        "key for",
    ),
    "alive": ("not dead", "alive", "on track"),
    "deserves": ("deserv", "earned", "merit"),
    "promise": ("promis", "pledg"),
    "pursue": (
        "pursu",
        "seek",
        "sought",
        "striv",
        "strove",
        "aspir",
        "keep push",
        "keeps push",
        "keep work",
        "keeps work",
        "keep mov",
        "keeps mov",
        "keep fight",
        "keeps fight",
        "move toward",
        "moves toward",
        "moved toward",
        "moving toward",
        "move closer",
        "moves closer",
        "moved closer",
        "moving closer",
        "fight for",
        "fights for",
        "fighting for",
        "work toward",
        "works toward",
        "working toward",
        "accession talks",
        "membership talks",
        "accession negotiations",
        "membership negotiations",
    ),
    "will-join": ("will", "would", "going to", "shall", "can", "could", "may"),
    "no-alternative": ("alternative", "substitute", "replace"),
    "stronger-with": ("stronger with", "without ukraine"),
    "off-table": (
        "unrealis",
        "impossible",
        "table",
        "agenda",
        "out of the question",
        "non-starter",
        "pipe dream",
        "illusi",
        "fantasy",
        "forget",
        "arise",
        "premature",
        "happen",
        "see it",
        "see that",
        "see this",
        "issued",
        "extended",
        "granted",
        "offered",
        "given",
        "possible",
        "realistic",
        " come",
        "no longer",
        "not consider",
        "not discuss",
        "not even",
        "not under",
        "not being",
        "not something",
        "doomed",
        "futile",
        "hopeless",
        "dead end",
        "dead-end",
        "no decision",
        "for today",
        "for now",
        "the moment",
        "this year",
        "of today",
        "of now",
    ),  # fmt: skip
    "war-risk": (
        "mean",
        "lead to",
        "leads to",
        "trigger",
        "provok",
        "cause",
        "result in",
        "spark",
        "start",
        "drag",
        "equal",
        "require",
        "force",
        "oblig",
    ),
    "calls-for": (
        "call",
        "urge",
        "ask",
        "demand",
        "insist",
        "push",
        "press",
        "advocat",
        "lobb",
        "propos",
        "recommend",
        "appeal",
    ),
    "accelerate": (
        "accelerat",
        "speed",
        "fast-track",
        "closer to",
        "progress",
        "step",
        "movement",
        "moving",
        "advanc",
        "bridge",
    ),  # fmt: skip
    "accept": (
        "accept",
        "tolerat",
        "allow",
        "agree",
        "recogni",
        "fine",
        "okay",
        "ok ",
        "ok'",
        "comfortable",
        "content",
        "happy",
        "at peace",
    ),
    "benefit": ("will", "would", "can", "could", "signal"),
    "loss": ("loss",),
    "ready": (
        "ready",
        "prepared",
        "willing",
        "eager",
        "appl",
        "condition",
        "criteria",
        "requirement",
        "reforms",
    ),
    "invite": (
        "invit",
        "ukraine into",
        "kyiv into",
        "ukraine in nato",
        "kyiv in nato",
        "ukraine to nato",
        "kyiv to nato",
        "ukraine in the alliance",
        "kyiv in the alliance",
        "ukraine to the alliance",
        "kyiv to the alliance",
        "on the road",
        "on the path",
        "on the way",
        "on the journey",
        "on its road",
        "on its path",
        "on its way",
        "on its journey",
        "on ukraine's",
        "on kyiv's",
        "along the",
        "along its",
        "along ukraine's",
        "along kyiv's",
        "admit",
    ),
    "see-in": ("see",),
    "vote-for": ("vote", "%"),
    "oppose": (
        "oppos",
        "against",
        "reject",
        "dismiss",
        "rule",
        "veto",
        "block",
        "obstruct",
        "opponent",
        "exclud",
    ),
    "not-ready": ("ready", "prepared", "willing"),
    "criticise": (
        "resist",
        "object",
        "balk",
        "blam",
        "accus",
        "critici",
        "condemn",
        "denounc",
        "slam",
        "in the way",
        "obstacle",
        "stumbling",
        "hurdle",
        "roadblock",
        "back",
        "feet",
    ),  # fmt: skip
    "war-cause": ("cause", "provo", "reason", "launched", "started", "began", "invaded"),
    "cannot-join": (
        "cannot",
        "can't",
        "can not",
        "could not",
        "won't",
        "will not",
        "will never",
        "would never",
        "must not",
        "mustn't",
        "should not",
        "shouldn't",
        "never",
    ),  # fmt: skip
    "no-need": ("no ", "not for"),
    "reluctance": (
        "reluctan",
        "skeptic",
        "sceptic",
        "hesitan",
        "wary",
        "cautious",
        "doubt",
        "closely",
        "carefully",
        "fear",
        "cool",
        "cold",
        "lukewarm",
        "unenthusiastic",
        "keen",
        "hurry",
        "rush",
        "caution",
    ),
    "give-up": (
        "give",
        "gave",
        "giving",
        "drop",
        "abandon",
        "renounc",
        "renunc",
        "forgo",
        "shelv",
        "aside",
        "withdraw",
        "concession",
        "conced",
        "trad",
        "surrender",
        "forget",
        "away from",
        "walk",
        "backtrack",
        "retreat",
        "stop dreaming",
        "stop thinking",
        "stop talking",
    ),  # fmt: skip
    "neutrality": ("neutral", "non-", "outside", "stay"),
    "no-expansion": ("expan", "enlarg"),
    "prevent": (
        "prevent",
        "stop",
        "keep",
        "bar",
        "door",
        "restriction",
        "limit",
        "cap",
        "ban",
        "forbid",
        "leav",
        "left",
        "forbade",
        "prohibit",
        "kept out",
        "limit",
        "restrict",
    ),
    "excluded": (
        "not includ",
        "never includ",
        "not mention",
        "never mention",
        "not contain",
        "never contain",
        "exclud",
        "without membership",
        "without nato membership",
        "part of",
        "but not",
        ", not",
        "without a word",
        "without a single",
        "without a mention",
        "without a reference",
        "without any",
        "without word",
        "without mention",
        "without reference",
        "without single",
    ),
    "changed-mind": ("mind", "backed"),
    "not-tolerate": (
        "countermeasure",
        "threat",
        "consequences",
        "retaliat",
        "response",
        "measures",
        "met with",
        "meet with",
        "meets with",
    ),
    "delay": ("delay", "postpone", "put off", "freez", "bracket", "wait", "on hold", "on ice"),
    "threat-if": ("if ",),
    "sympathy": (
        "understand",
        "side with",
        "sides with",
        "legitimate",
        "justified",
        "valid",
        "reasonable",
        " fair",
        "'fair",
    ),
    "bad-eval": (
        "betrayal",
        "danger",
        "provoca",
        "reckless",
        "a threat",
        "destabili",
        "mistake",
        "unacceptable",
        "red line",
        "suicid",
        "disast",
        "catastroph",
        "madness",
        "insane",
        "capitulat",
        "problem",
        "reward",
        "gift",
        "hands",
        "surrender",
        "treason",
        "defeat",
        "option",
        "blow",
        "of war",
        "casus belli",
        "propaganda",
        "myth",
        "nonsense",
        "a lie",
        "hostile",
        "end of",
        "destroy",
    ),  # fmt: skip
    "no-veto": (
        "no say",
        "no veto",
        "no right",
        "veto",
        "decide",
        "dictate",
        "no third",
        "belong",
        "up to",
        "up only",
        "up solely",
        "up exclusively",
        "rests",
        "rested",
        "rest with",
        "rest only",
        "rest solely",
        "lies with",
        "lies only",
        "lies solely",
        "lie with",
        "to decide",
    ),
    "instead-of": ("instead", "in place", "in lieu", "alternative", "rather than", "prefer"),
    "with-ukraine": ("with ukraine", "includ", "right to", "sovereign", "the sooner"),
    "no-one-doubts": ("no one", "nobody", "none"),
    "want": (
        "hope",
        "count on",
        "counts on",
        "counted on",
        "expect",
        "want",
        "forward to",
        "need",
        "interest",
        "lack of",
        "absence of",
    ),
    "good-eval": (
        "fair decision",
        "fair step",
        "fair move",
        "fair choice",
        "right decision",
        "right step",
        "right move",
        "right choice",
        "correct decision",
        "correct step",
        "correct move",
        "correct choice",
        "logical decision",
        "logical step",
        "logical move",
        "logical choice",
        "historic decision",
        "historic step",
        "historic move",
        "historic choice",
        "just decision",
        "just step",
        "just move",
        "just choice",
        "wise decision",
        "wise step",
        "wise move",
        "wise choice",
        "good decision",
        "good step",
        "good move",
        "good choice",
        "natural decision",
        "natural step",
        "natural move",
        "natural choice",
        "non-negotiable",
        "subject to",
        "up for",
        "matter of",
        "question of",
        "interest",
        "strengthen",
        "stronger",
        "safer",
    ),  # fmt: skip
    "neither-nor": ("neither",),
    "removed": ("the agenda", "the table"),
    "no-membership": ("no ",),
    "russia-say": (
        "a say",
        "any say",
        "veto",
        "russia to",
        "moscow to",
        "putin to",
        "kremlin to",
        "russia decide",
        "moscow decide",
        "putin decide",
        "kremlin decide",
        "russia dictate",
        "moscow dictate",
        "putin dictate",
        "kremlin dictate",
        "russia veto",
        "moscow veto",
        "putin veto",
        "kremlin veto",
        "russia determine",
        "putin determine",
        "russia block",
        "moscow block",
        "putin block",
        "kremlin block",
        "moscow determine",
        "kremlin determine",
    ),
}


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
RELAXED = {"calls-for", "ready", "excluded", "want", "will-join", "cannot-join", "reluctance",
           "no-alternative"}  # fmt: skip
#: Every cue, self-negated ones first: (name, compiled pattern, polarity, triggers).
CUES = [
    (name, Scan(ci(p), relax=name in RELAXED), polarity, TRIGGERS[name])
    for name, p, polarity in sorted(
        [(n, p, 1) for n, p in SUPPORT] + [(n, p, -1) for n, p in OPPOSE],
        key=lambda c: c[0] not in SELF_NEGATED,
    )
]


def _trigger_index() -> tuple[re.Pattern[str], dict[str, frozenset[int]]]:
    """One regex that finds every trigger in a clause in a single C-level pass, and for each
    trigger the cues (by index in CUES) to try when it is found. The longest trigger at a
    position wins the match and the scan goes on after it, so a trigger it contains
    ("without" in "without ukraine") or one that may start inside it at a word ("right to" in
    "no right to") would be hidden: the found trigger stands for those too."""
    triggers = sorted({t for _, _, _, ts in CUES for t in ts}, key=lambda t: (-len(t), t))
    assert all(t.strip() for t in triggers), "an empty trigger would run every cue on every clause"
    cues_of: dict[str, frozenset[int]] = {}
    for t in triggers:
        hidden = [u for u in triggers if u in t or _may_start_inside(t, u)]
        cues_of[t] = frozenset(
            i for i, (_, _, _, ts) in enumerate(CUES) if any(x in u for u in hidden for x in ts)
        )
    return re.compile(_trie_pattern(triggers)), cues_of


def _may_start_inside(t: str, u: str) -> bool:
    """Whether ``u`` can begin at a word inside ``t`` and run past its end."""
    return any(
        not t[k - 1].isalnum() and t[k - 1] != "'" and u.startswith(t[k:]) and len(t) - k < len(u)
        for k in range(1, len(t))
    )


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

#: Naming a condition for progress ("press freedom is important for Ukraine's progress
#: towards NATO") states no position; "after reforms" is conditional backing (support).
CONDITION = ci(
    r"\b(is|are|was|were|remains?|remain)\s+(\w+\s+){0,2}?(important|vital|crucial|essential|necessary|needed|"
    r"key|a prerequisite|a precondition|a condition|conditions?)\s+(for|to|of)\b"
)
REFORMS = ci(r"\breforms?\b")
#: "the countries that oppose it": a cue in a relative clause belongs to its antecedent.
RELATIVE = ci(
    r"\b(countries|states|nations|allies|members|those|people|leaders|politicians|parties|officials|"
    r"governments|capitals|partners|others)\s+(that|who|which)\b"
)
#: "did not believe membership was realistic": a negated belief negates the clause it governs.
NEG_RAISING = ci(
    r"(\bnot|n't|\bnever) (believe|think|consider|expect|see)\b|"
    r"(?<!no )(?<!no one )(?<!nobody )(?<!without )(?<!little )\bdoubt(s|ed|ing)?\b(?! about)"
)
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
OTHER_OBJECT = ci(
    r"\W+(for )?((the|a|an|its|their|his|her|our|Ukraine(’s|'s)|Kyiv(’s|'s)|Ukrainian|continued|further|more|"
    r"new|strong|full|military|financial|\w+-term)\s+){0,3}"
    r"(territorial integrity|sovereignty|independence|ceasefire|truce|peace (plan|talks|process|deal|efforts?|initiative)|"
    r"sanctions|aid|weapons|arms|air defen[cs]e|reconstruction|EU (membership|accession|bid)|"
    r"membership in the (EU|European Union)|accession to the (EU|European Union)|"
    r"(security )?guarantees|troops|defen[cs]e|army|economy|budget|loans?|assets|favou?rs?|charity|gifts?)\b|"
    r"\W+(the\W+)?[\w-]+[’']s\W+(\w+\W+)?(position|stance|policy|approach)\b|"
    r"\W+(for |of |to )?(Ukraine|Kyiv|the Ukrainian people|Ukrainians)(?=\s*($|[,;.]|but\b|and\b|while\b))"
)
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
CONTRAST = ci(
    r"(?:,|;|\s[-–—])\s*(?:but|however|yet|while|whereas|although)\b,?|\bbut\b|;\s*however,?"
)
#: Verbs that introduce what someone says or thinks.
SPEECH_WORDS = (
    """
said says say stated states told tells believe believes believed think thinks warn warns warned
added adds stressed stresses noted notes emphasised emphasized emphasises emphasizes insisted
claim claims claimed argued announced declared commented explained wrote writes convinced
reiterated expressed confirmed admitted assured promised vow vows vowed pledges pledged reaffirm
reaffirms reaffirmed hope hopes expect expects see sees consider considers insists suggests
suggested acknowledges acknowledged conceded concedes mentioned admits concede acknowledge
confirms announces declares explains argues reiterates assures promises recalls recalled replied
replies responded responds answered
""".split()
    + ["according to", "has said", "have said"]
)
SPEECH = re.compile(r"\b(?:" + _trie_pattern(SPEECH_WORDS) + r")\b")
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
#: Statements about one's own bid: "our NATO membership", "our accession".
OWN_BID = ci(r"\bour\b(?:\W+\w+){0,2}?\W+(membership|accession|bid|invitation|aspirations?|path)\b")
#: A sentence that refers back to the bid the sentence before was about: "Orbán said he
#: opposes the bid", "such an invitation was premature", "Kyiv's application".
TOPIC_BACK = ci(
    r"\b(the|this|that|its|their|his|her|such an?|Kyiv(’s|'s)|Kiev(’s|'s)|Ukraine(’s|'s)|our)\s+"
    r"((\w+|fast-track)\s+)?(bid|application|request|invitation|membership|accession|"
    r"aspirations?|ambitions?|candidacy)\b"
)
