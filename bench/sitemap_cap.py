"""Sitemap caps: peak resident memory of a crawl whose sitemap lists 200,000 URLs, capped and not.

A local server (stancewatch.demo.server.LocalServer) answers one sitemap of ``--urls`` entries
and a tiny 404 for every article, so the memory is the sitemap and the queued requests, not
extraction. Each run is ``stancewatch crawl`` in a child process with ``max_download_size``
raised so the sitemap is read at all; its resident memory is sampled every 0.25 s for
``--seconds`` (the peak comes once the sitemap is parsed and its links queued: the first
article request), then the crawl is killed. Prints the peak per run and the article requests made; asserts nothing.

    python bench/sitemap_cap.py [--urls 200000] [--seconds 120] [--only defaults|uncapped]
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from crawl_ratio import tree_rss_mib  # noqa: E402

from stancewatch.demo.server import LocalServer, Request, Response  # noqa: E402


def sitemap(base: str, n: int) -> bytes:
    urls = "".join(f"<url><loc>{base}/news/{i:07d}-story</loc></url>" for i in range(n))
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def run(server: LocalServer, tmp: Path, label: str, caps: dict[str, int], seconds: float) -> None:
    db = tmp / f"{label}.db"
    sources = tmp / "sources.toml"
    sources.write_text(
        f'[[sources]]\nname = "big"\nkind = "sitemap"\nstart_urls = ["{server.url("/sitemap.xml")}"]\n'
    )
    env = {**os.environ, "PYTHONPATH": str(HERE.parent), "STANCEWATCH_MAX_DOWNLOAD_SIZE": str(64 << 20),
           "STANCEWATCH_AUTOTHROTTLE": "false", "STANCEWATCH_ROBOTSTXT_OBEY": "false",
           "STANCEWATCH_CRAWL_LOG_LEVEL": "ERROR",
           **{f"STANCEWATCH_{k.upper()}": str(v) for k, v in caps.items()}}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "stancewatch", "--database-url", f"sqlite:///{db}",
         "--sources", str(sources), "crawl", "--format", "json"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    started, peak, first_request = time.monotonic(), 0.0, None
    while proc.poll() is None and time.monotonic() - started < seconds:
        peak = max(peak, tree_rss_mib(proc.pid))
        if first_request is None and any(r.path.startswith("/news/") for r in server.received):
            first_request = time.monotonic() - started  # the sitemap's links are queued by now
        time.sleep(0.25)
    finished = proc.poll() is not None
    if not finished:
        proc.send_signal(signal.SIGKILL)  # the peak is measured; a graceful stop would drain
    proc.communicate(timeout=60)
    asked = sum(1 for r in server.requests if r.path.startswith("/news/"))
    server.requests.clear()
    server.received.clear()
    queued = (
        f"first article request at {first_request:.0f} s" if first_request else "links never queued"
    )
    print(f"{label:>9}: peak {peak:6.0f} MiB  {queued}; article requests in {seconds:.0f} s: {asked}"
          f"{'' if finished else ' (stopped at the window)'}")  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--urls", type=int, default=200_000)
    ap.add_argument("--seconds", type=float, default=120.0)
    ap.add_argument("--only", choices=("defaults", "uncapped"))
    args = ap.parse_args()
    holder: dict[str, bytes] = {}

    def app(request: Request) -> Response:
        if request.path == "/sitemap.xml":
            return Response(200, holder["sitemap"], {"Content-Type": "application/xml"})
        return Response(404, b"", {"Content-Type": "text/plain"})

    with LocalServer(app) as server, tempfile.TemporaryDirectory() as tmp:
        holder["sitemap"] = sitemap(server.base, args.urls)
        print(f"sitemap: {args.urls} URLs, {len(holder['sitemap']) / 2**20:.1f} MiB")
        if args.only in (None, "defaults"):
            run(server, Path(tmp), "defaults", {}, args.seconds)
        if args.only in (None, "uncapped"):
            uncapped = {"sitemap_max_urls": 10**9, "sitemap_max_urls_per_crawl": 10**9}
            run(server, Path(tmp), "uncapped", uncapped, args.seconds)


if __name__ == "__main__":
    main()
