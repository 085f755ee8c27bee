"""Every package's tables in one metadata, for migrations and tests."""

from __future__ import annotations

import billing.model  # noqa: F401
import issuance.index.model  # noqa: F401
import issuance.index.idou  # noqa: F401
import issuance.sessions.kiosks  # noqa: F401
import issuance.staff.model  # noqa: F401
import issuance.model  # noqa: F401
import issuance.index.alarms  # noqa: F401
import issuance.use_registration  # noqa: F401
import issuance.pin_reset.model  # noqa: F401
import issuance.refusal_counts  # noqa: F401
import issuance.authenticity.register  # noqa: F401
import municipalities.bcl  # noqa: F401
import municipalities.bcl_records  # noqa: F401
import municipalities.bcl_upload_model  # noqa: F401
import municipalities.model  # noqa: F401
from issuance.db import Base

metadata = Base.metadata
