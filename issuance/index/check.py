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
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date

from issuance.index.model import Resident, ResidentStatus
from issuance.koseki_records import Fuhyo, Koseki
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


def check_household(
    index: Index, household: Household, printed: Sequence[Person], shows_head: bool
) -> None:
    """住民票 and 記載事項証明書: the members printed (and the 世帯主 if shown) against the index.

    ``household`` is the issuer's record, ``printed`` the members the document lists.
    Raises ``RefusalError`` DV_PROTECTED or HOUSEHOLD_MEMBER_MOVING_OUT (any member, printed
    or not), or ``RecordsOutOfSyncError``. Rules and their sources: the module docstring.
    """
    issuer = household.municipality_code
    everyone = [m.juminhyo_code for m in household.members]
    _refuse_dv(index, everyone)
    named = [m.juminhyo_code for m in printed]
    head = _head(household) if shows_head else None
    if head is not None and head.juminhyo_code not in named:
        named.append(head.juminhyo_code)
    for code in named:
        _registered_in(_known(index, code, issuer), issuer)
    members = [_known(index, code, issuer) for code in everyone]
    if any(member.moving_out for member in members):
        raise RefusalError("HOUSEHOLD_MEMBER_MOVING_OUT")


def _residence_start(resident: Resident, issuer: str) -> date | None:
    current = [
        r for r in resident.residences if r.municipality_code == issuer and r.to_date is None
    ]
    return max((r.from_date for r in current), default=None)


def _check_seal(index: Index, issuer: str, seal: SealRegistration, today: date) -> None:
    resident = _known(index, seal.juminhyo_code, issuer)
    _registered_in(resident, issuer)
    start = _residence_start(resident, issuer)
    if start is None:
        raise RecordsOutOfSyncError(RESIDENCE_UNKNOWN, issuer, seal.juminhyo_code)
    if seal.registered_on < start:
        raise RecordsOutOfSyncError(SEAL_PREDATES_RESIDENCE, issuer, seal.juminhyo_code)
    if seal.registered_on > today:
        raise RecordsOutOfSyncError(SEAL_IN_FUTURE, issuer, seal.juminhyo_code)


def _check_tax(index: Index, issuer: str, tax: TaxAssessment) -> None:
    resident = _known(index, tax.juminhyo_code, issuer)
    if resident.status is ResidentStatus.DECEASED:
        raise RecordsOutOfSyncError(DECEASED, issuer, tax.juminhyo_code)
    if resident.municipality_on(date(tax.tax_year, 1, 1)) != issuer:
        raise RecordsOutOfSyncError(NOT_RESIDENT_ON_JANUARY_1, issuer, tax.juminhyo_code)


def _check_honseki_person(index: Index, issuer: str, code: str) -> None:
    resident = _known(index, code, issuer)
    if resident.status is ResidentStatus.DECEASED:
        raise RecordsOutOfSyncError(DECEASED, issuer, code)
    if resident.honseki_municipality_code != issuer:
        raise RecordsOutOfSyncError(HONSEKI_ELSEWHERE, issuer, code)


def _check_koseki(index: Index, issuer: str, koseki: Koseki, named: Sequence[str]) -> None:
    for member in koseki.members:
        code = member.juminhyo_code
        if code is None or code not in named:
            continue
        if member.removed:
            _known(index, code, issuer)
        else:
            _check_honseki_person(index, issuer, code)


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
        _check_seal(index, issuer, record, today)
    elif isinstance(record, TaxAssessment):
        _check_tax(index, issuer, record)
    elif isinstance(record, Koseki):
        _check_koseki(index, issuer, record, named)
    else:
        _check_honseki_person(index, issuer, record.juminhyo_code)
