"""Renders/s per core of our renderer against a naive WeasyPrint call, every kind, as JSON."""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import resource
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import weasyprint

# What was tried, one-page 住民票 of four (min ms per render, one process, same run; the
# machine was shared, so medians moved ±30 %):
#   profile (cProfile): layout ≈ 45 %, painting into the PDF stream ≈ 40 % (SVG art 17 ms,
#   collapsed borders 14 ms, text 10 ms), cascade ≈ 10 %, font subsetting ≈ 5 ms.
#   reused FontConfiguration + parsed stylesheet (the starting point) ........ 126 → 111
#   shared WeasyPrint image cache (seal/けん制 SVG parsed once per thread) ..... 111 → 110*
#   a lean user-agent stylesheet (templates/ua.css) instead of HTML5's ........ 110 → 103
#   uncompressed_pdf: 103 → 94, but 40 kB → 193 kB per PDF: rejected.
#   border-collapse: separate, solid header backgrounds: no measurable change: rejected.
#   (* the cache saves ~15 ms of SVG parsing per render under load; little at the minimum.)
# Naive WeasyPrint also grows in memory (a new FontConfiguration per call): see peak_rss_mib.
#
# Second round, on the stamped one-person 住民票 (juminhyo_load) unless said; ms per render
# are medians in one process, the ratio is this script's (5-6 s per kind, 1 process a mode):
#   start ........................................ ours 50 ms, ratio 1.55 (four-person 1.73)
#   phases then: markup 4.4 (QR 3.8), HTML parse 2.4, cascade+boxes 8.3, layout 15.3,
#   drawing 12.9 (SVG art ~6), fonts 3.9, rest of PDF writing 6.2 (zlib level 9: 4.2).
#   the seal and けん制 drawn once per thread and replayed (kit.ReplayedSVG) ... −5.5 ms
#   Flate level 6 instead of pydyf's 9 (kit._compress_streams) ....... −2.8 ms, +1 % size
#     (level 1: −0.5 ms more for +7 % size: rejected) ............ both: ratio 1.55 → 1.84
#   QR encoded with a per-version placement table, not segno's loops (qr.py) . 3.8 → 0.4 ms,
#     same modules as segno, no numpy (numpy: 0.75 ms, +11 MiB per process) ... ratio 1.94
#   templates as compact well-formed XHTML, parsed with expat (kit.LeanHTML) .. 2.4 → 0.4 ms
#     (the compact templates also cut cascade and box building for naive: four-person
#     naive 5.5 → 6.7 renders/s, ours 9.5 → 12.3) ........................... ratio 2.02-2.09
#   phases now: markup 1.1, parse 0.4, cascade+boxes 5.0, layout 14.2, drawing 6.6,
#   fonts 3.8, rest 3.4 (ours ≈ 35 ms; naive ≈ 90 ms, most of it set-up per call).
# Tried without effect (A/B in one process, within ±1 ms): cell backgrounds solid or none,
#   overflow-wrap: normal, no letter-spacing, line-height: normal, vertical-align: top,
#   white-space: nowrap on every cell (−1.5 ms of 55 on four people; unsafe for addresses
#   and long labels), the stylesheet cut to the 住民票's rules, a leaner ua.css, the
#   masthead float as position: absolute, word-break on the stamp text, gc.freeze().
#   Slower: the stamp as position: absolute (+6 ms), members as CSS grid (+50 %), as flex
#   rows (+90 %), one table per row (+20 %). No colgroup (−1 ms) breaks the column widths;
#   one table for the whole household (−3 ms of 55) loses the gap between members.
#   Disabling the garbage collector: −3 %, but process-wide: rejected.
# The four-person 住民票 stays near 1.8: each member's table costs ~10 ms in both modes
# (22 cells; ~6 ms of it is per-cell layout and borders, ~4 ms their text), so naive's
# set-up weighs less the more people a 住民票 lists.
#
# IPAmj明朝 as the fallback for names and addresses (machine shared and loaded, 30 s a kind):
#   --fallback, documents that do not need it: ours with / without 0.96-1.11 (noise);
#   the stamped 住民票's ratio to naive 2.02 and 2.13 (before the fallback: 1.95 and 2.08).
#   juminhyo_gaiji (𠮷, 𤭢, an IVS of 葛): ours / naive 1.72-1.75; CPU per render about 2×
#   the ordinary one (alternating in one process: min 173 / 74 ms, median 220 / 118 ms),
#   nearly all in WeasyPrint copying the 46 MB font (~half) and subsetting it (~half),
#   once per document that uses it; the PDF grows by ~0.5 kB.
#   --startup: +0.4-0.5 s to build a worker (IPAmj's cmap and IVS read), +6 MiB private
#   memory; the first document needing it maps the font file (+44 MiB shared page cache).
from sample_documents import sample_document, sample_documents  # noqa: E402

from issuance.characters import CertificateCharset
from rendering import CertificateRenderer


def _render_loop(render: Callable[[], object], seconds: float) -> int:
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        render()
        count += 1
    return count


