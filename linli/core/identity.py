"""ID numbers and phone numbers: normalise, validate, mask (rules in shared/rules/ids.md).

Pure functions; each `check_*` returns the normalised value or raises DomainError with a message that a
committee clerk can act on, in the active language (Chinese unless the user chose English).
"""

import datetime as dt
import functools
import unicodedata

import phonenumbers
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength, ValidationError

from linli.core.errors import DomainError


def long_date(day: dt.date) -> str:
    """A date as the messages write it: 1948年03月02日 in Chinese, 2 March 1948 in English."""
    # Translators: a date format (Django's date syntax: Y year, m month, d day) used in messages.
    return date_format(day, _("Y年m月d日"))


def _ascii(value: str) -> str:
    # NFKC turns full-width digits and letters (１２３Ｘ) typed on Chinese keyboards into ASCII.
    return unicodedata.normalize("NFKC", value or "").strip()


def normalize_id_number(value: str) -> str:
    return _ascii(value).replace(" ", "").replace("-", "").upper()


class UnknownArea(InvalidComponent):
    pass


@functools.lru_cache(maxsize=8192)
def _area_known(area: str, year: int) -> bool:
    """Whether the area code existed in that year (stdnum's table); cached, since a ledger of 10,000 rows
    holds a few dozen areas and the table lookup is the slowest part of the check."""
    try:
        ric.get_birth_place(f"{area}{year:04d}01010000")
    except InvalidComponent:
        return False
    return True


def _ric_validate(number: str) -> dt.date:
    """stdnum.cn.ric.validate, in the same order, with the area lookup cached and the birth date read
    once (stdnum re-cleans the number on every call, which dominated a 10,000-row import's check).
    Returns the birth date."""
    if not number[:-1].isdigit():
        raise InvalidFormat()
    if number[-1] != ric.calc_check_digit(number):
        raise InvalidChecksum()
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise InvalidComponent() from None
    if not _area_known(number[:6], born.year):
        raise UnknownArea()
    return born


def check_id_number(
    value: str,
    *,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    today: dt.date | None = None,
    field: str = "id_number",
) -> str:
    """Validate a mainland resident ID (GB 11643-1999) and its agreement with the recorded person."""
    number = normalize_id_number(value)
    if len(number) == 15 and number.isdigit():
        raise DomainError(_("这是旧的15位身份证号，已不再有效；请填写18位身份证号。"), field=field)
    if len(number) != 18:
        raise DomainError(_("身份证号应为18位，现在是%(length)s位。") % {"length": len(number)}, field=field)
    try:
        born = _ric_validate(number)
    except UnknownArea:
        raise DomainError(_("身份证号前6位不是有效的地区代码，请核对。"), field=field) from None
    except InvalidChecksum:
        raise DomainError(_("身份证号校验位不正确，请核对最后一位。"), field=field) from None
    except (InvalidFormat, InvalidLength):
        raise DomainError(_("身份证号格式不正确：前17位应为数字，最后一位为数字或X。"), field=field) from None
    except InvalidComponent:
        raise DomainError(_("身份证号中的出生日期不是有效日期。"), field=field) from None
    except ValidationError:
        raise DomainError(_("身份证号无效。"), field=field) from None
    if born > (today or dt.date.today()):
        raise DomainError(_("身份证号中的出生日期在未来。"), field=field)
    if birth_date is not None and born != birth_date:
        raise DomainError(
            _("身份证号中的出生日期（%(id_date)s）与填写的出生日期（%(entered)s）不一致。")
            % {"id_date": long_date(born), "entered": long_date(birth_date)},
            field=field,
        )
    if gender in ("M", "F"):
        id_gender = "M" if int(number[16]) % 2 == 1 else "F"
        if id_gender != gender:
            raise DomainError(_("身份证号中的性别与填写的性别不一致。"), field=field)
    return number


HMT_AREA_CODES = {"810000": "香港", "820000": "澳门", "830000": "台湾"}


