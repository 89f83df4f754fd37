"""The stance engine on hard cases, written for these tests (not taken from the dev set)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stancewatch.actors import load_actors
from stancewatch.cli import cli
from stancewatch.stance import StanceEngine
from stancewatch.stance.lexicon import CUES, Scan, fold

#: The sentences written for stancewatch (bench/corpus/README.md).
WRITTEN = Path(__file__).resolve().parent.parent / "bench" / "corpus" / "stance_written.jsonl"


@pytest.fixture(scope="module")
def engine() -> StanceEngine:
    return StanceEngine(load_actors())


def stances(engine: StanceEngine, text: str, published: datetime | None = None) -> dict[str, str]:
    return {s.actor: s.stance for s in engine.analyze(text, published)}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # negation and its scope
        ("Kyiv will not give up its bid to join NATO, Sybiha told reporters.", {"Andrii Sybiha": "support"}),
        ("Berlin does not support an invitation for Ukraine to join NATO this year, Scholz said.",
         {"Olaf Scholz": "oppose"}),
        ("Ukraine rejects any substitutes for full NATO membership - Zelenskyy", {"Volodymyr Zelenskyy": "support"}),
        ("Orbán said he does not see Ukraine as a NATO member in the next decade.", {"Viktor Orbán": "oppose"}),
        # holder lists
        ("Hungary and Slovakia are against Ukraine joining NATO, Politico reports.",
         {"Hungary": "oppose", "Slovakia": "oppose"}),
        ("Finland, Estonia and Lithuania back Ukraine's invitation to NATO.",
         {"Finland": "support", "Estonia": "support", "Lithuania": "support"}),
        # the speaker after a dash at the end of a headline
        ("Ukraine's place is in NATO and nowhere else, - Macron", {"Emmanuel Macron": "support"}),
        ("Membership in the Alliance for Ukraine is not on the table now - Rubio",
         {"Marco Rubio": "oppose"}),
        # metonyms
        ("The Kremlin again demanded that Kyiv renounce its NATO aspirations.", {"Russia": "oppose"}),
        ("Moscow rules out any deal that leaves the door to NATO membership open for Ukraine.", {"Russia": "oppose"}),
        # conditions: not now, but the goal
        ("Ukraine does not insist on joining NATO during the war, but membership remains our strategic goal - Kachka",
         {"Taras Kachka": "support"}),
        # giving up the bid
        ("Zelenskyy signalled he is ready to drop Ukraine's NATO bid in exchange for guarantees.",
         {"Volodymyr Zelenskyy": "oppose"}),
        # a verb of refusing or wanting takes the cue after it as its object
        ("Zelenskyy rejected proposals to abandon Ukraine's NATO bid", {"Volodymyr Zelenskyy": "support"}),
        ("Putin demands that Kyiv renounce its NATO ambitions", {"Vladimir Putin": "oppose"}),
        # in the speaker's words Ukraine is the topic, not a holder
        ("Biden says Ukraine is not ready for NATO membership", {"Joe Biden": "oppose"}),
        ("Starmer said Ukraine is on an irreversible path to NATO", {"Keir Starmer": "support"}),
        # a quote before its speaker
        ('"Ukraine\'s place is in NATO," Zelensky said.', {"Volodymyr Zelenskyy": "support"}),
        ('"Ukraine is not going to be joining NATO," Trump told reporters.', {"Donald Trump": "oppose"}),
        # ruled out, unrealistic, a road to war
        ("Merz: NATO membership for Ukraine is not on the agenda", {"Friedrich Merz": "oppose"}),
        ("Orbán warned that admitting Ukraine into NATO would mean war with Russia", {"Viktor Orbán": "oppose"}),
        ("Without NATO membership it is impossible to guarantee a lasting peace, Johnson said.",
         {"Boris Johnson": "support"}),
        # backing stated before the speech verb
        ("Berlin backs Kyiv's NATO bid but says timing depends on the war", {"Germany": "support"}),
        ("Zelensky says there is no alternative to NATO membership for Ukraine", {"Volodymyr Zelenskyy": "support"}),
        ("Part of the country cannot be admitted to NATO, Sybiha said.", {"Andrii Sybiha": "support"}),
        # neutrality is about membership even without the word
        ("Russia demands Ukraine's neutral status as a condition for peace talks", {"Russia": "oppose"}),
        # a cue in a relative clause belongs to its antecedent
        ("Zelenskyy listed the countries that still oppose Ukraine's NATO accession.", {}),
        ("Ukraine will not be able to sign the treaty with Hungary without a NATO clause.", {"Ukraine": "support"}),
        # a condition for progress states no position; reforms are conditional backing
        ("Media freedom is important for Ukraine's progress towards NATO, G7 ambassadors say", {}),
        ("Rutte said that reforms are key to Ukraine's path towards NATO.", {"Mark Rutte": "support"}),
        # a judgement composes with what it judges; alone it judges membership
        ("Abandoning the NATO course would be a betrayal, Kuleba said.", {"Dmytro Kuleba": "support"}),
        ("Orbán called Ukraine's accession to NATO a dangerous provocation.", {"Viktor Orbán": "oppose"}),
        ("Ukraine's neutrality is not up for negotiation - Lavrov", {"Sergey Lavrov": "oppose"}),
        # wanting, hoping, expecting
        ("Sybiha hopes for an invitation to join NATO next year", {"Andrii Sybiha": "support"}),
        ("Merz does not expect Kyiv to be admitted to NATO soon", {"Friedrich Merz": "oppose"}),
        # membership as a road to war, with or without a modal
        ("Fico: Ukraine in NATO means a world war", {"Robert Fico": "oppose"}),
        # the alternative to membership is worse
        ("If Ukraine is not admitted to NATO, it will need its own nuclear deterrent - Zelensky",
         {"Volodymyr Zelenskyy": "support"}),
        # the passive: who was asked holds nothing
        ("Rutte was asked about Ukraine's NATO membership at the press conference.", {}),
        # what is received in exchange is not given
        ("Kyiv will not drop its NATO bid in return for concessions on territory, Sybiha said.",
         {"Andrii Sybiha": "support"}),
        # a say denied to a third party is the speaker's own position
        ("Rutte: Moscow has no veto over Ukraine's path to NATO", {"Mark Rutte": "support"}),
        # those addressed are not holders
        ("The Kremlin warned the alliance against admitting Ukraine", {"Russia": "oppose"}),
        # an alternative to membership
        ("Zelensky: we could accept strong bilateral guarantees instead of NATO membership",
         {"Volodymyr Zelenskyy": "oppose"}),
        ("Orbán: admitting Ukraine to NATO would be madness", {"Viktor Orbán": "oppose"}),
        # stopping a cue negates it
        ("Sybiha urged Budapest to stop obstructing Ukraine's accession to NATO", {"Andrii Sybiha": "support"}),
        # "X's statement that ..." is X's position
        ("Lavrov praised Vance's remark that Ukraine will not join NATO",
         {"Sergey Lavrov": "oppose", "JD Vance": "oppose"}),
        # a demand's list as the antecedent of "that"
        ("Hungary and Slovakia are among the members that block the invitation to NATO",
         {"Hungary": "oppose", "Slovakia": "oppose"}),
        ("Merz: Ukraine could get guarantees, but not NATO membership", {"Friedrich Merz": "oppose"}),
        # NATO but not membership
        ("NATO allies agreed at the summit to raise defence spending to 5% of GDP.", {}),
        ("The US, NATO and the EU must provide Ukraine with Article 5-like security guarantees.", {}),
        # NATO as troops on the ground, not as a club to join
        ("Peskov said Moscow would never tolerate NATO forces stationed in Ukraine.", {}),
        # "Poland's Duda": the country names the person, who holds the position
        ("Poland's Duda says Ukraine's place is in the Alliance", {"Andrzej Duda": "support"}),
        ("\"Kyiv belongs in NATO,\" Latvian Foreign Minister Braze told journalists in Riga.",
         {"Baiba Braže": "support"}),
        # the object of the backing is something else; withheld backing is no position
        ("Merz backs Ukraine's sovereignty but declined to back an invitation to NATO", {}),
        ("Tusk voiced support for Ukraine's EU accession, not its NATO membership", {"Donald Tusk": "oppose"}),
        # the one thanked holds what it is thanked for
        ("Zelensky thanked Finland for its firm backing of Ukraine's NATO bid",
         {"Finland": "support", "Volodymyr Zelenskyy": "support"}),
        # the candidate acting on its own bid holds that act, not only the speaker
        ("Vance said Kyiv had offered to shelve its NATO aspirations", {"Ukraine": "oppose", "JD Vance": "oppose"}),
        ("Vance said Kyiv will never join NATO", {"JD Vance": "oppose"}),
        ("Lavrov again rejected what he called the NATO-isation of Ukraine.", {"Sergey Lavrov": "oppose"}),
        ("The door to the Alliance remains open for Kyiv, Rutte said", {"Mark Rutte": "support"}),
        # an opening phrase ending in a place is not a list with the speaker
        ("Speaking in Warsaw, Stoltenberg said Ukraine will one day be a member of the Alliance.",
         {"Jens Stoltenberg": "support"}),
        # "According to X," names the source; the clause's subjects hold the position
        ("According to Reuters, Paris and Rome remain reluctant to invite Ukraine into NATO.",
         {"France": "oppose", "Italy": "oppose"}),
        ("The alliance's foreign ministers agreed that Ukraine will become a member of NATO.", {"NATO": "support"}),
        ("Stubb: the choice of alliances is up to Ukraine, not Moscow; that includes NATO membership",
         {"Alexander Stubb": "support"}),
        ("Zelensky said a ceasefire could work if free Ukraine were brought under the NATO umbrella.",
         {"Volodymyr Zelenskyy": "support"}),
        ("Sikorski said Poland would keep lobbying for Ukraine's membership in NATO.", {"Radosław Sikorski": "support"}),
        ("Peskov said the bloc's expansion towards Ukraine was a direct threat to Russia.", {"Dmitry Peskov": "oppose"}),
        ("EU leaders discussed Ukraine's accession to the bloc, Kallas said.", {}),
        # a legislature speaks for its country
        ("The Estonian parliament passed a resolution calling for Ukraine's invitation to NATO", {"Estonia": "support"}),
        # "..., officials say": the speech verb's subject is not a tracked actor
        ("France and Italy are the main hurdles to an invitation for Ukraine, officials say",
         {"France": "oppose", "Italy": "oppose"}),
        # "A and B say": both hold it
        ("Vance and Rubio say NATO membership for Ukraine is off the table",
         {"JD Vance": "oppose", "Marco Rubio": "oppose"}),
        # what is sought in exchange
        ("Putin offered a truce in exchange for Kyiv renouncing its NATO ambitions", {"Vladimir Putin": "oppose"}),
        ("Zelensky said he would step down in return for Ukraine's membership in NATO", {"Volodymyr Zelenskyy": "support"}),
        # the alliance growing is the topic of the speaker's words
        ("Lavrov demands written guarantees that the Alliance will not enlarge further east", {"Sergey Lavrov": "oppose"}),
        # judgements, acceptance, bans
        ("Yermak: Renouncing NATO would be a surrender to Moscow", {"Andriy Yermak": "support"}),
        ("Fico said he would be comfortable with Ukraine never becoming a NATO member", {"Robert Fico": "oppose"}),
        ("Sybiha: Kyiv will reject any deal that forbids it from joining NATO", {"Andrii Sybiha": "support"}),
        ("Tusk: Poland will help bring Ukraine into the Alliance", {"Donald Tusk": "support"}),
        ("Kremlin praised Vance's position on Ukraine's non-admission to the Alliance",
         {"Russia": "oppose", "JD Vance": "oppose"}),
        ("Sybiha: an invitation to NATO is not something the allies are even discussing now",
         {"Andrii Sybiha": "oppose"}),
        ("Lavrov: if Kyiv is admitted to NATO, Moscow will take countermeasures", {"Sergey Lavrov": "oppose"}),
        ("Kachka: Ukraine has implemented the reforms required for membership in NATO", {"Taras Kachka": "support"}),
        # general support for Ukraine is not support for its membership
        ("Meloni pledged support for Ukraine but said enlargement of NATO was for later", {"Giorgia Meloni": "neutral"}),
        # what someone demands belongs to them; what one is accused of too
        ("Stubb dismissed Lavrov's demand that Kyiv give up its NATO bid",
         {"Alexander Stubb": "support", "Sergey Lavrov": "oppose"}),
        ("Kuleba accused Orbán of blocking Ukraine's path to NATO, saying it helps Moscow",
         {"Viktor Orbán": "oppose", "Dmytro Kuleba": "support"}),
        # an office nobody tracked held stands for its country
        ("The Latvian prime minister said Ukraine's place is in NATO", {"Latvia": "support"}),
        ("Szijjártó: NATO must remain a defensive alliance, Ukraine has no place in it",
         {"Péter Szijjártó": "oppose"}),
        ("Peskov: the Kremlin is carefully watching Kyiv's moves towards the Alliance", {"Dmitry Peskov": "oppose"}),
        ("Vance said Moscow's security concerns about NATO enlargement were understandable", {"JD Vance": "oppose"}),
        # "X's plan would ...": the plan's owner holds what it does
        ("Witkoff's draft framework would keep Ukraine out of NATO, officials said", {"Steve Witkoff": "oppose"}),
        # someone's insistence on membership, judged by another
        ("Vance called Kyiv's push for NATO membership a major problem for the talks",
         {"JD Vance": "oppose", "Ukraine": "support"}),
        # someone else's position as the object: no position of one's own
        ("Sikorski questioned Hungary's stance on Ukraine's NATO membership", {"Radosław Sikorski": "neutral"}),
        ("Lavrov: if Kyiv gives up NATO, the war can end quickly", {"Sergey Lavrov": "oppose"}),
        ("Zakharova: Russia's demand that Ukraine stay neutral is unchanged", {"Maria Zakharova": "oppose"}),
        ("Budapest again refused to support a meeting of the NATO-Ukraine Council", {"Hungary": "oppose"}),
        ("Stefanishyna: Ukraine wants to open accession talks with NATO in 2026", {"Olha Stefanishyna": "support"}),
        # whoever is told what it must do is addressed; the speaker holds the position
        # convention 9: the one named as blocking holds oppose
        ("Tsahkna: Germany must stop blocking Ukraine's invitation to NATO",
         {"Margus Tsahkna": "support", "Germany": "oppose"}),
        ("Hungary must stop vetoing Ukraine's path to NATO, Zelensky said.",
         {"Volodymyr Zelenskyy": "support", "Hungary": "oppose"}),
        ("Pistorius said membership could not be offered to Kyiv during the fighting.", {"Boris Pistorius": "oppose"}),
        ("Kasčiūnas said Ukraine in NATO would stabilise the whole of Europe.", {"Laurynas Kasčiūnas": "support"}),
        ('Asked about Ukraine joining the Alliance, Vance said: "I just don\'t see that happening."',
         {"JD Vance": "oppose"}),
        ("Svyrydenko said the cabinet had approved the annual national programme with NATO.",
         {"Yulia Svyrydenko": "support"}),
        ("Stoltenberg said the allies were building a bridge to membership for Kyiv.", {"Jens Stoltenberg": "support"}),
        ("Medvedev said Moscow regarded Ukraine joining the alliance as a casus belli and a red line.",
         {"Dmitry Medvedev": "oppose", "NATO": None}),
        ("Sybiha urged Rubio to keep the doors of the Alliance open for Kyiv.", {"Andrii Sybiha": "support"}),
        ("Hegseth said admitting Ukraine would force American soldiers into fighting Russia.", {"Pete Hegseth": "oppose"}),
        ("Tusk proposed that Ukraine be invited to NATO at the next summit.", {"Donald Tusk": "support"}),
        # typographic apostrophes read like straight ones; a negated belief negates
        ("Trump: I don’t believe Ukraine will ever be allowed into NATO", {"Donald Trump": "oppose"}),
        ("Orbán: Hungary isn’t ready to support Ukraine’s accession to NATO", {"Viktor Orbán": "oppose"}),
        # a frame that excludes what follows
        ("Sybiha: there can be no settlement under which Kyiv abandons its NATO course", {"Andrii Sybiha": "support"}),
        ("Kuleba said membership in NATO was vital for the security of Europe.", {"Dmytro Kuleba": "support"}),
        ("Rutte: Ukraine's path to the Alliance remains on track", {"Mark Rutte": "support"}),
        ("Peskov: a settlement must exclude Kyiv's accession to NATO", {"Dmitry Peskov": "oppose"}),
        ("Stubb: handing Moscow a veto over NATO enlargement would be a reward for aggression",
         {"Alexander Stubb": "support"}),
        # dropping neutrality backs membership (convention 5); one act's object ends it
        ("Ukraine's parliament has voted to drop the country's non-aligned status",
         {"Verkhovna Rada": "support", "Ukraine": "support"}),
        ("Kyiv will not abandon NATO membership nor accept alternative options, Sybiha says",
         {"Andrii Sybiha": "support"}),
        ("Zelensky dropped a hint that Ukraine does not expect to join NATO soon",
         {"Volodymyr Zelenskyy": "oppose"}),
        # a verb of opposing between "will" and "joining" is no will-join
        ("Fico says he will oppose Ukraine joining NATO", {"Robert Fico": "oppose"}),
        # another country's bid, Ukraine unnamed: not Ukraine's (convention 7)
        ("Merkel backs Georgia's bid to join NATO in visit to Tbilisi", {"Angela Merkel": "neutral"}),
        # a concession after the main clause grants; the main clause holds the position
        ("Zelenskyy hopes Ukraine will receive an invitation to join NATO within months, "
         "although full membership is not currently on the table",
         {"Volodymyr Zelenskyy": "support"}),
        ("Rutte said Ukraine's path to NATO is irreversible despite claims that it will not join",
         {"Mark Rutte": "support"}),
        # concern about a step towards membership opposes it; about giving it up backs it
        ("Fabius expressed concern about Kyiv's statements on seeking to join NATO",
         {"Laurent Fabius": "oppose"}),
        ("Poland is concerned about Kyiv giving up its NATO ambitions", {"Poland": "support"}),
        # the quote before "X said, asked whether ..." is what X said
        ('"We value cooperation, but its NATO accession is not on the agenda," Demmer said, '
         "asked whether Berlin understands Moscow's concerns", {"Ulrike Demmer": "oppose"}),
        ("Budanov: the Kremlin fears Ukraine joining NATO", {"Russia": "oppose", "Kyrylo Budanov": "neutral"}),
        ("Lithuanian FM: Ukraine must be a member of NATO", {"Lithuania": "support"}),
        ("Kyiv will get an invitation to the Alliance, though not this year – Rutte", {"Mark Rutte": "support"}),
        ("Rubio: an invitation for Ukraine is not being discussed right now", {"Marco Rubio": "oppose"}),
        ("In Slovakia, officials said they would not allow Ukraine into NATO", {"Slovakia": "oppose"}),
        ("The Bundestag called on the government to back Ukraine's NATO accession", {"Germany": "support"}),
        ("The State Department does not think membership for Ukraine is realistic now", {"United States": "oppose"}),
        ("Sikorski: Hungary's blocking of Ukraine's NATO path plays into Putin's hands",
         {"Radosław Sikorski": "support", "Hungary": "oppose"}),
        ("Nawrocki said Poland was not interested in Ukraine's accession to NATO for now", {"Karol Nawrocki": "oppose"}),
        ("Witkoff declined to say whether Kyiv would be invited to join NATO", {"Steve Witkoff": "neutral"}),
        ("Rome has been lukewarm about Kyiv's NATO bid", {"Italy": "oppose"}),
        ("Berlin is in no hurry to invite Ukraine into the Alliance", {"Germany": "oppose"}),
        ("Oslo is open to an invitation for Ukraine once the war ends", {"Norway": "support"}),
        ("Ukraine's accession to NATO is off the table, Vance confirms", {"JD Vance": "oppose"}),
        ("Meloni prefers bilateral guarantees for Ukraine over NATO membership", {"Giorgia Meloni": "oppose"}),
        ("Lithuania pushed the allies to extend an invitation to Ukraine", {"Lithuania": "support"}),
        ("Pistorius: Kyiv could join the Alliance once the fighting stops", {"Boris Pistorius": "support"}),
        ("Trump said Ukraine can forget about joining NATO", {"Donald Trump": "oppose"}),
        ("Fico urged the allies not to admit Ukraine into NATO", {"Robert Fico": "oppose"}),
        ("Kuleba: not until Ukraine is in NATO will Europe be safe", {"Dmytro Kuleba": "support"}),
        ("Yermak: Ukraine must get either full NATO membership or Article 5-style guarantees",
         {"Andriy Yermak": "support"}),
        ("Ushakov: Moscow welcomed that an invitation is no longer being discussed", {"Yuri Ushakov": "oppose"}),
        ("Meloni did not exclude that Kyiv might one day join the Alliance", {"Giorgia Meloni": "support"}),
        ("Braže: it would be a mistake to let Ukraine be kept out of NATO", {"Baiba Braže": "support"}),
        ("Tsahkna: we must never let Moscow decide who joins NATO", {"Margus Tsahkna": "support"}),
        ("Stubb: a neutral Ukraine is not an option for Europe", {"Alexander Stubb": "support"}),
        ("Slovakia lifted its block on the NATO-Ukraine Council statement", {"Slovakia": "support"}),
        ("Pistorius: no quick NATO membership for Kyiv while the war goes on", {"Boris Pistorius": "oppose"}),
        # a leading "while" clause has its own subjects; "the Baltic states" is no verb of saying
        ("While Lithuania and the Nordic states press for an invitation, France has urged caution on NATO.",
         {"Lithuania": "support", "France": "oppose"}),
        # the passive "were said to" has no speaker: the subjects hold the position
        ("Some allies, including Canada and Norway, were said to back an invitation to NATO.",
         {"Canada": "support", "Norway": "support"}),
        ("Peskov said any step to take Kyiv into NATO would be met with a firm response.", {"Dmitry Peskov": "oppose"}),
        ("Diplomats in Warsaw said putting Ukraine's membership on hold was a blow.", {"Poland": "support"}),
        ("Rutte said allies agree Ukraine will become a member but there is no consensus on timing.",
         {"Mark Rutte": "support"}),
        ("Kyiv was frustrated by the lack of an invitation to NATO", {"Ukraine": "support"}),
        ("Washington no longer backs Ukraine's bid to join the Alliance", {"United States": "oppose"}),
        ("Zakharova said the bid to join NATO was among the reasons Russia launched the war.", {"Maria Zakharova": "oppose"}),
        ("Ushakov: Kyiv's hopes of joining NATO are futile", {"Yuri Ushakov": "oppose"}),
        ("Lavrov called an invitation for Ukraine to NATO an act of war", {"Sergey Lavrov": "oppose"}),
        ("Umerov: we keep implementing the reforms needed on our path to NATO", {"Rustem Umerov": "support"}),
        ("Sybiha: membership in NATO is the best way to avoid another Russian invasion", {"Andrii Sybiha": "support"}),
        ("Japan opposes NATO's enlargement into the Indo-Pacific", {"Japan": "neutral"}),
        ("Witkoff: a settlement would require Kyiv to forget about joining NATO", {"Steve Witkoff": "oppose"}),
        ("Yermak: talk of neutrality for Ukraine is a myth spread by Moscow", {"Andriy Yermak": "support"}),
        ("No decision on inviting Ukraine to NATO is planned this year, - Rubio", {"Marco Rubio": "oppose"}),
        ("There is no basis to talk about Kyiv's accession to NATO, - Szijjártó", {"Péter Szijjártó": "oppose"}),
        ("Membership of Ukraine in NATO is not a question for today, - Merz", {"Friedrich Merz": "oppose"}),
        # a judgement of a relative clause's act is the main clause's
        ("Sybiha: those who veto Ukraine's NATO path are making a historic mistake", {"Andrii Sybiha": "support"}),
        ("Rubio: Washington will not rush Kyiv into the Alliance", {"Marco Rubio": "oppose"}),
        ("Szijjártó praised the American move away from Ukraine's NATO membership", {"Péter Szijjártó": "oppose"}),
        # what someone demands, up to the verb; what follows is the speaker's judgement
        ("Sybiha: Moscow's demand for a neutral Ukraine is unacceptable",
         {"Andrii Sybiha": "support", "Russia": "oppose"}),
        # "NATO members" are the allies, not membership
        ("Vance criticised NATO members for spending too little on defence", {}),
        ('"Why shouldn\'t Kyiv be in the Alliance?" Sikorski asked.', {"Radosław Sikorski": "support"}),
        ("Sybiha appealed to the allies for an invitation to NATO", {"Andrii Sybiha": "support"}),
        ("Vance said membership in NATO was never promised to Kyiv.", {"JD Vance": "oppose"}),
        ("Nausėda: the Bucharest pledge to Ukraine must be honoured", {"Gitanas Nausėda": "support"}),
        ("Orbán: the Alliance is not for Ukraine", {"Viktor Orbán": "oppose"}),
        ("France and Italy oppose the words 'irreversible path' in the final communique", {"France": "oppose"}),
        ("Braže: the sooner Kyiv joins NATO, the safer the Baltics will be", {"Baiba Braže": "support"}),
        ("Zelensky: we agreed to delay the membership question, not to drop it", {"Volodymyr Zelenskyy": "support"}),
        ("Kallas warned against any settlement that limits Ukraine's sovereign choices, NATO included",
         {"Kaja Kallas": "support"}),
        # a person speaking for the candidate is, in others' words, the topic
        ("Vance: Zelensky can't have NATO, it's not going to happen",
         {"JD Vance": "oppose", "Volodymyr Zelenskyy": None}),
        ("Lavrov said Moscow would view Kyiv's accession as a hostile act", {"Sergey Lavrov": "oppose"}),
        ("The Vilnius Summit Communique states that Ukraine's future is in NATO", {"NATO": "support"}),
        ("The plan ends without a single word on Ukraine's NATO membership, Witkoff said", {"Steve Witkoff": "oppose"}),
        ("Szijjártó: admitting Ukraine would mean the end of NATO", {"Péter Szijjártó": "oppose"}),
        ("Sybiha: we do not ask for a favour; membership in NATO is in the allies' interest", {"Andrii Sybiha": "support"}),
        ("Kyiv must stop dreaming about the Alliance, Medvedev said", {"Dmitry Medvedev": "oppose"}),
        ("Rutte: it is up to Ukraine and the allies to decide when Kyiv joins", {"Mark Rutte": "support"}),
        ("Merz doubts that Ukraine will be admitted to NATO soon", {"Friedrich Merz": "oppose"}),
        ("Nausėda: Lithuania will not rest until Ukraine is in NATO", {"Gitanas Nausėda": "support"}),
        ("Stefanishyna: membership in NATO was never taken off the agenda", {"Olha Stefanishyna": "support"}),
        ("Sikorski: Kyiv's accession to NATO is in Europe's vital interest", {"Radosław Sikorski": "support"}),
        ("Vance: Kyiv should not expect NATO membership any time soon", {"JD Vance": "oppose"}),
        # a new subject after a comma starts a new clause for negation
        ("Szijjártó: our view on Ukraine in NATO has not changed, we oppose it", {"Péter Szijjártó": "oppose"}),
    ],
)  # fmt: skip
def test_hard_cases(engine, text, expected):
    got = stances(engine, text)
    for actor, stance in expected.items():  # None: no statement for that actor
        assert got.get(actor, None if stance is None else "neutral") == stance, (actor, got)
    if not expected:  # nobody takes a position; Ukraine's presupposed bid is the exception
        assert all(s == "neutral" for a, s in got.items() if a != "Ukraine"), got
        assert got.get("Ukraine", "support") == "support", got


@pytest.mark.parametrize(
    "text",
    [
        "Zelenskyy listed the countries that still oppose Ukraine's NATO accession.",
        "Kiev, Ukraine (AP) President Bush says the U.S. strongly supports Ukraine's effort to "
        "become a member of NATO.",
        "The German Chancellor Olaf Scholz said Ukraine cannot become a NATO member during the war.",
    ],
)
def test_ukraine_s_presupposed_bid_is_its_support(engine, text):
    """The labelling conventions of the real corpus (bench/corpus/README.md, 5 and 9): others'
    words about "Ukraine's bid" presuppose the bid, so Ukraine holds support; only giving it up
    ("Ukraine agreed to drop the bid") is its oppose."""
    assert stances(engine, text)["Ukraine"] == "support"
    dropped = "Witkoff: Ukraine agreed to drop its NATO bid in exchange for security guarantees"
    assert stances(engine, dropped)["Ukraine"] == "oppose"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Zelensky asked NATO for an invitation at the summit.\n\n"
         "Biden said such an invitation was premature.", {"Joe Biden": "oppose"}),
        ("Ukraine wants to join NATO.\n\nOrbán said he opposes the bid.", {"Viktor Orbán": "oppose"}),
        ("Ukraine applied to join NATO on Friday. Scholz welcomed the application.",
         {"Olaf Scholz": "support"}),
        # another club's membership, or a sentence that does not name the bid again: no position
        ("Ukraine wants to join NATO.\n\nOrbán said he opposes its EU membership.", {"Viktor Orbán": None}),
        ("Ukraine wants to join NATO.\n\nOrbán said he opposes the new tax.", {"Viktor Orbán": None}),
        # without a sentence about NATO before, "the bid" is no NATO bid
        ("Orbán said he opposes the bid.", {"Viktor Orbán": None}),
    ],
)  # fmt: skip
def test_the_bid_named_again_is_read_from_the_sentence_before(engine, text, expected):
    """Issue #12, reading the article: "the bid" and "such an invitation" after a sentence
    about Ukraine's NATO membership are that membership."""
    got = stances(engine, text)
    for actor, stance in expected.items():
        assert got.get(actor) == stance, (actor, got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fico visits Kyiv\n\nThe prime minister said he would block Ukraine's accession to NATO.",
         {"Robert Fico": "oppose"}),
        ("Zelensky visits Washington\n\nThe president said Ukraine's place is in NATO.",
         {"Volodymyr Zelenskyy": "support"}),
        # two prime ministers named before: which one spoke is not the engine's to guess
        ("Fico meets Orbán in Bratislava\n\nThe prime minister said he would block Ukraine's "
         "accession to NATO.", {"Robert Fico": None, "Viktor Orbán": None}),
        # nobody named before holds the office on the date: unread
        ("Scholz visits Washington\n\nThe president said Ukraine's place is in NATO.",
         {"Olaf Scholz": None}),
    ],
)  # fmt: skip
def test_an_office_without_its_country_is_the_one_holder_named_before(engine, text, expected):
    """Issue #12, reading the article: "the prime minister" after "Fico" is Fico (on the
    date: in May 2024 he is Slovakia's prime minister)."""
    got = {s.actor: s.stance for s in engine.analyze(text, datetime(2024, 5, 1))}
    for actor, stance in expected.items():
        assert got.get(actor) == stance, (actor, got)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Ukraine's NATO membership was opposed by Hungary.", {"Hungary": "oppose"}),
        ("Ukraine's accession to NATO has been blocked by Hungary and Slovakia.",
         {"Hungary": "oppose", "Slovakia": "oppose"}),
        ("Ukraine's bid to join NATO is strongly backed by Poland.", {"Poland": "support"}),
        ("It was agreed by NATO leaders that Ukraine will become a member of the Alliance.",
         {"NATO": "support"}),
        ("NATO's promise of membership was perceived by Putin as a declaration of war.",
         {"Vladimir Putin": "oppose"}),
        # the agent is something of the actor's, not the actor
        ("Trump believes the invasion was provoked by Ukraine's intention to join NATO.",
         {"Ukraine": "support"}),
    ],
)  # fmt: skip
def test_the_agent_of_a_passive_holds_it(engine, text, expected):
    """Issue #12, holders real news names: the passive ("was blocked by Hungary")."""
    got = stances(engine, text)
    for actor, stance in expected.items():
        assert got.get(actor) == stance, (actor, got)


