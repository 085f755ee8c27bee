"""Every person a certificate names is held against the national resident index, fail closed.

The index (``issuance/index/model.py``, our 住基ネット stand-in) is the authority on who is alive,
resident and where (DOMAIN §7); a municipality's records — its own server, or its BCL
extract — may lag behind it. Before a document is rendered, each person it names is checked
here; any disagreement refuses the request with ``RECORDS_OUT_OF_SYNC`` (never
``RECORD_MISMATCH``, which means an answer for somebody else), so a stale record is never
printed, and the caller raises the municipality's out-of-sync alarm.

``issuer`` is the municipality that certifies the document. The rules, per kind:

* 住民票の写し・住民票記載事項証明書 (住民基本台帳法 第12条). A 住民票 exists only for a person
  registered in that municipality (第5条, 第7条); on death, moving out or moving abroad it is
  removed (消除, 第8条; 施行令 第8条), and a 除票 is not issued at kiosks (DOMAIN §3). So every
  member printed — and the 世帯主 (the member whose 続柄 is 世帯主) whenever 世帯主・続柄 are
  shown — must be in the index, with status ``resident``, registered in the issuer. The
  household rules are kept as they were, over every member printed or not: DV等支援措置 refuses
  ``DV_PROTECTED``, a filed 転出届 ``HOUSEHOLD_MEMBER_MOVING_OUT``, and a member unknown to the
  index, whose DV status the centre cannot know, is out of sync.
* 印鑑登録証明書 (印鑑登録証明事務処理要領: 登録資格, 登録の抹消). Only a person recorded in the
  municipality's 住民基本台帳 may hold a registration, and moving out or death abolishes it. The
  subject must be a resident of the issuer, and the registration dated no earlier than the
  start of their current residence there (one from an earlier stay was abolished by the move)
  and no later than today; an index without that open residence cannot vouch for the
  registration, so it is out of sync too. The records carry no abolition mark: a registration
  the municipality abolished is simply absent from them (``NO_SEAL_REGISTERED``).
* 課税証明書・所得証明書 (地方税法 第294条, 第318条: 個人住民税 is levied by the municipality
  where the person was registered on 1 January, the 賦課期日). The subject is in the index, not
  deceased, and the index places them in the issuer on 1 January of the tax year.
* 戸籍全部事項・個人事項証明書 (戸籍法 第6条, 第10条: kept and certified by the 本籍地). Each
  member printed as living (not 除籍) must not be deceased in the index (a 死亡届 the 戸籍 has
  not yet recorded) and must have their 本籍 in the issuer. 除籍 members are printed as such.
* 戸籍の附票の写し (住民基本台帳法 第16条, 第20条). The subject is in the index, not deceased,
  with their 本籍 in the issuer; a resident abroad keeps their 附票.

For every kind, DV等支援措置 on anyone named refuses ``DV_PROTECTED`` first, and anyone named
with a 住民票コード the index does not know is out of sync (``NO_RECORD`` stays the requester's
own refusal). 戸籍 members without a 住民票コード cannot be looked up and are not checked.

The same rules hold at download (``check_named_again``) for the people stored with the held
document: a change in the index between render and download stops the document too.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from datetime import date

from issuance.calendar import JST
from issuance.index.model import Resident, ResidentStatus
from issuance.koseki_records import Fuhyo, Koseki
from issuance.model import CertificateKind, CertificateRequest
from issuance.ports import UnitOfWork
from issuance.records import Household, Person, SealRegistration, TaxAssessment
from issuance.refusals import RefusalError

OUT_OF_SYNC = "RECORDS_OUT_OF_SYNC"
HEAD_RELATIONSHIP = "世帯主"

# The stable names of the checks, as the out-of-sync alarms record them.
NOT_IN_INDEX = "not_in_index"
DECEASED = "deceased"
MOVED_ABROAD = "moved_abroad"
REGISTERED_ELSEWHERE = "registered_elsewhere"
RESIDENCE_UNKNOWN = "residence_unknown"
SEAL_PREDATES_RESIDENCE = "seal_predates_residence"
SEAL_IN_FUTURE = "seal_in_future"
NOT_RESIDENT_ON_JANUARY_1 = "not_resident_on_january_1"
HONSEKI_ELSEWHERE = "honseki_elsewhere"

Index = Callable[[str], Resident | None]
Record = SealRegistration | TaxAssessment | Koseki | Fuhyo


class RecordsOutOfSyncError(RefusalError):
    """The records name someone the index disagrees about; ``check`` names the failed rule.

    ``municipality_code`` is the issuer whose records are stale. ``juminhyo_code`` is kept for
    the centre's alarm table only: it is never put in details, messages or logs.
    """

    def __init__(self, check: str, municipality_code: str, juminhyo_code: str | None) -> None:
        super().__init__(OUT_OF_SYNC)
        self.check = check
        self.municipality_code = municipality_code
        self.juminhyo_code = juminhyo_code


def index_of(uow: UnitOfWork) -> Index:
    """Look-ups in the national index through the unit of work's transaction."""
    return uow.residents.get


