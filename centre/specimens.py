"""見本 certificates for a municipality's staff: each kind it offers at a chosen moment,
certified by the identity (mayor, heading, 公印) in effect then, for a fictitious household.

Nothing is issued: no request, no serial of the register, no verification stamp, no
resident's record read (rendering/specimen.py says why a sample cannot pass as genuine).
"""

from __future__ import annotations

from datetime import datetime

from issuance.calendar import JST
from issuance.model import CertificateKind
from issuance.ports import MunicipalityInfo, Renderer
from issuance.staff.errors import NotVisibleError
from issuance.unit_of_work import SqlUnitOfWork
from municipalities.directory import read_info
from rendering.preview import first_page_png
from rendering.specimen import specimen


def _info(uow: SqlUnitOfWork, code: str) -> MunicipalityInfo:
    info = read_info(uow, code)
    if info is None:
        raise NotVisibleError()
    return info


def sample_kinds(uow: SqlUnitOfWork, code: str, at: datetime) -> list[str]:
    """The kinds municipality ``code`` offers at ``at``, in printed order; NotVisibleError
    for an unknown code."""
    info = _info(uow, code)
    return [
        kind.value
        for kind in CertificateKind
        if (offering := info.offering_at(kind.value, at)) is not None and offering.offered
    ]


def sample_pdf(uow: SqlUnitOfWork, renderer: Renderer, code: str, kind: str, at: datetime) -> bytes:
    """The 見本 of ``kind`` as municipality ``code`` would print it at ``at`` (aware): PDF.

    Raises NotVisibleError for an unknown code or a kind not offered at ``at``.
    """
    if kind not in sample_kinds(uow, code, at):
        raise NotVisibleError()
    issuer = _info(uow, code).issuer_at(at)
    document = specimen(CertificateKind(kind), issuer, at.astimezone(JST).date())
    return renderer.render(document).pdf


def sample_png(uow: SqlUnitOfWork, renderer: Renderer, code: str, kind: str, at: datetime) -> bytes:
    """The first page of ``sample_pdf`` as a PNG (for the page's preview)."""
    return first_page_png(sample_pdf(uow, renderer, code, kind, at))