def test_an_office_names_its_holder_on_the_date(engine):
    text = "The Polish president said Ukraine's place is in NATO"
    assert stances(engine, text, datetime(2024, 6, 1))["Andrzej Duda"] == "support"
    assert stances(engine, text, datetime(2025, 10, 1))["Karol Nawrocki"] == "support"
    assert "Karol Nawrocki" not in stances(engine, text, datetime(2024, 6, 1))
    # the name after the office decides, whatever the date
    named = "Polish President Andrzej Duda said Ukraine's place is in NATO"
    # ... and Duda, no longer president then, does not speak for Poland
    assert set(stances(engine, named, datetime(2025, 10, 1))) - {"Ukraine"} == {"Andrzej Duda"}
    got = stances(engine, "Norway's foreign minister: Ukraine has earned a seat in the Alliance")
    assert got["Espen Barth Eide"] == "support"


def test_a_pronoun_speaks_for_the_person_the_sentence_before_was_about(engine):
    text = "Nausėda met Duda in Vilnius on Friday. He said the Alliance must invite Ukraine."
    assert stances(engine, text)["Gitanas Nausėda"] == "support"
    text = 'Kallas arrived in Kyiv on Monday. "Ukraine belongs in NATO," she told reporters.'
    assert stances(engine, text)["Kaja Kallas"] == "support"
    text = "Sybiha met Lammy in London. According to him, Ukraine's place is in NATO."
    assert stances(engine, text)["Andrii Sybiha"] == "support"
    text = "Kallas met Rutte. The Alliance must invite Ukraine, according to her."
    assert stances(engine, text)["Kaja Kallas"] == "support"
    # no person before: nobody to carry
    assert "Kaja Kallas" not in stances(engine, '"Ukraine belongs in NATO," she told reporters.')


