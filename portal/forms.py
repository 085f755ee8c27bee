"""The portal's forms (WTForms): parsed and checked in shape here, by the rules in services.

CSRF is checked for every POST by Flask-WTF's CSRFProtect (portal/security.py), so these are
plain WTForms forms. Each field's problem has a stable code and a message in both languages.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime

from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, DateTimeLocalField, Form, IntegerField, StringField, TimeField
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional

from issuance.calendar import JST
from issuance.model import CertificateKind
from issuance.service_hours import DayClass, DayHours, ServiceHours
from issuance.staff.errors import StaffInputError

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
FIELD_ERRORS: dict[str, tuple[str, str, str]] = {
    "starts": ("START_INVALID", "開始日時を入力してください。", "Enter the start date and time."),
    "ends": ("END_INVALID", "終了日時を入力してください。", "Enter the end date and time."),
    "effective_from": (
        "EFFECTIVE_FROM_INVALID",
        "適用開始日時を入力してください。",
        "Enter the date and time the change applies from.",
    ),
    "kind": ("KIND_INVALID", "証明書の種類を選んでください。", "Choose a certificate kind."),
    "note": ("NOTE_INVALID", "内容は200文字以内で入力してください。", "At most 200 characters."),
    "offered": ("OFFERED_INVALID", "交付するかどうかを選んでください。", "Choose offered or not."),
    "fee": (
        "FEE_OUT_OF_RANGE",
        "手数料は0円から10,000円までの整数で入力してください。",
        "The fee must be a whole number of yen from 0 to 10,000.",
    ),
    **{
        f"{cls}_opens": ("OPENS_INVALID", "開始時刻を入力してください。", "Enter the opening time.")
        for cls in DayClass
    },
    **{
        f"{cls}_closes": (
            "CLOSES_INVALID",
            "終了時刻を入力してください。",
            "Enter the closing time.",
        )
        for cls in DayClass
    },
    "koseki_registration_days": (
        "REGISTRATION_DAYS_OUT_OF_RANGE",
        "利用登録から交付までの日数は0から30までの整数（開庁日の日数）で入力してください。",
        "The delay must be a whole number of business days from 0 to 30.",
    ),
    "wide_area_tax": (
        "WIDE_AREA_TAX_INVALID",
        "広域交付に参加するかどうかを選んでください。",
        "Choose whether to take part in wide-area issuance.",
    ),
    "at": ("AT_INVALID", "日時を入力してください。", "Enter a date and time."),
    "mayor_title": (
        "MAYOR_TITLE_INVALID",
        "首長の職名を40文字以内で入力してください。",
        "Enter the mayor's title, at most 40 characters.",
    ),
    "mayor_name": (
        "MAYOR_NAME_INVALID",
        "首長の氏名を40文字以内で入力してください。",
        "Enter the mayor's name, at most 40 characters.",
    ),
    "header": (
        "HEADER_INVALID",
        "証明書の見出しは60文字以内で入力してください。",
        "The certificate heading must be at most 60 characters.",
    ),
}


def jst(value: datetime) -> datetime:
    """A naive date-time typed into a form, read as JST."""
    return value.replace(tzinfo=JST)


def first_error(form: Form) -> StaffInputError:
    """The first field's problem as a StaffInputError with its stable code."""
    for name in form.errors:
        if name in FIELD_ERRORS:
            return StaffInputError(*FIELD_ERRORS[name])
    return StaffInputError()


KINDS = [kind.value for kind in CertificateKind]


class MaintenanceForm(Form):
    """A window: start and end (JST), one kind or every kind (blank), a note."""

    starts = DateTimeLocalField(format=DATETIME_FORMATS, validators=[InputRequired()])
    ends = DateTimeLocalField(format=DATETIME_FORMATS, validators=[InputRequired()])
    kind = StringField(validators=[AnyOf(["", *KINDS])], default="")
    note = StringField(validators=[Length(max=200)], default="")


