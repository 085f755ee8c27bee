"""Which characters a certificate may hold: never control codes, only what its fonts can draw."""

from __future__ import annotations

import dataclasses
import re
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

from issuance.errors import KofuError
from issuance.koseki_layout import EVENT_ITEMS

MINCHO_PATH = Path("/usr/share/fonts/opentype/ipaexfont-mincho/ipaexm.ttf")
GOTHIC_PATH = Path("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
# IPAmj明朝 (Debian fonts-ipamj-mincho): the 文字情報基盤 MJ文字, ~58,000 characters and their IVS.
IPAMJ_PATH = Path("/usr/share/fonts/truetype/ipamj/ipamjm.ttf")

BAD_CHARACTER = "BAD_CHARACTER"  # a code point that is never text on a certificate
UNDRAWABLE_CHARACTER = "UNDRAWABLE_CHARACTER"  # text no certificate font allowed there draws

# C0 and C1 controls (tab and newline too: no certificate field holds them), surrogates,
# the BMP private-use area, noncharacters, U+FFFD and planes 15-16 (private use).
_NONCHARACTERS = "".join(f"{chr(p << 16 | 0xFFFE)}-{chr(p << 16 | 0xFFFF)}" for p in range(15))
NEVER_TEXT = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\ue000-\uf8ff\ufdd0-\ufdef\ufffd"
    f"{_NONCHARACTERS}\U000f0000-\U0010ffff]"
)
# Variation selectors: standardized (SVS) and ideographic (IVS, the 文字情報基盤 variants).
SELECTOR = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
# Words of the field names that hold names and addresses (氏名, 通称, 旧氏, 住所, 本籍, 筆頭者,
# 父母): where 外字 occur, so where IPAmj明朝 may draw. A new field holding a name or an address
# must use one of these words.
NAME_AND_ADDRESS_WORDS = frozenset(
    {"name", "names", "surname", "alias", "address", "addresses", "honseki", "hittousha"}
    | {"father", "mother"}
)
# A 戸籍 身分事項's text items are names and places (出生地, 届出人, 配偶者氏名, 従前戸籍 …): by
# their label in an extract (``events.0.items.出生地``), as ``text`` in a record (KosekiItem).
EVENT_TEXT_LABELS = frozenset(
    label for items in EVENT_ITEMS.values() for label, kind in items if kind == "text"
) | {"text"}


def holds_names_or_addresses(field: str) -> bool:
    """Whether a field (``previous_address``, ``members.0.name``, ``foreign.alias``) holds them.

    The last part of the dotted path that is not an index decides.
    """
    last = next((part for part in reversed(field.split(".")) if not part.isdigit()), "")
    return last in EVENT_TEXT_LABELS or not NAME_AND_ADDRESS_WORDS.isdisjoint(last.split("_"))


@dataclass(frozen=True)
class CharacterProblem:
    """One field's characters a certificate cannot hold.

    Each is named by code point, ``U+001A``, or ``U+845B U+E0102`` for a variation sequence;
    never by the text itself, which is personal data.
    """

    field: str  # dotted path: ``name``, ``members.0.events.1.detail``
    code: str  # BAD_CHARACTER when any is never text, else UNDRAWABLE_CHARACTER
    code_points: tuple[str, ...]

    @property
    def message(self) -> str:
        """The problem in Japanese and English, naming only the code points."""
        points = ", ".join(self.code_points)
        if self.code == BAD_CHARACTER:
            return f"証明書に使えない文字（制御文字等）: {points} / never text on a certificate"
        return f"証明書の書体で印字できない文字: {points} / no certificate font draws it"


def _code_points(text: str) -> str:
    return " ".join(f"U+{ord(c):04X}" for c in text)


class CertificateFontsMissingError(KofuError):
    """The fonts the certificates are printed with are not installed: nothing can be checked."""

    code = "CERTIFICATE_FONTS_MISSING"
    message_ja = "証明書の書体（IPAexフォント）がありません。`kofu check` で確認してください。"
    message_en = "The certificate fonts (IPAex) are not installed: see `kofu check`."


class _Font:
    """One font's cmap and variation sequences (cmap format 14), as plain sets."""

    def __init__(self, *paths: Path) -> None:
        """The characters and sequences every one of ``paths`` draws (text may use any).

        Raises CertificateFontsMissingError if one of them is not there.
        """
        chars: set[int] | None = None
        sequences: set[tuple[int, int]] | None = None
        for path in paths:
            if not path.exists():
                raise CertificateFontsMissingError(font=str(path))
            font = TTFont(str(path), lazy=True)
            mine = set(font.getBestCmap())
            uvs = {(base, vs) for t in font["cmap"].tables if t.format == 14
                   for vs, pairs in t.uvsDict.items() for base, _ in pairs}  # fmt: skip
            font.close()
            chars = mine if chars is None else chars & mine
            sequences = uvs if sequences is None else sequences & uvs
        self.code_points = frozenset(chars or ())
        self.sequences = frozenset(sequences or ())