def test_an_organisation_office_names_its_holder(engine):
    text = "NATO's secretary general said Ukraine's path to membership is irreversible"
    assert stances(engine, text, datetime(2024, 7, 10))["Jens Stoltenberg"] == "support"
    assert stances(engine, text, datetime(2025, 6, 1))["Mark Rutte"] == "support"


def test_a_yes_or_no_answers_the_question_before(engine):
    assert stances(engine, "Will Ukraine ever join NATO? Rutte says yes")["Mark Rutte"] == "support"
    assert (
        stances(engine, "Should Kyiv be invited to NATO now? Vance said no.")["JD Vance"]
        == "oppose"
    )


def test_who_does_not_hold_the_position(engine):
    # what one is blamed for ends at the comma: the rest is the speaker's
    got = stances(engine, "Trump blamed Biden for the war, saying Kyiv will never join NATO")
    assert got["Donald Trump"] == "oppose" and got.get("Joe Biden", "neutral") == "neutral"
    # a subject of an earlier clause does not hold a later one's cue
    got = stances(
        engine, "Szijjártó: NATO must remain a defensive alliance, Ukraine has no place in it"
    )
    assert got.get("NATO", "neutral") == "neutral"


def test_report_of_others_is_not_the_speakers_position(engine):
    got = stances(engine, "Hungary currently blocks our NATO accession, Zelenskyy said.")
    assert got["Hungary"] == "oppose"
    assert got["Volodymyr Zelenskyy"] == "support"  # "our accession": he wants it
    denial = stances(
        engine, "Reports that six allies oppose Ukraine's invitation to NATO are untrue - Nykyforov"
    )
    assert denial.get("Serhii Nykyforov") == "neutral"