class CountField(IntegerField):
    """A whole number as a clerk types it: full-width "１０" reads 10."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            valuelist = [unicodedata.normalize("NFKC", valuelist[0]).strip()]
        super().process_formdata(valuelist)


class YenField(IntegerField):
    """Whole yen as a clerk types them: "1,200", "¥1,200" and full-width "１２００" all read
    1200 (Excel habits); anything else is not a number."""

    def process_formdata(self, valuelist: list[str]) -> None:
        if valuelist:
            typed = unicodedata.normalize("NFKC", valuelist[0]).strip()
            valuelist = [typed.removeprefix("¥").replace(",", "").strip()]
        super().process_formdata(valuelist)


class OfferingChangeForm(Form):
    """A kind's offering from a date and time (JST): offered, fee (yen), hours (JST)."""

    kind = StringField(validators=[InputRequired(), AnyOf(KINDS)])
    effective_from = DateTimeLocalField(format=DATETIME_FORMATS, validators=[InputRequired()])
    offered = StringField(validators=[InputRequired(), AnyOf(["yes", "no"])])
    fee = YenField(validators=[InputRequired(), NumberRange(0, 10_000)])
    # Per day class (平日 / 土曜 / 日曜・祝日): a range, or closed (the times then ignored).
    weekday_opens = TimeField(format="%H:%M", validators=[Optional()])
    weekday_closes = TimeField(format="%H:%M", validators=[Optional()])
    weekday_closed = BooleanField(false_values=("", "no"))
    saturday_opens = TimeField(format="%H:%M", validators=[Optional()])
    saturday_closes = TimeField(format="%H:%M", validators=[Optional()])
    saturday_closed = BooleanField(false_values=("", "no"))
    holiday_opens = TimeField(format="%H:%M", validators=[Optional()])
    holiday_closes = TimeField(format="%H:%M", validators=[Optional()])
    holiday_closed = BooleanField(false_values=("", "no"))


def hours_from(form: Form) -> ServiceHours:
    """The hours of an ``OfferingChangeForm``; StaffInputError OPENS_INVALID/CLOSES_INVALID
    when a day class not marked closed lacks a time."""
    days: dict[DayClass, DayHours | None] = {}
    for cls in DayClass:
        if form[f"{cls}_closed"].data:
            days[cls] = None
            continue
        for end in ("opens", "closes"):
            if form[f"{cls}_{end}"].data is None:
                raise StaffInputError(*FIELD_ERRORS[f"{cls}_{end}"])
        days[cls] = DayHours(form[f"{cls}_opens"].data, form[f"{cls}_closes"].data)
    return ServiceHours(days[DayClass.WEEKDAY], days[DayClass.SATURDAY], days[DayClass.HOLIDAY])


class SettingsForm(Form):
    """A municipality's settings from a date and time (JST): the 利用登録 delay (business
    days) and the wide-area tax opt-in."""

    effective_from = DateTimeLocalField(format=DATETIME_FORMATS, validators=[InputRequired()])
    koseki_registration_days = CountField(validators=[InputRequired()])
    wide_area_tax = StringField(validators=[InputRequired(), AnyOf(["yes", "no"])])


class IdentityForm(Form):
    """Who certifies from a date and time (JST); the seal file is read apart (request.files)."""

    effective_from = DateTimeLocalField(format=DATETIME_FORMATS, validators=[InputRequired()])
    mayor_title = StringField(validators=[InputRequired(), Length(max=40)])
    mayor_name = StringField(validators=[InputRequired(), Length(max=40)])
    header = StringField(validators=[Length(max=60)], default="")


class MomentForm(Form):
    """A date and time (JST) to preview at."""

    at = DateTimeLocalField(format=DATETIME_FORMATS, validators=[InputRequired()])


def parsed(form_class: type[Form], data: MultiDict[str, str]) -> Form:
    """The form bound to ``data``; StaffInputError (its first field's code) when invalid."""
    form = form_class(formdata=data)
    if not form.validate():
        raise first_error(form)
    return form