def check_hmt_permit(
    value: str,
    *,
    birth_date: dt.date | None = None,
    gender: str | None = None,
    today: dt.date | None = None,
    field: str = "id_number",
) -> str:
    """A Hong Kong, Macao or Taiwan residents' residence permit (港澳台居民居住证): the ID number's layout and
    check digit with area code 810000/820000/830000. stdnum's area table does not list these codes (and
    dates them from 1997), so the area is checked here and the rest by GB 11643's rules."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise DomainError(
            _("居住证号码应为18位，现在是%(length)s位。") % {"length": len(number)}, field=field
        )
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        raise DomainError(_("居住证号码格式不正确：前17位应为数字，最后一位为数字或X。"), field=field)
    if number[:6] not in HMT_AREA_CODES:
        raise DomainError(_("港澳台居民居住证号码应以810000、820000或830000开头。"), field=field)
    if ric.calc_check_digit(number) != number[17]:
        raise DomainError(_("居住证号码校验位不正确，请核对最后一位。"), field=field)
    try:
        born = dt.datetime.strptime(number[6:14], "%Y%m%d").date()
    except ValueError:
        raise DomainError(_("居住证号码中的出生日期不是有效日期。"), field=field) from None
    _check_agreement(number, born, birth_date=birth_date, gender=gender, today=today, field=field)
    return number


def _check_agreement(number: str, born: dt.date, *, birth_date, gender, today, field) -> None:
    if born > (today or dt.date.today()):
        raise DomainError(_("证件号码中的出生日期在未来。"), field=field)
    if birth_date is not None and born != birth_date:
        raise DomainError(
            _("证件号码中的出生日期（%(in_number)s）与填写的出生日期（%(recorded)s）不一致。")
            % {"in_number": f"{born:%Y-%m-%d}", "recorded": f"{birth_date:%Y-%m-%d}"},
            field=field,
        )
    if gender in ("M", "F"):
        id_gender = "M" if int(number[16]) % 2 == 1 else "F"
        if id_gender != gender:
            raise DomainError(_("证件号码中的性别与填写的性别不一致。"), field=field)


def birth_date_from_id(number: str) -> dt.date:
    return ric.get_birth_date(normalize_id_number(number))


@functools.lru_cache(maxsize=4096)
def _mobile_block_valid(block: str) -> bool:
    """Whether 11-digit numbers starting with this 7-digit block are mobile numbers. libphonenumber's
    Chinese mobile ranges are decided by at most the first five digits, so one parse per block answers for
    all 10,000 numbers in it; tests/test_identity.py checks this against a full parse."""
    try:
        _check_mobile_parsed(block + "0000", field="phone")
    except DomainError:
        return False
    return True


def check_mobile(value: str, *, field: str = "phone") -> str:
    """Validate a mainland mobile number; returns the 11 digits (+86, spaces and hyphens stripped)."""
    raw = _ascii(value)
    if not raw:
        return ""
    if len(raw) == 11 and raw.isdigit() and raw.isascii():
        if _mobile_block_valid(raw[:7]):
            return raw
        raise DomainError(_("手机号码无效：应为以13–19开头的11位号码。"), field=field)
    return _check_mobile_parsed(raw, field=field)


def _check_mobile_parsed(raw: str, *, field: str) -> str:
    try:
        parsed = phonenumbers.parse(raw, "CN")
    except phonenumbers.NumberParseException:
        raise DomainError(
            _("手机号码格式不正确：请填写11位手机号，例如 13812345678。"), field=field
        ) from None
    national = str(parsed.national_number)
    if (
        parsed.country_code != 86
        or len(national) != 11
        or not national.startswith("1")
        or national[1] not in "3456789"
        or phonenumbers.number_type(parsed)
        not in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    ):
        raise DomainError(_("手机号码无效：应为以13–19开头的11位号码。"), field=field)
    return national


def mask_id_number(number: str) -> str:
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_phone(number: str) -> str:
    if not number:
        return ""
    if len(number) < 7:
        return "*" * len(number)
    return number[:3] + "*" * (len(number) - 7) + number[-4:]


def mask_minor_name(name: str) -> str:
    return (name[:1] + "*") if name else ""