def test_no_match_inside_other_words_and_cyrillic_aliases(engine):
    mentions = engine.matcher.find("Trumpeters and Ukrainians; Зеленського підтримали. USA, usage.")
    names = [m.actor.name for m in mentions]
    assert "Donald Trump" not in names
    assert names.count("Volodymyr Zelenskyy") == 1 and "Ukrainian public" in names
    assert names.count("United States") == 1  # "USA", not "us" in "usage"


def test_offsets_point_at_the_evidence(engine):
    text = "Ukraine joins talks\n\nBerlin, Monday. Chancellor Friedrich Merz said Germany supports Ukraine's NATO membership."
    [merz] = [s for s in engine.analyze(text) if s.actor == "Friedrich Merz"]
    assert text[merz.start : merz.end] == merz.evidence
    assert merz.evidence.startswith("Chancellor Friedrich Merz said")
    assert merz.cue.startswith("speech:")


def test_roles_change_with_the_date(engine):
    text = (
        "The German Chancellor Olaf Scholz said Ukraine cannot become a NATO member during the war."
    )
    early = stances(engine, text, datetime(2024, 10, 1, tzinfo=UTC))
    late = stances(engine, text, datetime(2025, 9, 1, tzinfo=UTC))
    assert early.get("Germany") == "oppose"  # he spoke for Germany then
    assert "Germany" not in late  # not after May 2025


