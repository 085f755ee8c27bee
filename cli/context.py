"""The click context of `kofu`: the settings, and one platform per command, closed at exit."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from centre.bootstrap import Platform, bootstrap
from centre.settings import Settings
from issuance.errors import KofuError

_PLATFORM = "kofu.platform"


def settings(ctx: click.Context) -> Settings:
    """The settings `kofu` read from the environment when it started."""
    found: Settings = ctx.find_root().obj
    return found


def platform(ctx: click.Context, *, jobs: bool = False) -> Platform:
    """This invocation's platform: built on first use, closed when the command ends.

    ``jobs=False`` (the default) builds no queue: set-up commands never enqueue.
    """
    root = ctx.find_root()
    built: Platform | None = root.meta.get(_PLATFORM)
    if built is None:
        built = root.meta[_PLATFORM] = root.with_resource(_opened(settings(ctx), jobs))
    return built


@contextmanager
def _opened(settings: Settings, jobs: bool) -> Iterator[Platform]:
    built = bootstrap(settings, jobs=jobs)
    try:
        yield built
    finally:
        built.close()


def refused(error: KofuError) -> click.ClickException:
    """A domain error as the command's failure (exit 1): its code, Japanese and English."""
    return click.ClickException(f"{error.code}: {error.message_ja} / {error.message_en}")
