"""Reading back what we render, as a recipient's software would."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def pdf_text(pdf: bytes) -> str:
    """The text pdftotext extracts (poppler), with layout spacing removed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        out = subprocess.run(
            ["pdftotext", "-layout", "-enc", "UTF-8", handle.name, "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
    return "".join(out.split())


def squeeze(text: str) -> str:
    """Names are printed with spaces between family and given names: compare without them."""
    return "".join(text.replace("\u3000", " ").split())


def save(pdf: bytes, name: str) -> Path:
    out = Path("test-output") / name
    out.parent.mkdir(exist_ok=True)
    out.write_bytes(pdf)
    return out