def test_headline_speaker_carries_to_the_summary(engine):
    text = ("Sybiha: Allies must invite Ukraine\n\n"
            "Ukraine's invitation to NATO would be the strongest signal to Moscow, the minister added.")  # fmt: skip
    got = {s.actor: s for s in engine.analyze(text)}
    assert got["Andrii Sybiha"].stance == "support"


def test_quote_attributed_after_the_paragraph(engine):
    text = ("Kachka on the Alliance\n\nWe will never renounce the course to NATO membership.\n"
            "– Taras Kachka\n")  # fmt: skip
    got = {s.actor: s for s in engine.analyze(text)}
    assert got["Taras Kachka"].stance == "support"
    assert got["Taras Kachka"].cue.startswith("quote-line")


def test_every_statement_names_its_cue(engine):
    for s in engine.analyze("Fico says Slovakia will block Ukraine's accession to NATO."):
        assert s.cue and 0 < s.confidence <= 1


def test_stance_command_contract(runner):
    lines = "\n".join([
        json.dumps({"text": "Fico says he will oppose Ukraine's membership in NATO"}),
        json.dumps({"text": "Nothing about the alliance here.", "published": "2025-01-01"}),
    ])  # fmt: skip
    result = runner.invoke(cli, ["stance"], input=lines + "\n")
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.output.splitlines()]
    assert len(out) == 2 and out[1] == {"statements": []}
    fico = out[0]["statements"][0]
    assert set(fico) == {
        "actor",
        "actor_kind",
        "stance",
        "confidence",
        "evidence",
        "start",
        "end",
        "cue",
        "trail",
    }
    assert (fico["actor"], fico["actor_kind"], fico["stance"]) == (
        "Robert Fico",
        "person",
        "oppose",
    )
    # the cue line and the trail are one explanation: the trail names the cues the line shows
    trail = fico["trail"]
    assert fico["cue"].startswith(trail["how"] + ":")
    assert trail["cues"] and all(c["name"] in fico["cue"] for c in trail["cues"])