def _known(index: Index, code: str, issuer: str) -> Resident:
    resident = index(code)
    if resident is None:
        raise RecordsOutOfSyncError(NOT_IN_INDEX, issuer, code)
    return resident


def _refuse_dv(index: Index, codes: Iterable[str]) -> None:
    for code in codes:
        resident = index(code)
        if resident is not None and resident.dv_protected:
            raise RefusalError("DV_PROTECTED")


def _registered_in(resident: Resident, issuer: str) -> None:
    code = resident.juminhyo_code
    if resident.status is ResidentStatus.DECEASED:
        raise RecordsOutOfSyncError(DECEASED, issuer, code)
    if resident.status is ResidentStatus.MOVED_ABROAD:
        raise RecordsOutOfSyncError(MOVED_ABROAD, issuer, code)
    if resident.municipality_code != issuer:
        raise RecordsOutOfSyncError(REGISTERED_ELSEWHERE, issuer, code)


def _head(household: Household) -> Person | None:
    return next(
        (m for m in household.members if m.relationship == HEAD_RELATIONSHIP),
        next((m for m in household.members if m.name == household.head_name), None),
    )


def _check_juminhyo(
    index: Index, issuer: str, everyone: Sequence[str], named: Sequence[str]
) -> None:
    _refuse_dv(index, everyone)
    for code in named:
        _registered_in(_known(index, code, issuer), issuer)
    members = [_known(index, code, issuer) for code in everyone]
    if any(member.moving_out for member in members):
        raise RefusalError("HOUSEHOLD_MEMBER_MOVING_OUT")


def check_household(
    index: Index, household: Household, printed: Sequence[Person], shows_head: bool
) -> None:
    """住民票 and 記載事項証明書: the members printed (and the 世帯主 if shown) against the index.

    ``household`` is the issuer's record, ``printed`` the members the document lists.
    Raises ``RefusalError`` DV_PROTECTED or HOUSEHOLD_MEMBER_MOVING_OUT (any member, printed
    or not), or ``RecordsOutOfSyncError``. Rules and their sources: the module docstring.
    """
    everyone = [m.juminhyo_code for m in household.members]
    named = [m.juminhyo_code for m in printed]
    head = _head(household) if shows_head else None
    if head is not None and head.juminhyo_code not in named:
        named.append(head.juminhyo_code)
    _check_juminhyo(index, household.municipality_code, everyone, named)


def _residence_start(resident: Resident, issuer: str) -> date | None:
    current = [
        r for r in resident.residences if r.municipality_code == issuer and r.to_date is None
    ]
    return max((r.from_date for r in current), default=None)


def _check_seal(index: Index, issuer: str, code: str, registered_on: date, today: date) -> None:
    resident = _known(index, code, issuer)
    _registered_in(resident, issuer)
    start = _residence_start(resident, issuer)
    if start is None:
        raise RecordsOutOfSyncError(RESIDENCE_UNKNOWN, issuer, code)
    if registered_on < start:
        raise RecordsOutOfSyncError(SEAL_PREDATES_RESIDENCE, issuer, code)
    if registered_on > today:
        raise RecordsOutOfSyncError(SEAL_IN_FUTURE, issuer, code)


