"""Kiosk views listing the people a resident may choose: household and 戸籍 members."""

from __future__ import annotations

from flask import Response

from issuance import members as household
from issuance.members import list_koseki_members
from kiosk_api import schemas
from kiosk_api.extension import current_platform
from kiosk_api.kiosk_common import SESSION, SESSION_CHECKS, as_json, bp, kiosk_of, spec


@spec.route(
    "GET",
    SESSION + "/household",
    "Household members to choose from (names and 続柄 only)",
    response=schemas.HouseholdOut,
    errors=(*SESSION_CHECKS, "MOVING_OUT", "MOVED_ABROAD", "MOVED_IN_TODAY", "NO_RECORD"),
)
@bp.get("/sessions/<session_id>/household")
def household_members(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        members = household.list_household(
            uow,
            platform.directory,
            platform.backends,
            platform.trust,
            kiosk_id,
            session_id,
            platform.now(),
        )
    return _members_out(members)


def _members_out(members: list[household.MemberChoice]) -> tuple[Response, int]:
    return as_json(
        schemas.HouseholdOut(
            members=[
                schemas.MemberOut(
                    ref=m.ref, name=m.name, relationship=m.relationship, is_self=m.is_self
                )
                for m in members
            ]
        )
    )


@spec.route(
    "GET",
    SESSION + "/koseki-members",
    "People recorded in the resident's 戸籍 to choose for 個人事項 or 附票 (names only)",
    response=schemas.HouseholdOut,
    errors=(
        *SESSION_CHECKS,
        "NO_KOSEKI_RECORD",
        "USE_REGISTRATION_REQUIRED",
        "USE_REGISTRATION_PENDING",
        "BACKEND_UNAVAILABLE",
    ),
)
@bp.get("/sessions/<session_id>/koseki-members")
def koseki_members(session_id: str) -> tuple[Response, int]:
    platform = current_platform()
    with platform.uow() as uow:
        kiosk_id = kiosk_of(platform, uow)
        members = list_koseki_members(
            uow,
            platform.directory,
            platform.backends,
            platform.trust,
            kiosk_id,
            session_id,
            platform.now(),
        )
    return _members_out(members)