def test_stance_command_bad_line_is_reported_and_others_go_on(runner):
    result = runner.invoke(
        cli, ["stance"], input='{"text": "Stubb: Ukraine will join NATO"}\n[1, 2]\n'
    )
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if line.startswith("{")]
    assert json.loads(lines[0])["statements"][0]["actor"] == "Alexander Stubb"
    assert json.loads(lines[1]) == {"error": 'line 2: expected an object with a "text" string'}


def test_relaxed_scan_finds_exactly_what_the_pattern_finds():
    """Scan drops leading assertions to scan faster and re-checks the exact pattern: the
    matches must be the same, for every cue, relaxed or not."""
    sentences = WRITTEN
    rows = [json.loads(line) for line in sentences.read_text(encoding="utf-8").splitlines()]
    texts = [fold(r["text"]) for r in rows] + [
        "goodwill would join; cannot be admitted, notable neverland; nato-ization, un-blocking it",
        "the americans can't; will it ever be invited? it won't, said nobody; reforms met",
    ]
    for name, scan, _, _ in CUES:
        relaxed = Scan(scan.exact, relax=True)
        for text in texts:
            want = [m.span() for m in scan.exact.finditer(text)]
            assert [m.span() for m in relaxed.finditer(text)] == want, (name, text)
            first = scan.exact.search(text, 3)
            got = relaxed.search(text, 3)
            assert (got.span() if got else None) == (first.span() if first else None), (name, text)


