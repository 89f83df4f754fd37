"""Build stancewatch/demo/coverage.json from the seed documents in shared/seeds/.

Run once when the seeds change: ``python tools/build_demo_coverage.py /work/shared/seeds``.
The Censor.NET tag page (seed 001) lists headlines and leads without dates: the dates below
follow the listing's order (newest first) and are approximate. Article bodies keep the seeds'
own sentences; the Censor items get a short body built from their headline and lead.
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "stancewatch" / "demo" / "coverage.json"

# (caption, headline, published UTC, section) in the order of the tag page (newest first).
CENSOR = [
    (
        "Former Lithuanian Foreign Minister Gabrielius Landsbergis",
        "NATO membership is only effective guarantee of security for Ukraine, - former Lithuanian Foreign Minister Landsbergis",
        "2025-12-16T09:41",
        "news",
    ),
    (
        "Zelenskyy names opponents of Ukraine’s accession to NATO",
        "United States, Germany, Hungary, and Slovakia currently do not support our NATO membership - Zelenskyy. VIDEO",
        "2025-05-27T14:05",
        "news",
    ),
    (
        "Ukraine will not give up on NATO accession during peace talks",
        "Ukraine will not make concessions on NATO accession during peace talks - Sybiha",
        "2025-05-14T10:22",
        "news",
    ),
    (
        "Attitudes of Ukrainians towards EU and NATO membership",
        "Ukraine’s membership in NATO is higher priority for Ukrainians than membership in EU - KIIS poll. INFOGRAPHICS",
        "2025-04-10T12:30",
        "news",
    ),
    (
        "Johnson on Ukraine’s membership in NATO",
        "Ukraine’s membership in NATO is not being actively discussed now, and this is great loss, because West is retreating again, - former British Prime Minister Johnson",
        "2025-03-19T17:48",
        "news",
    ),
    (
        "Ukraine’s Foreign Ministry reacts to Nawrocki’s statement on joining the EU and NATO",
        "MFA of Ukraine on Nawrocki’s statement: It elicited applause in Kremlin",
        "2025-01-24T11:15",
        "news",
    ),
    (
        "Polish presidential candidate Karol Nawrocki",
        "Today I see Ukraine neither in EU nor in NATO - Polish presidential candidate Nawrocki",
        "2025-01-23T19:02",
        "news",
    ),
    (
        "Trump",
        "Sybiha on Trump’s statements: Ukraine is interested in active dialogue at level of leaders",
        "2025-01-08T15:10",
        "news",
    ),
    (
        "President of Ukraine Zelenskyy",
        "Ukraine has right to demand serious security guarantees that could stop Putin - Zelenskyy",
        "2025-01-08T12:31",
        "news",
    ),
    (
        "Zelenskyy on Ukraine's membership in NATO",
        "Zelenskyy: Entire territory of Ukraine should receive invitation to NATO",
        "2024-12-10T08:20",
        "news",
    ),
    (
        "Zelenskyy to call Biden: talk about invitation to NATO",
        "Zelenskyy will call Biden soon: they will talk about invitation to NATO",
        "2024-12-06T16:44",
        "news",
    ),
    (
        "Blinken",
        "Blinken on Ukraine’s invitation to NATO: More reforms are needed",
        "2024-12-05T09:12",
        "news",
    ),
    (
        "Foreign Minister of Ukraine Andrii Sybiha",
        "Ukraine has received positive assessment of progress on its way to NATO membership – Sybiha",
        "2024-12-04T18:03",
        "news",
    ),
    (
        "Ukraine calls on NATO to decide on an invitation to join",
        "Ukraine does not demand NATO membership during war, however, this is our strategic goal - Sybiha",
        "2024-12-04T10:27",
        "news",
    ),
    (
        "Trump's peace plans: what is known?",
        "Trump is offered three peace plans. Ukraine is outside NATO and ceding territories - Reuters",
        "2024-12-03T20:15",
        "resonance",
    ),
    (
        "Why NATO is delaying inviting Ukraine: waiting for Trump",
        "Latvian Foreign Minister Braže on Ukraine’s invitation to NATO: We are waiting for Trump",
        "2024-12-03T14:40",
        "news",
    ),
    (
        "German Foreign Minister Annalena Baerbock",
        "Ukraine needs real security guarantees. This should not be freezing of war, - Baerbock",
        "2024-12-03T09:05",
        "news",
    ),
    (
        "Estonia: Ukraine's NATO membership is only guarantee of security",
        "Ukraine’s membership in NATO is the only guarantee of security: Estonian Foreign Ministry",
        "2024-12-02T19:30",
        "news",
    ),
    (
        "Who is against Ukraine's Invitation to NATO: Le Monde article",
        "United States, Germany and Hungary are still against inviting Ukraine to NATO – Le Monde",
        "2024-12-02T12:12",
        "resonance",
    ),
    (
        "Minister for Foreign Affairs of Ukraine Andrii Sybiha on Budapest Memorandum",
        "Ukraine will not repeat same mistake as with Budapest Memorandum - Sybiha",
        "2024-12-02T08:55",
        "news",
    ),
    (
        "G7 ambassadors say freedom of press is important for progress towards NATO membership",
        "Freedom of the press is important for Ukraine’s progress towards NATO, G7 ambassadors say",
        "2024-12-01T18:20",
        "news",
    ),
    (
        "NATO Ukraine",
        "Ukraine officially renounces guarantees that are substitutes for NATO membership - Foreign Ministry",
        "2024-12-01T11:48",
        "news",
    ),
    (
        "Zelenskyy on return of occupied territories: diplomacy is needed",
        "Ukraine cannot return occupied territories by force. We need to look for diplomatic solutions, - Zelenskyy. VIDEO",
        "2024-11-30T16:36",
        "news",
    ),
    (
        "Zelenskyy on ending hot phase of war",
        "Part of Ukraine’s territory cannot be invited to join NATO, we will never do it - Zelenskyy",
        "2024-11-30T10:02",
        "news",
    ),
    (
        "Zelenskyy",
        'If we want to stop "hot phase" of war, we need to take territories of Ukraine under its control into NATO - Zelenskyy',
        "2024-11-29T21:14",
        "news",
    ),
    (
        "Ukraine calls on NATO to decide on membership invitation",
        "Ukraine calls on NATO to invite it to join Alliance - media",
        "2024-11-26T13:50",
        "news",
    ),
    (
        "байден",
        "Biden administration planned to call for Ukraine’s NATO invitation, but changed its mind - Bloomberg",
        "2024-11-23T07:33",
        "news",
    ),
    (
        "фіцо",
        "Fico says he will oppose Ukraine’s membership in NATO as long as he is Prime Minister of Slovakia",
        "2024-11-19T15:26",
        "news",
    ),
    (
        "Президент Володимир Зеленський",
        "Zelenskyy: There will be no bilateral agreement between Ukraine and Hungary without NATO clause",
        "2024-11-08T11:04",
        "news",
    ),
    (
        'Лідер "ЄС" Петро Порошенко',
        "We really need US support, but Ukraine must do its part - Poroshenko",
        "2024-11-07T17:19",
        "news",
    ),
    (
        "Зеленський виступив на саміті Європейської політичної спільноти в Будапешті",
        "During war, we saw failure of certain European approaches, - Zelenskyy",
        "2024-11-07T12:45",
        "news",
    ),
    (
        "Міністерка закордонних справ ФРН Анналена Бербок",
        "Ukraine’s future - in EU and NATO - Baerbock",
        "2024-11-04T10:10",
        "news",
    ),
    (
        "канцлер Німеччини Шольц та генсек НАТО Рютте",
        "No need for new decisions on Ukraine’s NATO membership now - Scholz",
        "2024-10-30T18:58",
        "news",
    ),
    (
        "Єрмак про корупцію та незапрошення до НАТО",
        "Non-invitation to NATO due to corruption in Ukraine is search for reasons not to do so - OP",
        "2024-10-28T09:37",
        "news",
    ),
    (
        "Ейде вірить в Україну як у майбутнього члена НАТО",
        "Norwegian Foreign Minister Eide: I believe in Ukraine as future NATO member",
        "2024-10-25T14:22",
        "news",
    ),
    (
        "Помічниця генсека НАТО заявила, що Альянс робить все, щоб Україна перемогла",
        "There is no doubt that Ukraine will become NATO member, - Rutte’s aide",
        "2024-10-24T16:05",
        "news",
    ),
    (
        "Президент України Володимир Зеленський",
        "Ukraine and Hungary preparing bilateral document, which includes issue of joining NATO - Zelenskyy",
        "2024-10-23T11:41",
        "news",
    ),
    (
        "Зеленський заявив, що запрошення до НАТО має бути прозорим",
        "Zelenskyy: Ukraine’s invitation to NATO should be transparent",
        "2024-10-22T19:16",
        "news",
    ),
    (
        "Зеленський на саміті Україна – Північна Європа",
        "Invitation to NATO will become insurmountable protective wall against Russia’s imperial ambitions, - Zelenskyy",
        "2024-10-21T13:28",
        "news",
    ),
    (
        "Посол Британії Гарріс про угоду про гарантії безпеки",
        "Security Assurances Agreements for Ukraine are not alternative to joining NATO, - British Ambassador Harris",
        "2024-10-20T10:54",
        "news",
    ),
    (
        "Міністр оборони Литви Лаурінас Кащюнас",
        "Ukraine should be admitted to NATO, - Lithuanian Defense Minister Kasčiūnas",
        "2024-10-19T15:03",
        "news",
    ),
    (
        "шольц",
        'Scholz on first point of "Victory Plan": Country at war cannot become NATO member',
        "2024-10-18T12:47",
        "news",
    ),
    (
        "Скільки українців підтримують вступ до ЄС та НАТО: опитування Центру Разумкова",
        "88% of Ukrainians support joining EU and 86% support joining NATO - Razumkov Center poll. INFOGRAPHICS",
        "2024-10-17T09:30",
        "news",
    ),
    (
        "спікерка Сейму Литви Чміліте-Нільсен",
        "Ukraine’s accession to EU and invitation to NATO will send clear signal to Russia that it cannot intimidate other countries, - Speaker of Seimas of Lithuania Čmilytė-Nielsen",
        "2024-10-16T17:11",
        "news",
    ),
    (
        "В ОП заперечили, що 7 країн проти вступу України до НАТО",
        "Media information that 7 NATO countries are against Ukraine’s invitation to Alliance is untrue - Zelenskyy’s spokesman Nykyforov",
        "2024-10-15T11:58",
        "news",
    ),
    (
        "нато",
        "Besides US and Germany, there are other NATO countries that oppose Ukraine’s invitation - Politico",
        "2024-10-14T08:42",
        "news",
    ),
    (
        "Стубб переконаний, що запрошення України в НАТО є неминучим",
        "Invitation of Ukraine to NATO is inevitable, - President of Finland Stubb",
        "2024-10-12T13:36",
        "news",
    ),
    (
        "США не готові запросити Україну до НАТО",
        "States are not ready to invite Ukraine to NATO - US ambassador Smith",
        "2024-10-11T10:19",
        "news",
    ),
]

_TAIL = re.compile(r"^(?P<lead>.*[^\d\s]) (?P<views>\d{1,3}(?:\s\d{3})?) (?P<comments>\d+)$")
_TREND = re.compile(r"^(?P<rest>.*?) Previously in trend: (?P<trend>.+)$")
_DASH = re.compile(r"^(?P<statement>.+?),?\s+[-–]\s+(?P<speaker>(?:(?!\s[-–]\s).)+)$")
_COLON = re.compile(r"^(?P<speaker>[A-Z][\w’' .-]{1,60}?): (?P<statement>.+)$")
_MEDIA = re.compile(r"\.\s+(VIDEO|INFOGRAPHICS)$")
_WEEKDAYS = "Monday Tuesday Wednesday Thursday Friday Saturday Sunday".split()


def slugify(text: str, sep: str, limit: int = 90) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("’", "").replace("'", ""))
    slug = sep.join(words)
    return slug[:limit].rstrip(sep)


def restate(headline: str) -> str:
    """The headline as a body sentence with its speaker, as a news item repeats it."""
    clean = _MEDIA.sub("", headline)
    m = _DASH.match(clean)
    if m:
        return f"{m['statement'].rstrip('.')}, {m['speaker'].strip()} said."
    m = _COLON.match(clean)
    if m and len(m["speaker"].split()) <= 3 and " on " not in m["speaker"]:
        return f"{m['speaker']} said: “{m['statement'].rstrip('.')}.”"
    return clean.rstrip(".") + "."


def censor_items(seed: str) -> list[dict]:
    lines = [ln.strip() for ln in seed.splitlines() if ln.strip()]
    start = lines.index("News NATO Membership") + 1
    items = lines[start:]
    assert len(items) == len(CENSOR), (len(items), len(CENSOR))
    number = 3_490_000
    out = []
    for line, (caption, headline, when, section) in zip(items, CENSOR, strict=True):
        prefix = f"{caption} {headline} "
        assert line.startswith(prefix), (line, prefix)
        rest = line[len(prefix) :]
        trend = None
        m = _TREND.match(rest)
        if m:
            rest, trend = m["rest"], m["trend"]
        m = _TAIL.match(rest)
        assert m, rest
        published = datetime.fromisoformat(when)
        number_for = number + (published - datetime(2024, 10, 1)).days * 1_500 + published.hour * 40
        day = f"{_WEEKDAYS[published.weekday()]}, {published.day} {published:%B %Y}"
        out.append(
            {
                "id": f"censor-{number_for}",
                "outlet": "censor",
                "slug": slugify(_MEDIA.sub("", headline), "_"),
                "published": when + ":00Z",
                "title": headline,
                "lead": m["lead"],
                "paragraphs": [m["lead"], restate(headline), f"Censor.NET reported this on {day}."],
                "author": "Censor.NET",
                "phase": 2 if published.year == 2025 and published.month == 12 else 1,
                "section": section,
                "caption": caption,
                "views": int(re.sub(r"\s", "", m["views"])),
                "comments": int(m["comments"]),
                "trend": trend,
            }
        )
    return out


def quote_paragraphs(lines: list[str]) -> list[str]:
    """Join a quote line and its '– Name' line into one paragraph, as the page shows them."""
    out: list[str] = []
    for line in lines:
        if line.startswith("– ") and out:
            out[-1] = f"“{out[-1]}” {line}"
        else:
            out.append(line)
    return out


def build(seeds: Path) -> list[dict]:
    read = {p.name[:3]: p.read_text(encoding="utf-8") for p in seeds.glob("0*.txt")}
    articles = censor_items(read["001"])

    kachka = [ln.strip() for ln in read["000"].splitlines() if ln.strip()]
    kachka = [
        ("## " + ln) if ln == "Prospects for Ukraine’s accession to NATO" else ln for ln in kachka
    ]
    kachka_paras = quote_paragraphs(kachka)
    kachka_title = "No one is putting NATO in brackets: Kachka on Ukraine’s course to the Alliance"
    articles.append(
        {
            "id": "fakty-kachka",
            "outlet": "fakty",
            "slug": "20260106-no-one-is-putting-nato-in-brackets-kachka",
            "published": "2026-01-06T10:35:00Z",
            "title": kachka_title,
            "lead": kachka_paras[0],
            "paragraphs": kachka_paras,
            "author": "FAKTY",
            "phase": 3,
        }
    )
    articles.append(
        {
            "id": "aggregator-kachka",
            "outlet": "aggregator",
            "slug": "ukraine-not-giving-up-on-nato-kachka",
            "published": "2026-01-06T13:02:00Z",
            "title": "Ukraine is not abandoning its NATO course despite the peace plan, says deputy PM Kachka",
            "lead": kachka_paras[0],
            "paragraphs": kachka_paras
            + ["This material was originally published by FAKTY (ICTV)."],
            "author": "Newsroom",
            "phase": 3,
            "copy_of": "fakty-kachka",
        }
    )

    reuters = [ln.strip() for ln in read["002"].splitlines() if ln.strip() not in ("", "close")]
    teaser = reuters[2]
    body = reuters[4:]
    body[-1] = body[-1].removesuffix("With the contribution of agencies").strip()
    body = [ln for ln in body if ln]
    body = [
        ln
        for ln in body
        if ln not in ("An “achievable” goal?", "Ukraine’s dependence on NATO for peace")
    ]
    wire = [re.sub(r"\bkyiv\b", "Kyiv", ln).replace("»", "”") for ln in body]
    articles.append(
        {
            "id": "cnbc-reuters-zelensky-feasible",
            "outlet": "cnbc",
            "slug": "zelensky-says-kyivs-nato-membership-feasible",
            "published": "2024-12-22T16:48:00Z",
            "title": "Zelensky says Kyiv’s NATO membership ‘feasible’",
            "lead": teaser,
            "paragraphs": wire,
            "author": "Reuters",
            "phase": 1,
        }
    )
    articles.append(
        {
            "id": "aggregator-zelensky-feasible",
            "outlet": "aggregator",
            "slug": "zelensky-nato-membership-achievable-allies",
            "published": "2024-12-22T19:20:00Z",
            "title": "NATO membership is ‘achievable’ for Ukraine if allies are persuaded, Zelensky tells diplomats",
            "lead": teaser,
            "paragraphs": [teaser] + body,
            "author": "Newsroom",
            "phase": 1,
            "copy_of": "cnbc-reuters-zelensky-feasible",
        }
    )

    cnbc = [ln.strip() for ln in read["004"].splitlines() if ln.strip()]
    title, caption, credit = cnbc[0], cnbc[1], cnbc[2]
    paras = [ln for ln in cnbc[3:] if not ln.startswith("Read More:")]
    articles.append(
        {
            "id": "cnbc-ukraine-gives-up-nato",
            "outlet": "cnbc",
            "slug": "ukraine-gives-up-joining-nato-in-bid-to-shift-the-dial-in-peace-talks",
            "published": "2025-12-15T08:12:41Z",
            "title": title,
            "lead": paras[0],
            "paragraphs": paras,
            "author": "Holly Ellyatt",
            "phase": 2,
            "caption": f"{caption} {credit}",
        }
    )
    articles.append(
        {
            "id": "aggregator-ukraine-gives-up-nato",
            "outlet": "aggregator",
            "slug": "ukraine-gives-up-joining-nato-in-bid-to-shift-the-dial-in-peace-talks",
            "published": "2025-12-15T09:30:00Z",
            "title": title,
            "lead": paras[0],
            "paragraphs": paras,
            "author": "Newsroom",
            "phase": 2,
            "copy_of": "cnbc-ukraine-gives-up-nato",
            "tracking_query": "utm_source=rss&utm_medium=feed&utm_campaign=ukraine-nato",
        }
    )
    articles.append(
        {
            "id": "censor-4148720",
            "outlet": "censor",
            "slug": "bilateral_security_guarantees_instead_of_nato_membership_are_compromise_zelenskyy",
            "published": "2025-12-14T18:26:00Z",
            "title": "Bilateral security guarantees instead of NATO membership are already compromise on our part - Zelenskyy",
            "lead": paras[3],
            "paragraphs": [paras[1], paras[3], paras[4], paras[5], paras[6]],
            "author": "Censor.NET",
            "phase": 2,
            "section": "news",
            "caption": "Зеленський про гарантії безпеки",
            "views": 15_422,
            "comments": 211,
            "trend": "War",
        }
    )
    articles.sort(key=lambda a: a["published"], reverse=True)
    return articles


if __name__ == "__main__":
    seeds = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/seeds")
    data = build(seeds)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {len(data)} articles to {OUT}")
