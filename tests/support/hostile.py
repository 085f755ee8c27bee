"""Hostile inputs for the public endpoints: malformed PDFs and tokens, made reproducibly.

Each shape is one an attacker (or a fuzzer) would try: deep nesting, xref loops, huge
counts, bad filters, decompression bombs, and mutated copies of a real certificate.
"""

from __future__ import annotations

import base64
import random
import zlib
from collections.abc import Iterator

HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
CATALOG = b"<< /Type /Catalog /Pages 2 0 R >>"
PAGES = b"<< /Type /Pages /Kids [] /Count 0 >>"


def build(
    objects: dict[int, bytes], trailer_extra: bytes = b"", startxref: bytes | None = None
) -> bytes:
    """A classic-xref PDF of ``objects`` (number → body), /Info 3 0 R unless overridden."""
    parts, length = [HEADER], len(HEADER)
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        offsets[number] = length
        parts.append(b"%d 0 obj\n" % number + body + b"\nendobj\n")
        length += len(parts[-1])
    out = b"".join(parts)
    xref_at = len(out)
    size = max(objects) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % size
    out += b"".join(b"%010d 00000 n \n" % offsets.get(number, 0) for number in range(1, size))
    trailer = b"/Size %d /Root 1 0 R /Info 3 0 R " % size + trailer_extra
    out += b"trailer\n<< " + trailer.replace(b"{xref}", b"%d" % xref_at) + b" >>\n"
    out += b"startxref\n" + (startxref or b"%d" % xref_at) + b"\n%%EOF\n"
    return out


def _with_info(info: bytes, **extra: bytes) -> bytes:
    return build({1: CATALOG, 2: PAGES, 3: info, **{int(k[1:]): v for k, v in extra.items()}})


def _stream(data: bytes, entries: bytes = b"") -> bytes:
    return b"<< /Length %d %s >>\nstream\n" % (len(data), entries) + data + b"\nendstream"


def _objstm_info(filter_entry: bytes, data: bytes) -> bytes:
    """/Info inside an object stream (as the renderer's PDFs keep it), reached by an xref
    stream: the shape of both shared fixtures."""
    out = HEADER
    offsets = {}
    offsets[1] = len(out)
    out += b"1 0 obj\n" + CATALOG + b"\nendobj\n"
    offsets[2] = len(out)
    out += b"2 0 obj\n" + PAGES + b"\nendobj\n"
    offsets[4] = len(out)
    out += b"4 0 obj\n" + _stream(data, b"/Type /ObjStm /N 1 /First 4 " + filter_entry)
    out += b"\nendobj\n"
    xref_at = len(out)
    rows = [b"\x00" + b"\x00" * 4 + b"\xff\xff"]
    rows += [b"\x01" + offsets[1].to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x01" + offsets[2].to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x02" + (4).to_bytes(4, "big") + b"\x00\x00"]  # 3: first in stream 4
    rows += [b"\x01" + offsets[4].to_bytes(4, "big") + b"\x00\x00"]
    rows += [b"\x01" + xref_at.to_bytes(4, "big") + b"\x00\x00"]
    table = b"".join(rows)
    xref = _stream(table, b"/Type /XRef /Size 6 /W [1 4 2] /Root 1 0 R /Info 3 0 R")
    out += b"5 0 obj\n" + xref + b"\nendobj\n"
    return out + b"startxref\n%d\n%%%%EOF\n" % xref_at


def _bomb(megabytes: int) -> bytes:
    return zlib.compress(b"3 0 << /Keywords (x) >>" + b" " * (megabytes * 1024 * 1024), 9)


def objstm_bomb(megabytes: int) -> bytes:
    """/Info in an object stream that decodes to ``megabytes`` MiB."""
    return _objstm_info(b"/Filter /FlateDecode", _bomb(megabytes))