def test_every_match_of_a_cue_holds_one_of_its_triggers():
    """Triggers gate the cues (a cue's pattern runs only on clauses holding one of its
    trigger words): a match without one would be missed."""
    sentences = WRITTEN
    texts = [
        fold(json.loads(line)["text"])
        for line in sentences.read_text(encoding="utf-8").splitlines()
    ]
    for name, scan, _, triggers in CUES:
        for text in texts:
            for m in scan.exact.finditer(text):
                assert any(t in m.group() for t in triggers), (name, m.group())


@pytest.fixture(scope="module")
def rules() -> StanceEngine:
    return StanceEngine(load_actors(), use_model=False)


@pytest.mark.parametrize(
    ("text", "actor", "stance"),
    [
        # the plain phrasings the rules used not to read (written here, after real coverage)
        ("Hungary has opposed the inclusion of Ukraine in NATO", "Hungary", "oppose"),
        ("Macron would welcome Ukraine's accession to NATO", "Emmanuel Macron", "support"),
        ("Zelensky signals willingness to pause the NATO bid", "Volodymyr Zelenskyy", "oppose"),
        ("Ukraine is asking for an invitation to NATO", "Ukraine", "support"),
        ("Trump took Ukraine's NATO membership off the agenda", "Donald Trump", "oppose"),
        ("It is too soon for NATO to offer Ukraine a membership plan, Merkel said", "Angela Merkel", "oppose"),
        ("Merkel said it is not too early to invite Ukraine to join NATO", "Angela Merkel", "support"),
        ("Macron wants Ukraine in NATO", "Emmanuel Macron", "support"),
        ("Macron is pushing for Ukraine's NATO membership", "Emmanuel Macron", "support"),
        ("Macron said he was open to Ukraine joining NATO", "Emmanuel Macron", "support"),
        ("Stubb said the question is not if, but when Ukraine joins NATO", "Alexander Stubb", "support"),
        ("Orbán is unwilling to back Ukraine's NATO bid", "Viktor Orbán", "oppose"),
        ("Orbán is a fierce critic of Ukraine's NATO bid", "Viktor Orbán", "oppose"),
        ("Orbán said Ukraine joining NATO is unthinkable", "Viktor Orbán", "oppose"),
        ("Orbán said NATO's doors should stay closed to Ukraine", "Viktor Orbán", "oppose"),
        ("Stoltenberg said NATO's door remains open to Ukraine", "Jens Stoltenberg", "support"),
        ("Ukraine decided not to join NATO, Witkoff said", "Ukraine", "oppose"),
        ("Bush pushed hard for a membership action plan for Ukraine", "George W. Bush", "support"),
    ],
)  # fmt: skip
def test_the_rules_read_plain_phrasings(rules, text, actor, stance):
    assert stances(rules, text).get(actor) == stance