def _worker(kind: str, mode: str, seconds: float) -> tuple[int, int]:
    """Renders done in ``seconds`` and this process's peak RSS in KiB (set-up excluded).

    ``ours_no_ipamj``: ours without the IPAmj明朝 fallback (not read, not in the stylesheet).
    """
    charset = CertificateCharset(fallback=None) if mode == "ours_no_ipamj" else None
    renderer = CertificateRenderer(charset=charset)
    doc = sample_documents()[kind]
    if mode.startswith("ours"):
        renderer.render(doc)  # warm-up, as a long-lived worker would be
        count = _render_loop(lambda: renderer.render(doc), seconds)
    else:
        html = renderer.html(doc)
        weasyprint.HTML(string=html).write_pdf()
        count = _render_loop(lambda: weasyprint.HTML(string=html).write_pdf(), seconds)
    return count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_both(
    kind: str, seconds: float, processes: int, pair: tuple[str, str] = ("naive", "ours")
) -> dict[str, dict[str, float]]:
    """Two modes side by side, ``processes`` workers each, so both see the same load."""
    modes = [pair[0]] * processes + [pair[1]] * processes
    with ProcessPoolExecutor(max_workers=len(modes)) as pool:
        results = list(pool.map(_worker, [kind] * len(modes), modes, [seconds] * len(modes)))
    report = {}
    for mode in pair:
        mine = [result for m, result in zip(modes, results, strict=True) if m == mode]
        report[mode] = {
            "renders_per_s_per_process": round(sum(c for c, _ in mine) / seconds / processes, 2),
            "peak_rss_mib": round(max(rss for _, rss in mine) / 1024, 1),
        }
    return report


def bare_rate(seconds: float, processes: int, kind: str = "juminhyo_load") -> dict:
    """The whole machine's render rate for one kind, each mode alone with ``processes`` workers.

    This is the ceiling the platform is compared with (make bench): no HTTP, no database.
    """
    report: dict = {"seconds": seconds, "processes": processes}
    for mode in ("naive", "ours"):
        with ProcessPoolExecutor(max_workers=processes) as pool:
            counts = list(
                pool.map(_worker, [kind] * processes, [mode] * processes, [seconds] * processes)
            )
        report[mode] = {"renders_per_s": round(sum(c for c, _ in counts) / seconds, 2)}
    return report


def measure(
    seconds: float, processes: int, kinds: list[str], pair: tuple[str, str] = ("naive", "ours")
) -> dict:
    """Per kind: renders/s of two modes (naive and ours), run concurrently, and the ratio.

    Both modes run at once (one process each by default, on a 2-core machine one core
    each), so background load on a shared machine hits both alike.
    """
    report: dict = {"seconds": seconds, "processes_per_mode": processes, "kinds": {}}
    for kind in kinds:
        both = _run_both(kind, seconds, processes, pair)
        base, other = (both[mode]["renders_per_s_per_process"] for mode in pair)
        report["kinds"][kind] = {**both, "ratio": round(other / max(base, 1e-9), 2)}
    return report


def _start(mode: str) -> dict[str, float | str]:
    """One fresh worker's set-up: seconds, and private memory (RssAnon, MiB) after each step.

    Font files mapped by FreeType count in RssFile instead: page cache, shared by processes.
    """

    def rss() -> str:
        status = dict(line.split(":", 1) for line in open("/proc/self/status").read().splitlines())
        anon, file = (int(status[k].split()[0]) // 1024 for k in ("RssAnon", "RssFile"))
        return f"anon {anon} MiB, file {file} MiB"

    figures: dict[str, float | str] = {"rss_at_start": rss()}
    started = time.perf_counter()
    charset = CertificateCharset(fallback=None) if mode == "ours_no_ipamj" else None
    renderer = CertificateRenderer(charset=charset)
    figures |= {"construct_s": round(time.perf_counter() - started, 3), "rss_built": rss()}
    for kind in ("juminhyo_load", "juminhyo_gaiji") if charset is None else ("juminhyo_load",):
        doc, started = sample_documents()[kind], time.perf_counter()
        renderer.render(doc)
        figures[f"first_{kind}_s"] = round(time.perf_counter() - started, 3)
        started = time.perf_counter()
        renderer.render(doc)
        figures[f"second_{kind}_s"] = round(time.perf_counter() - started, 3)
        figures[f"rss_after_{kind}"] = rss()
    return figures


def startup() -> dict[str, dict[str, float | str]]:
    """A worker's start-up with and without IPAmj明朝, each in a fresh process, in turn."""
    report: dict[str, dict[str, float | str]] = {}
    for mode in ("ours_no_ipamj", "ours", "ours_no_ipamj", "ours"):
        with ProcessPoolExecutor(max_workers=1) as pool:
            report[f"{mode}_{len(report) // 2}"] = pool.submit(_start, mode).result()
    return report


def profile(renders: int = 20, top: int = 25) -> str:
    """cProfile of ``renders`` reused renders, sorted by cumulative time."""
    renderer, doc = CertificateRenderer(), sample_document()
    renderer.render(doc)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [renderer.render(doc) for _ in range(renders)])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--kinds", nargs="*", default=list(sample_documents()))
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile report instead")
    parser.add_argument(
        "--fallback",
        action="store_true",
        help="ours without IPAmj明朝 against ours with it (ratio: with / without)",
    )
    parser.add_argument(
        "--startup", action="store_true", help="a worker's set-up, with and without"
    )
    args = parser.parse_args()
    pair = ("ours_no_ipamj", "ours") if args.fallback else ("naive", "ours")
    if args.profile:
        print(profile())
    elif args.startup:
        print(json.dumps(startup(), indent=2))
    else:
        print(
            json.dumps(
                measure(args.seconds, args.processes, args.kinds, pair),
                ensure_ascii=False,
                indent=2,
            )
        )


if __name__ == "__main__":
    main()