def _check_tax(index: Index, issuer: str, code: str, tax_year: int) -> None:
    resident = _known(index, code, issuer)
    if resident.status is ResidentStatus.DECEASED:
        raise RecordsOutOfSyncError(DECEASED, issuer, code)
    if resident.municipality_on(date(tax_year, 1, 1)) != issuer:
        raise RecordsOutOfSyncError(NOT_RESIDENT_ON_JANUARY_1, issuer, code)


def _check_honseki_person(index: Index, issuer: str, code: str) -> None:
    resident = _known(index, code, issuer)
    if resident.status is ResidentStatus.DECEASED:
        raise RecordsOutOfSyncError(DECEASED, issuer, code)
    if resident.honseki_municipality_code != issuer:
        raise RecordsOutOfSyncError(HONSEKI_ELSEWHERE, issuer, code)


def _check_koseki(
    index: Index, issuer: str, named: Sequence[str], removed: Collection[str]
) -> None:
    """戸籍 members named: those printed as 除籍 (``removed``) need only be known."""
    for code in named:
        if code in removed:
            _known(index, code, issuer)
        else:
            _check_honseki_person(index, issuer, code)


def removed_members(koseki: Koseki) -> frozenset[str]:
    """The 住民票コード of the members a 戸籍 records as 除籍."""
    return frozenset(m.juminhyo_code for m in koseki.members if m.removed and m.juminhyo_code)


def check_record(
    index: Index, issuer: str, record: Record, named: Sequence[str], today: date
) -> None:
    """Any kind but the 住民票 ones: the people ``record`` names, as printed, against the index.

    ``named`` holds the 住民票コード of everyone the document names (for a 戸籍, the members
    printed); ``today`` is the JST date. Raises ``RefusalError`` DV_PROTECTED or
    ``RecordsOutOfSyncError``. Rules and their sources: the module docstring.
    """
    _refuse_dv(index, named)
    if isinstance(record, SealRegistration):
        _check_seal(index, issuer, record.juminhyo_code, record.registered_on, today)
    elif isinstance(record, TaxAssessment):
        _check_tax(index, issuer, record.juminhyo_code, record.tax_year)
    elif isinstance(record, Koseki):
        on_record = {m.juminhyo_code for m in record.members if m.juminhyo_code}
        printed = [code for code in named if code in on_record]
        _check_koseki(index, issuer, printed, removed_members(record))
    else:
        _check_honseki_person(index, issuer, record.juminhyo_code)


def check_named_again(
    index: Index,
    request: CertificateRequest,
    named: Sequence[str],
    removed: Collection[str],
    today: date,
) -> None:
    """At download: the people a held document names, against the index by render's rules.

    ``named`` and ``removed`` (戸籍 members printed as 除籍) are what the render stored with
    the document; the issuer is the request's municipality. The 住民票 kinds hold every person
    named to the household rules; the others to their kind's rules, the record's own facts
    taken from the request (the tax year) or bounded by the render (a seal registered no later
    than the day it was rendered: a residence begun since abolished it). Raises what
    ``check_household`` and ``check_record`` raise.
    """
    issuer = request.municipality_code
    kind = request.kind
    if kind in (CertificateKind.JUMINHYO, CertificateKind.JUMINHYO_KISAI):
        _check_juminhyo(index, issuer, named, named)
        return
    _refuse_dv(index, named)
    if kind in (CertificateKind.KOSEKI_ZENBU, CertificateKind.KOSEKI_KOJIN):
        _check_koseki(index, issuer, named, removed)
    elif kind is CertificateKind.INKAN:
        rendered_on = (request.ready_at or request.updated_at).astimezone(JST).date()
        for code in named:
            _check_seal(index, issuer, code, rendered_on, today)
    elif kind in (CertificateKind.KAZEI, CertificateKind.SHOTOKU):
        for code in named:
            _check_tax(index, issuer, code, int(request.options["tax_year"]))
    else:
        for code in named:
            _check_honseki_person(index, issuer, code)
