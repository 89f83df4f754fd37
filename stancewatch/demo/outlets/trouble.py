"""Bad input, one case per URL, each reachable through its own feed ``/feed/<case>.xml``.

Cases: ``error500``, ``slow`` (answers after ``slow_seconds``), ``huge`` (20 MB with a
Content-Length), ``huge-stream`` (20 MB, no length), ``cp1251`` (windows-1251 bytes, no charset
anywhere), ``nonarticle`` (a gallery page without body text), ``gallery`` (the same, and its
JSON-LD says ``ImageGallery``: not an article page), ``redirect`` (to
``localhost``: another host name), ``malformed`` (broken HTML around a real text), ``blocked``
(a 403 bot-protection page) and ``empty`` (a feed without items). ``/feed/all.xml`` lists all.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from html import escape

from stancewatch.demo.outlets.base import HTML, RSS, Outlet, Route, not_found, rss, text_response
from stancewatch.demo.server import Request, Response

CASES = (
    "error500", "slow", "huge", "huge-stream", "cp1251", "nonarticle", "gallery", "redirect",
    "malformed", "blocked", "empty",
)  # fmt: skip
HUGE_BYTES = 20 * 1024 * 1024
_CHUNK = (b"<p>" + b"padding text of an endless page " * 2000 + b"</p>\n")[: 64 * 1024]
_PUBLISHED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

CP1251_TITLE = "Качка: ніхто не відмовляється від курсу на вступ до НАТО"
CP1251_PARAGRAPHS = (
    "Хоча проєкт мирного плану з 20 пунктів не передбачає вступу України до НАТО, Київ і надалі "
    "рухається цим курсом, закріпленим у Конституції. Про це заявив віцепрем'єр-міністр з питань "
    "європейської та євроатлантичної інтеграції Тарас Качка.",
    "За словами Качки, шлях до НАТО на певному етапі може відрізнятися від шляху до ЄС, але Альянс "
    "залишається ключовим безпековим і військовим партнером України.",
    "Конституція чітко фіксує мету інтеграції як до НАТО, так і до Європейського Союзу. Ніхто не "
    "відмовляється від цього курсу і не відкладає його, наголосив Качка.",
    "Водночас він визнав, що просування України шляхом до НАТО нині повільніше, ніж темп "
    "переговорів щодо ЄС, тож головна увага зосереджена на двосторонніх гарантіях безпеки.",
)
MALFORMED_PARAGRAPHS = (
    "Ukraine is a country that has been at war with Russia since 2014, when Moscow annexed Crimea "
    "and supported armed separatists in eastern Ukraine. Ukraine has also been seeking to join the "
    "North Atlantic Treaty Organization (NATO), a military alliance of 30 countries that pledge to "
    "defend each other in case of an attack.",
    "Ukraine’s main motivation for joining NATO is to enhance its security and sovereignty in the "
    "face of Russian aggression. Ukraine sees NATO as a guarantor of its territorial integrity and a "
    "deterrent against further Russian expansionism.",
    "Ukraine has been cooperating with NATO since 1991, when it gained independence from the Soviet "
    "Union. Ukraine has participated in various NATO-led missions and exercises, contributed to the "
    "fight against terrorism and piracy, and implemented reforms to modernize its defense sector.",
)


def case_path(case: str) -> str:
    return "/feed/empty.xml" if case == "empty" else f"/trouble/{case}"


class Trouble(Outlet):
    name = "trouble"
    publisher = "Trouble Times"

    def routes(self) -> list[Route]:
        return [
            (re.compile(r"/feed/([a-z0-9-]+)\.xml"), self.feed),
            (re.compile(r"/trouble/landed"), lambda r, m: self.landed()),
            (re.compile(r"/trouble/([a-z0-9-]+)"), self.case),
        ]

    def feed(self, request: Request, m: re.Match[str]) -> Response:
        wanted = m[1]
        if wanted not in CASES and wanted != "all":
            return not_found()
        cases = [c for c in CASES if c != "empty" and wanted in (c, "all")]
        items = [
            f"<item><title>Trouble case {c}</title><link>{self.url(case_path(c))}</link>"
            f"<guid>{c}</guid><pubDate>Sat, 01 Mar 2025 09:00:00 GMT</pubDate></item>"
            for c in cases
        ]
        return self.listing(
            request, rss(f"Trouble: {wanted}", self.url("/"), items, _PUBLISHED), RSS
        )

    def case(self, request: Request, m: re.Match[str]) -> Response:
        case = m[1]
        if case == "error500":
            return text_response(
                "<html><body><h1>500 Internal Server Error</h1></body></html>", 500, HTML
            )
        if case == "slow":
            self.site.stopping.wait(self.site.slow_seconds)
            return text_response(
                _plain_page("Slow page", ["This page took a long time."]), 200, HTML
            )
        if case in ("huge", "huge-stream"):
            length = HUGE_BYTES if case == "huge" else None
            return Response(200, _huge(), {"Content-Type": HTML}, length)
        if case == "cp1251":
            html = _plain_page(CP1251_TITLE, list(CP1251_PARAGRAPHS), meta_charset=False)
            return Response(200, html.encode("windows-1251"), {"Content-Type": "text/html"})
        if case == "nonarticle":
            return text_response(_gallery(), 200, HTML)
        if case == "gallery":
            return text_response(_gallery(_GALLERY_LD), 200, HTML)
        if case == "redirect":
            target = f"http://localhost:{self.site.port(self.name)}/trouble/landed"
            return Response(301, b"", {"Location": target, "Content-Type": HTML})
        if case == "malformed":
            return text_response(_malformed(), 200, HTML)
        if case == "blocked":
            return Response(403, _BLOCKED.encode(), {
                "Content-Type": HTML, "Server": "cloudflare", "cf-mitigated": "challenge",
            })  # fmt: skip
        return not_found()

    def landed(self) -> Response:
        return text_response(
            _plain_page("Landed elsewhere", list(MALFORMED_PARAGRAPHS[:1])), 200, HTML
        )


def _plain_page(title: str, paragraphs: list[str], meta_charset: bool = True) -> str:
    charset = '<meta charset="utf-8">' if meta_charset else ""
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{charset}<title>{escape(title)}</title></head><body>"
        f"<nav><a href='/'>Home</a></nav><article><h1>{escape(title)}</h1>{body}</article></body></html>"
    )


def _huge() -> Iterator[bytes]:
    head = b"<!DOCTYPE html><html><head><title>Huge</title></head><body>"
    sent = len(head)
    yield head
    while sent < HUGE_BYTES:
        chunk = _CHUNK[: HUGE_BYTES - sent]
        sent += len(chunk)
        yield chunk


_GALLERY_LD = '<script type="application/ld+json">{"@type": "ImageGallery"}</script>'


def _gallery(head: str = "") -> str:
    figures = "".join(
        f'<figure><img src="/img/summit-{i}.jpg" alt="Фото {i}"><figcaption>Фото {i}</figcaption></figure>'
        for i in range(1, 13)
    )
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Photo gallery: NATO summit</title>'
        f"{head}</head><body><nav><a href='/'>Home</a> <a href='/tag/nato'>NATO</a></nav>"
        f'<h1>Photo gallery: NATO summit</h1><div class="gallery">{figures}</div>'
        "<div class='tags'><a href='/tag/nato'>NATO</a> <a href='/tag/ukraine'>Ukraine</a></div>"
        "</body></html>"
    )


def _malformed() -> str:
    p1, p2, p3 = (escape(p) for p in MALFORMED_PARAGRAPHS)
    return (
        '<html><head><meta charset="utf-8"><title>Why Ukraine wants to join NATO</title>'
        "<body><div class=content><h1>Why Ukraine wants to join NATO</h2>"
        f"<p>{p1}<div><b>{p2}<i></b> still italic</i><p>{p3}"
        "<table><tr><td>cell</div></td></tr><span>stray</table></p></p></html>"
        "<p>after the end"
    )


_BLOCKED = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title></head><body>'
    "<h1>Sorry, you have been blocked</h1><p>This website is using a security service to protect "
    "itself from online attacks. The action you just performed triggered the security solution.</p>"
    "<p>Cloudflare Ray ID: 8f3a2c1d9e7b6a54</p></body></html>"
)
