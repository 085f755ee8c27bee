"""Renders/s of the reusing JuminhyoRenderer against a naive WeasyPrint call, printed as JSON."""

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
from datetime import date

import weasyprint

from issuance.records import Issuer, JuminhyoDocument, Person
from issuance.rendering import JuminhyoRenderer

FAMILY = (
    ("鈴木　一郎", "すずき　いちろう", "世帯主", "男", date(1972, 3, 14)),
    ("鈴木　花子", "すずき　はなこ", "妻", "女", date(1975, 8, 2)),
    ("鈴木　翔太", "すずき　しょうた", "子", "男", date(2004, 5, 1)),
    ("鈴木　美咲", "すずき　みさき", "子", "女", date(2019, 5, 1)),
)


def sample_document() -> JuminhyoDocument:
    """A typical whole-household 住民票 of four, with 本籍 shown."""
    members = tuple(
        Person(
            juminhyo_code=f"{31415926500 + i}",
            name=name,
            name_kana=kana,
            birth_date=born,
            sex=sex,
            relationship=relationship,
            became_resident_on=date(2012, 4, 1),
            address_since=date(2012, 4, 1),
            notified_on=date(2012, 4, 6),
            previous_address="神奈川県横浜市中区山下町1番地　山下マンション305号",
            honseki="東京都千代田区千代田一番",
            hittousha="鈴木　一郎",
            my_number=f"{271828182800 + i}",
        )
        for i, (name, kana, relationship, sex, born) in enumerate(FAMILY)
    )
    return JuminhyoDocument(
        serial="R08-0001234",
        issued_on=date(2026, 11, 22),
        issuer=Issuer("131016", "千代田区", "東京都", "千代田区長", "山田　太郎"),
        address="東京都千代田区千代田一丁目1番1号　コーポ千代田101",
        head_name="鈴木　一郎",
        members=members,
        show_honseki=True,
    )


def _render_loop(render: Callable[[], object], seconds: float) -> int:
    count, deadline = 0, time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        render()
        count += 1
    return count


def _worker(mode: str, seconds: float) -> tuple[int, int]:
    """Renders done in ``seconds`` and this process's peak RSS in KiB (set-up excluded)."""
    renderer = JuminhyoRenderer()
    doc = sample_document()
    if mode == "ours":
        renderer.render(doc)  # warm-up, as a long-lived worker would be
        count = _render_loop(lambda: renderer.render(doc), seconds)
    else:
        html = renderer.html(doc)
        weasyprint.HTML(string=html).write_pdf()
        count = _render_loop(lambda: weasyprint.HTML(string=html).write_pdf(), seconds)
    return count, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _run_mode(mode: str, seconds: float, processes: int) -> dict[str, float]:
    with ProcessPoolExecutor(max_workers=processes) as pool:
        results = list(pool.map(_worker, [mode] * processes, [seconds] * processes))
    renders = sum(count for count, _ in results)
    return {
        "renders": renders,
        "renders_per_s": round(renders / seconds, 2),
        "peak_rss_mib": round(max(rss for _, rss in results) / 1024, 1),
    }


def measure(seconds: float, processes: int) -> dict:
    """Renders/s of the naive call and of JuminhyoRenderer, each in ``processes`` workers."""
    naive = _run_mode("naive", seconds, processes)
    ours = _run_mode("ours", seconds, processes)
    return {
        "seconds": seconds,
        "processes": processes,
        "naive": naive,
        "ours": ours,
        "ratio": round(ours["renders_per_s"] / max(naive["renders_per_s"], 1e-9), 2),
    }


def profile(renders: int = 20, top: int = 25) -> str:
    """cProfile of ``renders`` reused renders, sorted by cumulative time."""
    renderer, doc = JuminhyoRenderer(), sample_document()
    renderer.render(doc)
    profiler = cProfile.Profile()
    profiler.runcall(lambda: [renderer.render(doc) for _ in range(renders)])
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--profile", action="store_true", help="print a cProfile report instead")
    args = parser.parse_args()
    if args.profile:
        print(profile())
    else:
        print(json.dumps(measure(args.seconds, args.processes), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