@pytest.mark.parametrize(
    "text",
    ["Putin said Finland's NATO membership was a mistake.", "Merkel backs Georgia's NATO bid"],
)
def test_another_country_s_nato_bid_is_not_ukraine_s(engine, text):
    """Convention 7: another country's bid, Ukraine unnamed, is no position on Ukraine's."""
    assert all(s == "neutral" for s in stances(engine, text).values())


def test_too_early_to_say_is_no_position(rules):
    assert stances(rules, "Merkel said it is too early to say whether Ukraine will join NATO") == {
        "Angela Merkel": "neutral"
    }


@pytest.mark.parametrize(
    "text",
    [
        # the speaker named after the quote closes (written here, after real coverage)
        '"Ukraine must never join NATO. It goes beyond our red lines," Peskov said.',
        "“Ukraine must never join NATO. It goes beyond our red lines,” Peskov said.",
        # and before it opens
        'Peskov said: "The talks went on for hours. Ukraine must never join NATO."',
    ],
)
def test_a_quote_of_several_sentences_is_its_speakers(rules, text):
    got = {s.actor: s for s in rules.analyze(text)}
    assert got["Dmitry Peskov"].stance == "oppose"
    assert got["Dmitry Peskov"].cue.startswith("quote:")


def test_a_quote_s_speaker_does_not_reach_past_its_closing_mark(rules):
    text = 'Peskov spoke. "The talks went on," he said. Ukraine must never join NATO, Orbán said.'
    assert "Dmitry Peskov" not in {s.actor for s in rules.analyze(text) if s.stance != "neutral"}
