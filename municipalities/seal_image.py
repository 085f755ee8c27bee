"""The municipal seal (公印) as uploaded by staff: checked, and kept only as a clean PNG.

A PNG is decoded and written again (its text chunks and anything after the image are left
behind). An SVG is never handed to the certificate renderer: it is parsed with defusedxml
(no DTD, so no entity bomb and no external entity), every element and attribute checked
against an allow-list (no script, no event handler, no foreignObject, no image, no link but
to the same file), and then rasterised to PNG by CairoSVG in its safe mode (no external
files, no entities). What is printed is the PNG.
"""

from __future__ import annotations

import hashlib
import io
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import cairosvg
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from PIL import Image, UnidentifiedImageError

from issuance.staff.errors import StaffInputError

MAX_BYTES = 512 * 1024  # an upload larger than this is refused
MIN_SIDE, MAX_SIDE = 64, 4000  # pixels of a PNG; an SVG's declared size in user units
MAX_RATIO = 1.25  # a seal is square-ish (公印規程: 正方形), or a round one in a square
MAX_ELEMENTS = 5_000  # an SVG seal of more is refused (a seal has tens, a glyph outline one)
SVG_SIDE = 600  # pixels of a rasterised SVG's longer side (≈ 25 mm at 600 dpi)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
SVG = "{http://www.w3.org/2000/svg}"
XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
DRAWING = {
    "svg", "g", "defs", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "text", "tspan", "use", "symbol", "clipPath", "mask", "linearGradient", "radialGradient",
    "stop", "title", "desc", "metadata",
}  # fmt: skip
EDITOR_NAMESPACES = (  # an illustration program's own notes: dropped, never drawn
    "{http://www.inkscape.org/namespaces/inkscape}",
    "{http://sodipodi.sourceforge.net/DTD/sodipodi-0.dtd}",
    "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}",
    "{http://purl.org/dc/elements/1.1/}",
    "{http://creativecommons.org/ns#}",
)
_EXTERNAL_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_NUMBER = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px|mm|cm|in|pt|pc)?\s*$")


@dataclass(frozen=True)
class SealImage:
    """A checked seal: PNG bytes, their sha256 (hex) and pixel size."""

    png: bytes
    sha256: str
    width: int
    height: int


def _refuse(code: str, ja: str, en: str) -> StaffInputError:
    return StaffInputError(code, ja, en)


def too_large() -> StaffInputError:
    return _refuse(
        "SEAL_TOO_LARGE",
        f"公印の画像は{MAX_BYTES // 1024}KB以下にしてください。",
        f"The seal image must be at most {MAX_BYTES // 1024} KB.",
    )


def not_image() -> StaffInputError:
    return _refuse(
        "SEAL_NOT_IMAGE",
        "公印の画像はPNGまたはSVGの画像ファイルを選んでください。",
        "Choose a PNG or SVG image file for the seal.",
    )


def unsafe_svg(what_ja: str, what_en: str) -> StaffInputError:
    return _refuse(
        "SEAL_UNSAFE_SVG",
        f"このSVGは受け付けられません（{what_ja}を含んでいます）。図形だけのSVGかPNGにしてください。",
        f"This SVG cannot be accepted (it contains {what_en}). "
        "Use an SVG of shapes only, or a PNG.",
    )


def bad_dimensions() -> StaffInputError:
    return _refuse(
        "SEAL_DIMENSIONS",
        f"公印の画像は縦横{MIN_SIDE}〜{MAX_SIDE}ピクセルの、ほぼ正方形の画像にしてください。",
        f"The seal image must be roughly square, {MIN_SIDE} to {MAX_SIDE} pixels a side.",
    )


def _check_size(width: float, height: float, least: float = MIN_SIDE) -> None:
    if not (least <= width <= MAX_SIDE and least <= height <= MAX_SIDE):
        raise bad_dimensions()
    if max(width, height) / min(width, height) > MAX_RATIO:
        raise bad_dimensions()


