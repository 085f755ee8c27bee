"""HTML to PDF with the Japanese fonts the certificates use (WeasyPrint, imported lazily)."""

from __future__ import annotations

from html import escape
from pathlib import Path

BASE_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "IPAexGothic", "IPAexMincho", sans-serif; font-size: 9.5pt; }
h1 { font-size: 15pt; } h2 { font-size: 12pt; margin-top: 1.2em; }
table { border-collapse: collapse; width: 100%; margin: 0.5em 0; }
th, td { border: 0.4pt solid #666; padding: 2pt 4pt; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
img { width: 100%; }
"""


def html_table(header: list[str], rows: list[list[object]]) -> str:
    def cell(value: object) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            text = (
                f"{value:,.0f}" if isinstance(value, int) or abs(value) >= 100 else f"{value:.2f}"
            )
            return f'<td class="n">{text}</td>'
        return f"<td>{escape(str(value))}</td>"

    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(cell(v) for v in row) + "</tr>" for row in rows)
    return f"<table><tr>{head}</tr>{body}</table>"


def render_pdf(title: str, body_html: str, base_dir: Path | None = None, css: str = "") -> bytes:
    """``body_html`` as an A4 PDF in the report fonts; ``css`` is added after the base."""
    from weasyprint import HTML

    document = (
        f'<html lang="ja"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f"<style>{BASE_CSS}{css}</style></head><body>{body_html}</body></html>"
    )
    return HTML(string=document, base_url=str(base_dir or Path.cwd())).write_pdf()
