"""WeasyPrint set up once per thread, with the caches that make repeated renders cheap.

ReplayedSVG and the stream compression work on WeasyPrint's and pydyf's PDF stream objects
(``Stream.stream``, ``_resources``, ``pydyf._to_bytes``), which are not public API: the
rendering tests compare our pages pixel by pixel with a plain WeasyPrint render to catch
an upgrade that changes them.
"""

from __future__ import annotations

import re
import zlib
from collections import OrderedDict
from pathlib import Path
from xml.etree import ElementTree

import cssselect2
import jinja2
import pydyf
from weasyprint import CSS, HTML
from weasyprint.document import Document
from weasyprint.images import SVGImage
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

TEMPLATES = Path(__file__).parent / "templates"
# Flate level for the PDF's streams: pydyf's level 9 costs ~3 ms per 住民票 for 1 % of size.
COMPRESSION_LEVEL = 6
_ALPHA_STATE = re.compile(r"[aA][0-9.]+")  # WeasyPrint's names for opacity states
_BETWEEN_TAGS = re.compile(r"(>|%}|#})\s+(?=<|{%|{#)")


class CompactLoader(jinja2.FileSystemLoader):
    """Loads HTML templates without the indentation between tags and template tags.

    Whitespace there means nothing on the page, yet costs the parser tokens and WeasyPrint
    anonymous boxes on every render.
    """

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple:
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html"):
            source = _BETWEEN_TAGS.sub(r"\1", source)
        return source, filename, uptodate


class LeanHTML(HTML):
    """An HTML document cascading our lean user-agent stylesheet instead of WeasyPrint's.

    Our templates are well-formed XHTML, so they are parsed with expat (~0.3 ms) rather
    than WeasyPrint's pure-Python HTML5 parser (~2.5 ms for a 住民票); markup that is not
    well-formed still goes through the HTML5 parser.
    """

    def __init__(self, ua: CSS, markup: str) -> None:
        self._ua = ua
        try:
            root = ElementTree.fromstring(markup)
        except ElementTree.ParseError:
            super().__init__(string=markup, base_url=str(TEMPLATES))
            return
        self.base_url = TEMPLATES.as_uri() + "/"
        self.url_fetcher = URLFetcher()
        self.media_type = "print"
        self.wrapper_element = cssselect2.ElementWrapper.from_html_root(root)
        self.etree_element = self.wrapper_element.etree_element

    def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
        return [self._ua]


class ReplayedSVG:
    """An SVG image whose drawing operators are recorded once per size and then replayed.

    The けん制 tile and the seal are the same on every page of every document, yet WeasyPrint
    parses their path data again at each draw. Only art that needs no resources but alpha
    states (plain filled and stroked paths) is replayed; anything else is drawn as usual.
    """

    def __init__(self, image: SVGImage) -> None:
        self._image = image
        self._drawings: dict[tuple[float, float], tuple[bytes, dict[str, dict]] | None] = {}

    def get_intrinsic_size(self, image_resolution: float, font_size: float) -> tuple:
        return self._image.get_intrinsic_size(image_resolution, font_size)

    def draw(self, stream, concrete_width: float, concrete_height: float, style) -> None:  # type: ignore[no-untyped-def]
        size = (concrete_width, concrete_height)
        if size not in self._drawings:
            self._drawings[size] = self._record(stream, concrete_width, concrete_height, style)
        drawing = self._drawings[size]
        if drawing is None:
            self._image.draw(stream, concrete_width, concrete_height, style)
            return
        operators, states = drawing
        for key, state in states.items():
            if key not in stream._resources["ExtGState"]:
                stream._resources["ExtGState"][key] = pydyf.Dictionary(state)
        stream.stream.append(operators)

    def _record(self, stream, width: float, height: float, style) -> tuple[bytes, dict] | None:  # type: ignore[no-untyped-def]
        resources = {name: pydyf.Dictionary() for name in ("ExtGState", "XObject", "Pattern")}
        resources["Shading"] = pydyf.Dictionary()
        resources["ColorSpace"] = stream._resources["ColorSpace"]
        scratch = stream.clone(resources=resources, extra=pydyf.Dictionary(), fonts={}, images={})
        self._image.draw(scratch, width, height, style)
        plain = (
            not (resources["XObject"] or resources["Pattern"] or resources["Shading"])
            and not (scratch._fonts or scratch._images)
            and all(_ALPHA_STATE.fullmatch(key) for key in resources["ExtGState"])
            and scratch.stream[:1] == [b"q"]
            and scratch.stream[-1:] == [b"Q"]
        )
        if not plain:
            return None
        states = {key: dict(state) for key, state in resources["ExtGState"].items()}
        return b"\n".join(pydyf._to_bytes(item) for item in scratch.stream), states


class ImageCache(OrderedDict[str, object]):
    """WeasyPrint's image cache, bounded: residents' seal impressions must not pile up.

    SVG images are stored as ReplayedSVG, so their drawing is kept with them.
    """

    def __init__(self, capacity: int = 64) -> None:
        super().__init__()
        self._capacity = capacity

    def __getitem__(self, key: str) -> object:
        value = super().__getitem__(key)
        self.move_to_end(key)
        return value

    def __setitem__(self, key: str, value: object) -> None:
        if isinstance(value, SVGImage):
            value = ReplayedSVG(value)
        super().__setitem__(key, value)
        self.move_to_end(key)
        while len(self) > self._capacity:
            self.popitem(last=False)


def _compress_streams(document: Document, pdf: pydyf.PDF) -> None:
    """Deflate the PDF's streams at COMPRESSION_LEVEL before pydyf does it at level 9."""
    for obj in pdf.objects:
        if isinstance(obj, pydyf.Stream) and obj.compress:
            raw = b"\n".join(pydyf._to_bytes(item) for item in obj.stream)
            obj.stream = [zlib.compress(raw, COMPRESSION_LEVEL)]
            obj.extra["Filter"] = "/FlateDecode"
            obj.compress = False


class ThreadKit:
    """What WeasyPrint needs per thread: its Pango font map is not safe to share.

    ``images`` is WeasyPrint's image cache, kept between renders: the けん制 tile and the
    seals are identical data URLs every time, so their SVG is parsed and drawn once per
    thread. It keeps the 64 most recently used images.
    """

    def __init__(self, css_text: str, ua_text: str) -> None:
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(string=css_text, font_config=self.font_config)
        self.ua = CSS(string=ua_text, font_config=self.font_config)
        self.images = ImageCache()

    def render(self, markup: str) -> tuple[bytes, int]:
        """The PDF and its page count."""
        document = LeanHTML(self.ua, markup).render(
            font_config=self.font_config, stylesheets=[self.stylesheet], cache=self.images
        )
        return document.write_pdf(finisher=_compress_streams), len(document.pages)
