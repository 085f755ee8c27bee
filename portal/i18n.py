"""The portal's words in Japanese (the default) and English; ``?lang=en`` switches by cookie."""

from __future__ import annotations

from flask import Flask, Response, g, request
from markupsafe import Markup

from issuance.model import KIND_LABELS, CertificateKind
from portal.strings import ACTIONS, FIELDS, STRINGS

LANGUAGES = ("ja", "en")
COOKIE = "kofu_portal_lang"


def field_label(field: str) -> str:
    """An audit entry's field name in this request's language (the name itself if unknown)."""
    key = FIELDS.get(field)
    return t(key) if key else field


def action_label(action: str) -> str:
    """An audit action's name in this request's language (the code itself if unknown)."""
    labels = ACTIONS.get(action)
    if labels is None:
        return action
    return labels[1] if lang() == "en" else labels[0]


def target_label(kind: str, target_id: str) -> str:
    """What an audit entry acted on, as staff read it: ``offering``/``131016/juminhyo`` →
    住民票の写しの交付設定; an unknown kind as ``kind:id``."""
    if kind == "counter_count":  # "131016/2026-11/inkan"
        _, month, cert = (target_id.split("/") + ["", "", ""])[:3]
        try:
            ja, en = KIND_LABELS[CertificateKind(cert)]
        except (ValueError, KeyError):
            ja = en = cert
        return t("target_counter_count", kind=en if lang() == "en" else ja, month=month)
    if kind == "offering":
        cert = target_id.rpartition("/")[2]
        try:
            ja, en = KIND_LABELS[CertificateKind(cert)]
        except (ValueError, KeyError):
            ja = en = cert
        return t("target_offering", kind=en if lang() == "en" else ja)
    if f"target_{kind}" in STRINGS:
        return t(f"target_{kind}", id=target_id)
    return f"{kind}:{target_id}"


def lang() -> str:
    """This request's language: ``ja`` unless ``?lang=en`` or its cookie says ``en``."""
    chosen: str = getattr(g, "lang", "ja")
    return chosen


def t(key: str, **values: object) -> str:
    """The string ``key`` in this request's language, with ``{name}`` fields filled in."""
    ja, en = STRINGS[key]
    text = en if lang() == "en" else ja
    if any(isinstance(value, Markup) for value in values.values()):
        return Markup(text).format(**values)  # the other values are escaped
    return text.format(**values) if values else text


def message(error: object) -> str:
    """A KofuError's message in this request's language."""
    return str(getattr(error, "message_en" if lang() == "en" else "message_ja", ""))


def init_app(app: Flask, secure_cookies: bool) -> None:
    """Choose each request's language and keep a ``?lang=`` choice in a cookie."""

    @app.before_request
    def _choose() -> None:
        asked = request.args.get("lang")
        g.lang_chosen = asked if asked in LANGUAGES else None
        g.lang = g.lang_chosen or (
            request.cookies.get(COOKIE) if request.cookies.get(COOKIE) in LANGUAGES else "ja"
        )

    @app.after_request
    def _remember(response: Response) -> Response:
        if getattr(g, "lang_chosen", None):
            response.set_cookie(
                COOKIE,
                g.lang_chosen,
                max_age=365 * 86400,
                httponly=True,
                samesite="Lax",
                secure=secure_cookies,
            )
        return response

    app.jinja_env.globals.update(t=t, lang=lang)
