"""The touch screen: a Flask app over one Terminal, redrawn whenever its screen changes."""

from __future__ import annotations

from flask import Flask, jsonify, redirect, render_template, request
from werkzeug.wrappers import Response

from kiosk_terminal.screens import KOSEKI_PICKS
from kiosk_terminal.terminal import Choice, Terminal

MAX_COPIES = 5


def _choice_from(form: dict[str, str]) -> Choice:
    copies = form.get("copies", "1")
    tax_year = form.get("tax_year", "")
    certificate = form.get("certificate", "juminhyo")
    if certificate in KOSEKI_PICKS:  # whose 戸籍 entries / 附票: oneself, or chosen by name
        members = "some" if form.get("koseki_members") == "some" else "self"
    else:
        members = form["members"] if form.get("members") in ("self", "some") else "all"
    # The 附票 has its own 本籍・筆頭者 box (off by default): the 住民票's, hidden, may be ticked.
    honseki = "fuhyo_show_honseki" if certificate == "koseki_fuhyo" else "show_honseki"
    return Choice(
        certificate=certificate,
        members=members,
        show_honseki=form.get(honseki) == "1",
        show_relationship=form.get("show_relationship", "1") == "1",
        copies=min(max(int(copies) if copies.isdigit() else 1, 1), MAX_COPIES),
        tax_year=int(tax_year) if tax_year.isdigit() else None,
    )


def create_app(terminal: Terminal) -> Flask:
    """The app for one terminal; every action redirects back to the one page (no dead ends)."""
    app = Flask(__name__)
    app.config["TERMINAL"] = terminal

    def back() -> Response:
        return redirect("/", code=303)

    @app.get("/")
    def screen() -> str:
        view = terminal.tick()
        return render_template(
            "screen.html",
            view=view,
            lang=view.language,
            certificates=terminal.certificates,
            max_copies=MAX_COPIES,
        )

    @app.get("/state")
    def state() -> Response:
        view = terminal.tick()
        return jsonify(screen=view.screen.value, version=view.version)

    @app.post("/language")
    def language() -> Response:
        terminal.set_language(request.form.get("lang", "ja"))
        return back()

    @app.post("/choose")
    def choose() -> Response:
        terminal.choose(_choice_from(request.form.to_dict()))
        return back()

    @app.post("/pin")
    def pin() -> Response:
        terminal.enter_pin(request.form.get("pin", ""))
        return back()

    @app.post("/device")
    def device() -> Response:
        terminal.authenticate_on_device()
        return back()

    @app.post("/pin-reset")
    def pin_reset() -> Response:
        terminal.begin_pin_reset()
        return back()

    @app.post("/signature-pin")
    def signature_pin() -> Response:
        terminal.enter_signature_pin(request.form.get("password", ""))
        return back()

    @app.post("/new-pin")
    def new_pin() -> Response:
        terminal.enter_new_pin(request.form.get("pin", ""), request.form.get("again", ""))
        return back()

    @app.post("/members")
    def members() -> Response:
        terminal.pick_members(request.form.getlist("ref"))
        return back()

    @app.post("/confirm")
    def confirm() -> Response:
        terminal.confirm()
        return back()

    @app.post("/start-over")
    def start_over() -> Response:
        terminal.start_over()
        return back()

    @app.after_request
    def no_cache(response: Response) -> Response:
        response.headers["Cache-Control"] = "no-store"
        return response

    return app
