"""Where the app keeps the centre's platform: the one way views and hooks reach it."""

from __future__ import annotations

from flask import Flask, current_app

from centre.bootstrap import Platform

KEY = "kofu"


def init_app(app: Flask, platform: Platform) -> None:
    app.extensions[KEY] = platform


def platform_of(app: Flask) -> Platform:
    """The platform ``app`` was built with."""
    platform: Platform = app.extensions[KEY]
    return platform


def current_platform() -> Platform:
    """The platform of the app handling this request."""
    return platform_of(current_app)  # type: ignore[arg-type]