def checked_seal(data: bytes) -> SealImage:
    """The seal ``data`` (PNG or SVG bytes) as a clean PNG.

    Raises StaffInputError SEAL_TOO_LARGE (over 512 KiB), SEAL_NOT_IMAGE (neither a PNG nor
    an SVG that parses), SEAL_UNSAFE_SVG (a DTD or entity, script, event handler, foreign
    object, embedded image, a reference outside the file, a <use> of a <use>, over 5,000
    elements) or SEAL_DIMENSIONS (not 64–4,000
    pixels a side, or not square within 5:4).
    """
    if len(data) > MAX_BYTES:
        raise too_large()
    png = _png(data) if data.startswith(PNG_MAGIC) else _rasterised(data)
    digest = hashlib.sha256(png).hexdigest()
    with Image.open(io.BytesIO(png)) as image:
        return SealImage(png, digest, image.width, image.height)


def _png(data: bytes) -> bytes:
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            _check_size(image.width, image.height)  # before decoding: no pixel bomb
            image.load()
            clean = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise not_image() from None
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def _parsed_svg(data: bytes) -> ET.Element:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise not_image() from None
    if "<svg" not in text:
        raise not_image()
    try:
        root = fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise unsafe_svg("DTD・実体参照", "a DTD or entities") from None
    except ET.ParseError:
        raise not_image() from None
    if root.tag != f"{SVG}svg":
        raise not_image()
    return root


def _cleaned(element: ET.Element) -> None:
    """Check ``element`` and its children against the allow-list, dropping editors' notes."""
    for child in list(element):
        tag = str(child.tag)
        if tag.startswith(EDITOR_NAMESPACES) or tag in (f"{SVG}metadata", f"{SVG}title"):
            element.remove(child)
            continue
        if not tag.startswith(SVG) or tag.removeprefix(SVG) not in DRAWING:
            name = tag.rsplit("}", 1)[-1]
            raise unsafe_svg(f"使えない要素「{name}」", f"an element not allowed: {name}")
        _cleaned(child)
    for name, value in list(element.attrib.items()):
        local = name.rsplit("}", 1)[-1]
        if name.startswith(EDITOR_NAMESPACES):
            del element.attrib[name]
        elif local.lower().startswith("on"):
            raise unsafe_svg(f"スクリプトを動かす属性「{local}」", f"a script attribute: {local}")
        elif name in ("href", XLINK_HREF) and not value.strip().startswith("#"):
            raise unsafe_svg("ファイルの外への参照", "a reference outside the file")
        elif _EXTERNAL_URL.search(value) or "@import" in value.lower():
            raise unsafe_svg("ファイルの外への参照", "a reference outside the file")


def _length(value: str | None) -> float | None:
    if value is None:
        return None
    match = _NUMBER.match(value)
    if match is None:
        return None  # a percentage or nonsense: the viewBox decides
    return float(match.group(1))


def _declared_size(root: ET.Element) -> tuple[float, float]:
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            width, height = float(box[2]), float(box[3])
        except ValueError:
            raise not_image() from None
    if not width or not height:
        raise bad_dimensions()
    return width, height


def _refuse_use_bombs(root: ET.Element) -> None:
    """A <use> of something that itself holds a <use> multiplies the drawing at every level
    (ten levels of ten: ten billion shapes); a seal needs neither that nor thousands of
    elements."""
    if sum(1 for _ in root.iter()) > MAX_ELEMENTS:
        raise unsafe_svg(f"{MAX_ELEMENTS:,}を超える要素", f"more than {MAX_ELEMENTS:,} elements")
    holds_use = {
        element.get("id")
        for element in root.iter()
        if element.get("id") and any(e.tag == f"{SVG}use" for e in element.iter())
    }
    for use in root.iter(f"{SVG}use"):
        target = (use.get("href") or use.get(XLINK_HREF) or "").strip().removeprefix("#")
        if target in holds_use:
            raise unsafe_svg("入れ子になった参照（use）", "a use of something that holds a use")


def _rasterised(data: bytes) -> bytes:
    root = _parsed_svg(data)
    _cleaned(root)
    _refuse_use_bombs(root)
    width, height = _declared_size(root)
    _check_size(width, height, least=1)  # user units: a 10×10 viewBox is a fine seal
    scale = SVG_SIDE / max(width, height)
    clean = ET.tostring(root, encoding="utf-8")
    try:
        png = cairosvg.svg2png(
            bytestring=clean,
            output_width=round(width * scale),
            output_height=round(height * scale),
            unsafe=False,  # no external files, entities or huge trees (the default, said)
        )
    except Exception:  # CairoSVG raises many kinds on odd input: all mean "not a seal"
        raise not_image() from None
    assert isinstance(png, bytes)
    return png
