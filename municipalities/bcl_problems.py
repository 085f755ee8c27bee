"""What a BCL import reports: the bad rows of a refused extract, and a failure past them."""

from __future__ import annotations

from dataclasses import dataclass

from issuance.errors import KofuError


@dataclass(frozen=True)
class Problem:
    """One bad row and field: printed as ``SECTION row N FIELD: CODE message``."""

    section: str  # a section of the extract, or "-" for the file itself
    row: int  # 1-based within its section (CSV: the line number minus the header); 0: none
    field: str
    code: str
    message: str


class ExtractRejectedError(KofuError):
    """The extract has problems; nothing was imported. ``problems`` lists every one."""

    code = "BCL_EXTRACT_REJECTED"
    message_ja = "連携用データに誤りがあるため取り込みませんでした。"
    message_en = "The extract has errors; nothing was imported."

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems=len(problems))
        self.problems = problems


class ImportFailedError(KofuError):
    """The database refused the import after the extract passed every check; nothing changed.

    ``reason`` names the kind of database error only: its text may quote a resident's data.
    """

    code = "BCL_IMPORT_FAILED"
    message_ja = "データベースが取り込みを受け付けなかったため、何も変更していません。"
    message_en = "The database refused the import; nothing was changed."

    def __init__(self, reason: str) -> None:
        super().__init__(reason=reason)
        self.reason = reason