class CertificateCharset:
    """The rules a certificate's text follows, at import and at render (one function for both).

    Text is drawn with IPAex明朝/ゴシック; names and addresses may also use the fallback font
    (IPAmj明朝). A base character followed by a variation selector is drawable only if a font
    allowed there defines that exact sequence: a variant the fonts do not define is refused,
    never printed as its base character (the 戸籍 and 住民票 record the variant, and another
    form of the name is another name). Fonts are read on first use, once per process.
    """

    def __init__(
        self,
        base: tuple[Path, ...] = (MINCHO_PATH, GOTHIC_PATH),
        fallback: Path | None = IPAMJ_PATH,
    ) -> None:
        """``fallback`` None or absent: names and addresses are held to the base fonts too."""
        self._base_paths = base
        self._fallback_path = fallback if fallback is not None and fallback.exists() else None
        self._lock = threading.Lock()
        self._loaded: tuple[_Font, _Font | None, re.Pattern[str]] | None = None

    @property
    def has_fallback(self) -> bool:
        return self._fallback_path is not None

    def _fonts(self) -> tuple[_Font, _Font | None, re.Pattern[str]]:
        if self._loaded is not None:  # read once, then never changed: no lock needed
            return self._loaded
        with self._lock:
            if self._loaded is None:
                base = _Font(*self._base_paths)
                fallback = _Font(self._fallback_path) if self._fallback_path else None
                self._loaded = (base, fallback, _outside(base.code_points))
            return self._loaded

    def warm_up(self) -> None:
        """Read the fonts now (~0.5 s), not on the first text that needs them."""
        self._fonts()

    def needs_fallback_font(self, base: str, selector: str) -> bool:
        """Whether a variation sequence must be set in the fallback font: the base fonts lack it."""
        return (ord(base), ord(selector)) not in self._fonts()[0].sequences

    def text_problem(self, text: str, field: str = "") -> CharacterProblem | None:
        """What in ``text`` a certificate cannot hold, if anything.

        Refused: C0/C1 controls, U+FFFD, private use, noncharacters, surrogates, a variation
        selector following no base character (BAD_CHARACTER); characters and variation
        sequences none of the fonts allowed in ``field`` draws (UNDRAWABLE_CHARACTER).
        """
        base, fallback, outside_base = self._fonts()
        if outside_base.search(text) is None:
            return None  # the common case, one regular expression search
        bad = [m.group() for m in NEVER_TEXT.finditer(text)]
        allowed = fallback if fallback is not None and holds_names_or_addresses(field) else None
        undrawable: list[str] = []
        for i, char in enumerate(text):
            if SELECTOR.match(char):
                if i == 0 or SELECTOR.match(text[i - 1]) or NEVER_TEXT.match(text[i - 1]):
                    bad.append(char)  # a lone selector
                continue
            if NEVER_TEXT.match(char):
                continue
            selector = text[i + 1] if i + 1 < len(text) and SELECTOR.match(text[i + 1]) else ""
            drawn = _draws(base, char, selector) or (allowed and _draws(allowed, char, selector))
            if not drawn:
                undrawable.append(char + selector)
        found = bad or undrawable
        if not found:
            return None
        points = tuple(dict.fromkeys(_code_points(t) for t in found))
        return CharacterProblem(field, BAD_CHARACTER if bad else UNDRAWABLE_CHARACTER, points)

    def problems(self, value: object, field: str = "") -> list[CharacterProblem]:
        """Every string in ``value`` (dataclasses, mappings, sequences, nested) checked."""
        found = []
        for path, text in strings(value, field):
            problem = self.text_problem(text, path)
            if problem is not None:
                found.append(problem)
        return found


def _outside(code_points: frozenset[int]) -> re.Pattern[str]:
    """A pattern matching any character not in ``code_points``, nor any NEVER_TEXT one."""
    ranges: list[list[int]] = []
    for point in sorted(p for p in code_points if not NEVER_TEXT.match(chr(p))):
        if ranges and ranges[-1][1] == point - 1:
            ranges[-1][1] = point
        else:
            ranges.append([point, point])
    escaped = (f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges)
    return re.compile("[^" + "".join(escaped) + "]")


def _draws(font: _Font, char: str, selector: str) -> bool:
    if selector:
        return (ord(char), ord(selector)) in font.sequences
    return ord(char) in font.code_points


def strings(value: object, field: str = "") -> Iterator[tuple[str, str]]:
    """``(dotted field path, text)`` for every string in ``value``; images aside.

    An image (a seal impression) is a ``data:image/`` URL: not text, whatever it encodes.
    """
    if isinstance(value, str):
        if not value.startswith("data:image/"):
            yield field, value
    elif isinstance(value, tuple | list):
        for index, item in enumerate(value):
            yield from strings(item, _join(field, str(index)))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            yield from strings(item, _join(field, str(key)))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from strings(getattr(value, f.name), _join(field, f.name))


def _join(field: str, name: str) -> str:
    return f"{field}.{name}" if field else name


@lru_cache(maxsize=1)
def certificate_charset() -> CertificateCharset:
    """The process's charset on the installed fonts, made on first use (fonts read lazily)."""
    return CertificateCharset()
