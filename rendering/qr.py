"""QR codes as tiny 1-bit PNGs, one pixel per module, drawn without interpolation.

A QR code is a grid of modules, so a PNG at one pixel per module scaled up with
``image-rendering: pixelated`` prints exactly as sharp as vector art, and costs WeasyPrint
almost nothing (an SVG path of a version-13 code cost ~25 ms per document to parse and draw).
The mask is fixed: any of the eight is valid for readers, and searching for the best one
cost ~15 ms per document in pure Python.

segno's encoder still cost ~3.5 ms per document (placing and masking ~6,000 modules one
by one in Python), so codes are built here: the function patterns, format and version
information of a (version, error level) with mask 0 come from segno once, and the data
modules, whose places are fixed per version, are filled in with one C-level gather.
The result is the same matrix as ``segno.make(data, error="m", micro=False, mask=0)``.
"""

from __future__ import annotations

import base64
import struct
import zlib
from functools import lru_cache
from operator import itemgetter
from typing import Any

import segno
from segno import consts

_BORDER = 4
_CAPACITY: dict[int, dict[int, int]] = consts.SYMBOL_CAPACITY  # type: ignore[assignment]
_ECC: dict[int, dict[int, Any]] = consts.ECC  # type: ignore[assignment]
_LEVELS = (consts.ERROR_LEVEL_M, consts.ERROR_LEVEL_Q, consts.ERROR_LEVEL_H)  # boosted M
_LEVEL_NAMES = {consts.ERROR_LEVEL_M: "m", consts.ERROR_LEVEL_Q: "q", consts.ERROR_LEVEL_H: "h"}


def _gf_tables() -> tuple[list[int], list[int]]:
    """GF(256) antilog and log tables (the antilog doubled, so sums of logs need no modulo)."""
    exp, log, x = [0] * 510, [0] * 256, 1
    for i in range(255):
        exp[i] = exp[i + 255] = x
        log[x] = i
        x = (x << 1) ^ (0x11D if x & 0x80 else 0)
    return exp, log


_EXP, _LOG = _gf_tables()


@lru_cache(maxsize=16)
def _products(ec_length: int) -> tuple[int, ...]:
    """For every byte f: f times the Reed-Solomon generator (after its leading 1), as one int."""
    poly = [1]
    for i in range(ec_length):
        nxt = [0] * (len(poly) + 1)
        for j, c in enumerate(poly):
            nxt[j] ^= c
            nxt[j + 1] ^= _EXP[_LOG[c] + i] if c else 0
        poly = nxt
    logs = [_LOG[c] for c in poly[1:]]
    return (0,) + tuple(
        int.from_bytes(bytes(_EXP[g + _LOG[f]] for g in logs), "big") for f in range(1, 256)
    )


def _error_codewords(block: bytes, ec_length: int) -> bytes:
    """The remainder of the block divided by the generator, the remainder held in one int."""
    products, shift, keep = _products(ec_length), 8 * (ec_length - 1), (1 << 8 * ec_length) - 1
    remainder = 0
    for byte in block:
        remainder = ((remainder << 8) & keep) ^ products[byte ^ (remainder >> shift)]
    return remainder.to_bytes(ec_length, "big")


