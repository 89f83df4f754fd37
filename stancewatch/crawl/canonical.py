"""Canonical URLs: one spelling per article, so the same page is never stored twice.

w3lib canonicalises (sorted query, no fragment, normalised escapes); on top we drop tracking
parameters and AMP variants, and prefer the page's own ``rel=canonical`` when it stays on the
same site (the same registered domain: ``fakty.com.ua`` and ``evil.com.ua`` are two sites).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from stancewatch.crawl.items import ArticleItem
from stancewatch.crawl.pipelines import Step
from stancewatch.sources import same_site

_TRACKING = re.compile(
    r"^(utm_[a-z_]+|fbclid|gclid|dclid|msclkid|yclid|mc_cid|mc_eid|ocid|cmpid|"
    r"__twitter_impression|sr_share|at_[a-z_]+|ref|ref_src|s_cid|"
    r"_ga|igshid|amp|outputtype)$",
    re.IGNORECASE,
)
_AMP_PATH = re.compile(r"(/amp/?$)|(^/amp(?=/))|(\.amp(?=\.html?$))", re.IGNORECASE)


def canonical_url(url: str) -> str:
    """Canonical form of ``url``: no tracking parameters, no fragment, no AMP variant."""
    parts = urlsplit(url.strip())
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)]
    query = [(k, v) for k, v in query if not _TRACKING.match(k)]
    path = _AMP_PATH.sub(lambda m: "/" if m.group(1) else "", parts.path) or "/"
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (parts.scheme == "http" and parts.port == 80)
        or (parts.scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    rebuilt = urlunsplit((parts.scheme.lower(), host, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def choose_canonical(fetched_url: str, declared: str | None) -> str:
    """The page's rel=canonical when it is an http(s) URL on the same site, else the fetched
    URL; canonicalised either way. A canonical pointing elsewhere (syndication partner) is
    ignored: near-duplicate detection links such copies instead."""
    if declared:
        d = urlsplit(declared)
        f = urlsplit(fetched_url)
        if not d.scheme:  # relative canonical
            declared = urlunsplit((f.scheme, f.netloc, d.path, d.query, ""))
            d = urlsplit(declared)
        if d.scheme in ("http", "https") and d.hostname and f.hostname:
            if same_site(d.hostname, f.hostname):
                return canonical_url(declared)
    return canonical_url(fetched_url)


# Step 2 of the item pipelines.


class CanonicalUrlPipeline(Step):
    stage = "canonical"

    def process_item(self, item: ArticleItem) -> ArticleItem:
        with self.timed():
            item.canonical_url = choose_canonical(item.url, item.declared_canonical)
        return item
