"""Where the portal keeps the centre's platform and its password hasher."""

from __future__ import annotations

from argon2 import PasswordHasher
from flask import Flask, current_app

from centre.bootstrap import Platform
from centre.import_jobs import ImportQueue

KEY = "kofu_portal"
HASHER = "kofu_portal_hasher"
IMPORTS = "kofu_portal_imports"


def init_app(app: Flask, platform: Platform, hasher: PasswordHasher) -> None:
    """Keep the platform and the password hasher on ``app`` for the views."""
    app.extensions[KEY] = platform
    app.extensions[HASHER] = hasher


def current_platform() -> Platform:
    """The platform of the app handling this request."""
    platform: Platform = current_app.extensions[KEY]
    return platform


def current_hasher() -> PasswordHasher:
    """The password hasher of the app handling this request."""
    hasher: PasswordHasher = current_app.extensions[HASHER]
    return hasher


def current_imports() -> ImportQueue:
    """Where this app queues the import of an uploaded extract."""
    imports: ImportQueue = current_app.extensions[IMPORTS]
    return imports