@lru_cache(maxsize=8)
def _layout(version: int, level: int) -> tuple[int, bytes, itemgetter, int]:
    """Per version and level: the size, the empty matrix plus mask 0 in data order, and a
    gather that picks every module of the final matrix from that and the data bits."""
    from segno.encoder import add_alignment_patterns, add_finder_patterns, make_matrix

    # An empty code of this version and level has the same function patterns and format.
    empty = segno.make_qr("", version=version, error=_LEVEL_NAMES[level], mask=0, boost_error=False)
    template = b"".join(bytes(row) for row in empty.matrix)
    size = len(empty.matrix)
    reserved = make_matrix(size, size)
    add_finder_patterns(reserved, size, size)
    add_alignment_patterns(reserved, size, size)
    order = []  # ISO/IEC 18004 7.7.3: two-module columns, right to left, up and down in turn
    for right in range(size - 1, 0, -2):
        right -= 1 if right <= 6 else 0
        for vertical in range(size):
            for j in (right, right - 1):
                upwards = ((right & 2) == 0) ^ (j < 6)
                i = size - 1 - vertical if upwards else vertical
                if reserved[i][j] == 0x2:
                    order.append(i * size + j)
    source = list(range(size * size))
    for position, flat in enumerate(order):
        source[flat] = size * size + position
    mask = bytes(1 if (flat // size + flat % size) % 2 == 0 else 0 for flat in order)
    return size, template + mask, itemgetter(*source), len(order)


def _version_and_level(length: int) -> tuple[int, int]:
    """segno's choice: the smallest version holding the bytes at level M, then boosted."""
    for version in range(1, 41):
        bits = 4 + (8 if version < 10 else 16) + 8 * length
        if _CAPACITY[version][consts.ERROR_LEVEL_M] >= bits:
            fitting = [lv for lv in _LEVELS if _CAPACITY[version][lv] >= bits]
            return version, fitting[-1]  # capacities fall from M to H: a prefix fits
    raise ValueError("data too long for a QR code")


def _codewords(data: bytes, version: int, level: int) -> bytes:
    """Byte-mode data, padded, split into blocks with their error codewords, interleaved."""
    capacity = _CAPACITY[version][level]
    count_bits = 8 if version < 10 else 16
    bits = f"0100{len(data):0{count_bits}b}" + f"{int.from_bytes(data, 'big'):0{8 * len(data)}b}"
    bits += "0" * min(4, capacity - len(bits))
    bits += "0" * (8 - len(bits) % 8)  # as segno: a whole zero byte when already aligned
    stream = int(bits, 2).to_bytes(len(bits) // 8, "big")
    stream += bytes((0xEC, 0x11) * capacity)[: capacity // 8 - len(stream)]
    data_blocks, error_blocks, offset = [], [], 0
    for info in _ECC[version][level]:
        for _ in range(info.num_blocks):
            block = stream[offset : offset + info.num_data]
            offset += info.num_data
            data_blocks.append(block)
            error_blocks.append(_error_codewords(block, info.num_total - info.num_data))
    return _interleave(data_blocks) + _interleave(error_blocks)


def _interleave(blocks: list[bytes]) -> bytes:
    longest = max(len(block) for block in blocks)
    return bytes(block[i] for i in range(longest) for block in blocks if i < len(block))


_BITS = bytes.maketrans(b"01", b"\x00\x01")
_LIGHT = bytes.maketrans(b"\x00\x01", b"10")  # PNG greyscale: 1 is white


def qr_matrix(data: str) -> tuple[bytes, ...]:
    """The code's rows of modules (1 = dark), as ``segno.make(data, error="m", mask=0)``."""
    raw = data.encode("ascii")  # URLs are ASCII: byte mode, no ECI
    version, level = _version_and_level(len(raw))
    size, template, gather, modules = _layout(version, level)
    message = _codewords(raw, version, level)
    bits = f"{int.from_bytes(message, 'big'):0{8 * len(message)}b}".ljust(modules, "0")
    masked = int.from_bytes(bits.encode().translate(_BITS), "big") ^ int.from_bytes(
        template[size * size :], "big"
    )
    flat = bytes(gather(template[: size * size] + masked.to_bytes(modules, "big")))
    return tuple(flat[i : i + size] for i in range(0, size * size, size))


def _png(rows: tuple[bytes, ...]) -> bytes:
    """A 1-bit greyscale PNG, one pixel per module, dark modules black, 4 modules of quiet."""
    width = len(rows[0]) + 2 * _BORDER
    padded = -width % 8
    quiet = b"\x00" + b"\xff" * ((width + padded) // 8)
    edge = "1" * _BORDER
    lines = [quiet] * _BORDER
    for row in rows:
        light = edge + row.translate(_LIGHT).decode() + edge + "0" * padded
        lines.append(b"\x00" + int(light, 2).to_bytes((width + padded) // 8, "big"))
    lines += [quiet] * _BORDER
    height = len(lines)

    def chunk(kind: bytes, body: bytes) -> bytes:
        crc = zlib.crc32(kind + body)
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    idat = zlib.compress(b"".join(lines), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


def qr_png_data_url(data: str) -> str:
    """A ``data:`` URL of the QR code for ``data``, with its 4-module quiet zone."""
    try:
        rows = qr_matrix(data)
    except (UnicodeEncodeError, ImportError, AttributeError):  # non-ASCII, or segno changed
        rows = tuple(bytes(row) for row in segno.make(data, error="m", micro=False, mask=0).matrix)
    return "data:image/png;base64," + base64.b64encode(_png(rows)).decode()