def crafted() -> Iterator[tuple[str, bytes]]:
    """Hand-made shapes, each aimed at one parser weakness."""
    yield "deep_array", _with_info(b"<< /Keywords " + b"[" * 5_000 + b"]" * 5_000 + b" >>")
    yield "deep_dict", _with_info(b"<< /A " * 3_000 + b"null" + b" >>" * 3_000)
    yield "deep_unclosed", _with_info(b"<< /Keywords " + b"[" * 50_000)
    yield "info_self_ref", _with_info(b"<< /Keywords 3 0 R /Parent 3 0 R >>")
    yield "xref_prev_loop", build({1: CATALOG, 2: PAGES, 3: b"<< >>"}, b"/Prev {xref}")
    yield "startxref_huge", build({1: CATALOG, 2: PAGES, 3: b"<< >>"}, startxref=b"9" * 40)
    yield "startxref_negative", build({1: CATALOG, 2: PAGES, 3: b"<< >>"}, startxref=b"-5")
    yield "size_huge", build({1: CATALOG, 2: PAGES, 3: b"<< >>"}, b"/Size 99999999999999999999")
    yield (
        "count_huge",
        build({1: CATALOG, 2: b"<< /Type /Pages /Kids [2 0 R] /Count 1e308 >>", 3: b"<< >>"}),
    )
    yield (
        "length_huge",
        _with_info(
            b"<< /Keywords 4 0 R >>",
            o4=b"<< /Length 99999999999999999999999 >>\nstream\nx\nendstream",
        ),
    )
    yield (
        "object_number_huge",
        HEADER
        + b"99999999999999999999999 0 obj\n<< >>\nendobj\n"
        + (b"trailer\n<< /Root 99999999999999999999999 0 R >>\n%%EOF\n"),
    )
    yield "float_overflow", _with_info(b"<< /Keywords 1e999999 /N -99999999999999999999999999 >>")
    yield "objstm_unknown_filter", _objstm_info(b"/Filter /Foo", b"3 0 << /Keywords (x) >>")
    yield (
        "objstm_filter_chain",
        _objstm_info(b"/Filter [/ASCII85Decode /LZWDecode /FlateDecode]", b"\xff\xfe garbage ~>"),
    )
    yield "objstm_bad_flate", _objstm_info(b"/Filter /FlateDecode", b"\x78\x9c not zlib at all")
    yield (
        "objstm_predictor",
        _objstm_info(
            b"/Filter /FlateDecode /DecodeParms << /Predictor 15 /Columns 99999999999 >>",
            zlib.compress(b"3 0 << >>"),
        ),
    )
    yield "objstm_bomb", _objstm_info(b"/Filter /FlateDecode", _bomb(120))
    yield "objstm_bomb_40mb", objstm_bomb(40)
    yield "objstm_count_huge", _objstm_info(b"", b"3 0 << >>").replace(b"/N 1", b"/N 999999999")


def costly() -> Iterator[tuple[str, bytes]]:
    """Files within the size limit that cost a reader seconds: many revisions, many fields."""
    first = build({1: CATALOG, 2: PAGES, 3: b"<< /Keywords (x) >>"})
    parts, size = [first], len(first)
    previous = int(first[first.rindex(b"startxref\n") + 10 :].split(b"\n")[0])
    while size < 4_000_000:  # each revision an empty xref section, /Prev to the last
        part = b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 4 /Root 1 0 R /Info 3 0 R"
        part += b" /Prev %d >>\nstartxref\n%d\n%%%%EOF\n" % (previous, size)
        parts.append(part)
        previous, size = size, size + len(part)
    pdf = b"".join(parts)
    yield "revisions_40k", pdf
    fields = range(4, 36_000)
    signature = b"<< /FT /Sig /V << /Type /Sig /Contents <00> /ByteRange [0 1 2 3] >> >>"
    catalog = b"<< /Type /Catalog /Pages 2 0 R /AcroForm << /Fields ["
    catalog += b" ".join(b"%d 0 R" % i for i in fields) + b"] >> >>"
    yield (
        "fields_36k",
        build({1: catalog, 2: PAGES, 3: b"<< >>", **dict.fromkeys(fields, signature)}),
    )


def mutants(pdf: bytes, count: int, seed: int = 13) -> Iterator[tuple[str, bytes]]:
    """Copies of a real certificate with bytes flipped, cut or repeated, always the same ones."""
    rng = random.Random(seed)
    for index in range(count):
        data = bytearray(pdf)
        shape = index % 4
        if shape == 0:  # a few random bytes anywhere
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif shape == 1:  # digits in the structure: offsets, lengths, counts
            digits = [i for i, b in enumerate(data) if 48 <= b <= 57]
            for _ in range(rng.randint(1, 6)):
                data[rng.choice(digits)] = rng.choice(b"0123456789")
            position = rng.choice(digits)
            data[position:position] = b"9" * rng.randint(5, 30)
        elif shape == 2:  # truncated
            del data[rng.randrange(16, len(data)) :]
        else:  # a slice repeated
            start = rng.randrange(len(data))
            data[start:start] = data[start : start + rng.randint(1, 4096)] * rng.randint(2, 20)
        yield f"mutant_{index:03d}", bytes(data)


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def hostile_tokens(genuine: str, count: int = 40, seed: int = 13) -> Iterator[tuple[str, str]]:
    """What may arrive in ``?t=``: nested payloads, odd shapes, mutated genuine tokens."""
    signature = _b64url(bytes(64))
    yield "nested_1200", f"{_b64url(b'[' * 1_200)}.{signature}"
    yield "nested_290", f"{_b64url(b'[' * 290)}.{signature}"
    with_kid = b'{"kid":"k1","a":' + b"[" * 280
    yield "nested_with_kid", f"{_b64url(with_kid)}.{signature}"
    huge_number = b'{"kid":"k1","v":1e999999}'
    yield "huge_number", f"{_b64url(huge_number)}.{signature}"
    yield "three_parts", "a.b.c"
    yield "dots_only", "..."
    yield "nul", "abc\x00.def"
    yield "unicode", "証明書.証明書"
    yield "padding", "====.===="
    yield "bad_length", "a.b"
    yield "long", "A" * 10_000 + "." + signature
    rng = random.Random(seed)
    for index in range(count):
        chars = list(genuine)
        for _ in range(rng.randint(1, 4)):
            chars[rng.randrange(len(chars))] = rng.choice("AZaz09-_.=[{\x00")
        yield f"mutated_{index:02d}", "".join(chars)
