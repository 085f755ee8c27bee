"""What the multi-host run reads back: where each kiosk's calls landed (HAProxy's log), the
5xx HAProxy answered and why, the documents' names (pdftotext), one billing event per print."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

import psycopg

from demo.loader import GIVEN

# haproxy.cfg's log-format: "%Ts.%ms %ci %HM %HP %ST %b/%s %Tr/%Tt %tsc %rc"
LINE = re.compile(
    r"^(?P<at>\d+\.\d+) \S+ (?P<method>[A-Z]+) (?P<path>\S+) (?P<status>-?\d+) "
    r"(?P<backend>[^/\s]+)/(?P<server>\S+) \S+ (?P<tsc>\S+) \d+"
)
SESSION_CALL = re.compile(r"^/v1/sessions/(?P<sid>[^/]+)(?P<rest>/.*)?$")
# A synthetic resident's name ends in its given name and number (demo.loader): the surname is
# left out, as pdftotext may give the 々 of 佐々木 as another code point.
RESIDENT = re.compile(rf"(?:{'|'.join(GIVEN)})(?P<number>\d{{4}})")


def _kind(method: str, rest: str) -> str | None:
    """Which step of a kiosk's flow a call under /v1/sessions/<sid> is."""
    if rest == "/authenticate":
        return "sign_in"
    if method == "POST" and rest == "/requests":
        return "request"
    if method == "GET" and re.fullmatch(r"/requests/[^/]+", rest):
        return "poll"
    if rest.endswith("/document"):
        return "document"
    if rest.endswith("/confirmation"):
        return "confirmation"
    return None


def read_balancer_log(path: Path, since: float = 0.0) -> dict[str, Any]:
    """Per kiosk session, the hosts its sign-in, request, polls, download and print report
    landed on (counted: sessions spread over hosts); and every 5xx
    HAProxy answered, split into connections cut (the termination state says the server side
    ended it: S…) and others (a 5xx the centre itself answered, or none to route to); the
    calls each host took from ``since`` (epoch seconds) on."""
    hosts: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    by_server: dict[str, int] = defaultdict(int)
    after: dict[str, int] = defaultdict(int)
    cut: dict[str, int] = defaultdict(int)
    other: list[str] = []
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
    for line in lines:
        match = LINE.match(line)
        if match is None:
            continue
        server, status, tsc = match["server"], int(match["status"]), match["tsc"]
        by_server[server] += 1
        if float(match["at"]) >= since:
            after[server] += 1
        if status >= 500:
            if tsc.startswith("S") or (tsc.startswith("C") and server != "<NOSRV>"):
                cut[server] += 1
            else:
                other.append(line)
        call = SESSION_CALL.match(match["path"])
        if call and status < 500:
            kind = _kind(match["method"], call["rest"] or "")
            if kind:
                hosts[call["sid"]][kind].add(server)
    flows = [h for h in hosts.values() if {"sign_in", "request"} <= set(h)]
    later = ("poll", "document", "confirmation")
    return {
        "calls_by_host": dict(by_server),
        "calls_by_host_since": dict(after),
        "kiosk_sessions": len(flows),
        "sessions_on_several_hosts": sum(1 for h in flows if len(set().union(*h.values())) > 1),
        "request_on_another_host_than_sign_in": sum(
            1 for h in flows if h["request"] - h["sign_in"]
        ),
        "poll_document_or_report_on_another_host_than_request": sum(
            1 for h in flows if set().union(*(h[k] for k in later if k in h)) - h["request"]
        ),
        "fivexx_cut": dict(cut),
        "fivexx_other": len(other),
        "fivexx_other_lines": other[:10],
    }


def read_documents(folder: Path) -> dict[str, Any]:
    """Each kept PDF (``<card label>.<request id>.pdf``, the card ``extra-NNNN`` or the phone
    ``extra-NNNN-android``): does its text name resident NNNN, and nobody else? Returns counts
    and the first mismatches."""
    checked, wrong = 0, []
    for pdf in sorted(folder.glob("*.pdf")):
        own = pdf.name.split(".", 1)[0].removeprefix("extra-").split("-", 1)[0]
        text = subprocess.run(
            ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, text=True,
            check=False,
        ).stdout  # fmt: skip
        named = {m["number"] for m in RESIDENT.finditer(text)}
        checked += 1
        if named != {own}:
            wrong.append(f"{pdf.name}: names {sorted(named)}")
    return {"documents_read": checked, "documents_wrong": len(wrong), "wrong": wrong[:10]}


def billing(database_url: str) -> dict[str, int]:
    """Printed requests without exactly one ``issue`` billing event, and ``issue`` events of
    requests that were not printed."""
    with psycopg.connect(database_url.replace("+psycopg", ""), connect_timeout=5) as db:
        row = db.execute(
            "SELECT count(*) FILTER (WHERE r.state = 'printed'),"
            " count(*) FILTER (WHERE r.state = 'printed' AND e.n <> 1),"
            " count(*) FILTER (WHERE r.state NOT IN ('printed', 'voided') AND e.n > 0)"
            " FROM issuance_certificate_request r CROSS JOIN LATERAL"
            " (SELECT count(*) AS n FROM billing_event b"
            "   WHERE b.request_id = r.id AND b.event_type = 'issue') e"
        ).fetchone()
    printed, not_one, unprinted = row if row else (0, 0, 0)
    return {
        "printed": int(printed),
        "printed_without_exactly_one_issue_event": int(not_one),
        "issue_events_without_print": int(unprinted),
    }
