"""Personal data: validating phone and ID numbers into one stored form, and masking them for display.

Owns the personal-data rules of docs/privacy.md: mobile numbers (11 digits, 1[3-9]…), landlines
(``0xx-xxxxxxxx``), resident ID numbers (18 characters, GB 11643 / ISO 7064 MOD 11-2 check
character) and the masks shown by default (``138****5678``, ``010-****5678``,
``110105********002X``, ``张*``). Recording who revealed what is the ledger's job, not this
module's. No clock: an ID's birth date is checked to be a real date from 1900 on, not against today.

Landline area codes follow the national plan, which makes them prefix-free: ``010`` and ``02x``
are three digits, every other code (``0[3-9]xx``) four. So a landline typed without a hyphen
(``01012345678``, ``075512345678``) splits in exactly one way and is accepted; one typed with a
hyphen or space must put it right after such an area code. The local number is 7–8 digits not
starting with 0.
"""

from __future__ import annotations

import calendar
import re

from .errors import InputError
from .text import half_width

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
MIN_BIRTH_YEAR = 1900

_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_AREA_CODE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")
_LOCAL_NUMBER = re.compile(r"[1-9][0-9]{6,7}")
_SEPARATORS = re.compile(r"[\s\-]+")
_COUNTRY_CODE = re.compile(r"(?:\+|00)\s*86[\s\-]*")

_PHONE_HINT = (
    "可用格式：手机号如13812345678（11位，以13～19开头），固定电话如010-12345678、0755-1234567"
)


def _phone_error(text: str, reason: str = "") -> InputError:
    detail = f"：{reason}" if reason else ""
    return InputError(f"无法识别的电话号码“{text}”{detail}。{_PHONE_HINT}。")


def _area_code_length(digits: str) -> int:
    """Length of the area code a landline's digits start with (0 if none fits)."""
    m = _AREA_CODE.match(digits)
    return len(m.group(0)) if m else 0


def validate_phone(text: str) -> str:
    """Validate a phone number and return its stored form, or raise InputError.

    Mobile: spaces/hyphens and a ``+86``/``0086`` prefix are dropped → ``13812345678``.
    Landline: ``010-12345678``, ``0755 1234567`` or ``01012345678`` → ``010-12345678``.
    """
    raw = text.strip()
    s = half_width(text)
    if not s:
        raise _phone_error(raw, "号码为空")
    international = _COUNTRY_CODE.match(s)
    if international:
        s = s[international.end() :]
    digits = _SEPARATORS.sub("", s)
    if not digits.isascii() or not digits.isdigit():
        raise _phone_error(raw, "只能包含数字、空格和连字符")
    if _MOBILE.fullmatch(digits):
        return digits
    if international:
        raise _phone_error(raw, "+86 后应为11位手机号")
    if digits.startswith("1"):
        raise _phone_error(raw, f"手机号应为11位，实为{len(digits)}位")
    if not digits.startswith("0"):
        raise _phone_error(raw, "固定电话应带区号")
    parts = _SEPARATORS.split(s)
    if len(parts) == 1:
        area_len = _area_code_length(digits)
        area, local = digits[:area_len], digits[area_len:]
    elif len(parts) == 2:
        area, local = parts
    else:
        raise _phone_error(raw)
    if not area or not _AREA_CODE.fullmatch(area):
        raise _phone_error(raw, "区号有误")
    if not _LOCAL_NUMBER.fullmatch(local):
        raise _phone_error(raw, "区号后的号码应为7～8位")
    return f"{area}-{local}"


def id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of an ID number."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise InputError(f"身份证号前17位应为数字：“{first17}”。")
    total = sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def validate_id_number(text: str) -> str:
    """Validate an 18-character resident ID number; return it with an uppercase ``X``.

    Checks, in order: length, 17 digits + digit/X, the birth date (a real date, year ≥ 1900),
    the check character. The error names the first thing that is wrong.
    """
    raw = text.strip()
    s = half_width(text).upper()
    prefix = f"身份证号“{raw}”有误："
    if len(s) != 18:
        raise InputError(f"{prefix}应为18位，实为{len(s)}位。")
    if not s[:17].isascii() or not s[:17].isdigit():
        raise InputError(f"{prefix}前17位应为数字。")
    last = s[17]
    if last not in "0123456789X":
        raise InputError(f"{prefix}最后一位应为数字或X。")
    birth = s[6:14]
    year, month, day = int(birth[:4]), int(birth[4:6]), int(birth[6:])
    if (
        year < MIN_BIRTH_YEAR
        or not 1 <= month <= 12
        or not 1 <= day <= calendar.monthrange(year, month)[1]
    ):
        raise InputError(f"{prefix}出生日期“{birth}”不是有效日期。")
    expected = id_check_char(s[:17])
    if last != expected:
        raise InputError(f"{prefix}校验位应为{expected}，实为{last}。")
    return s


def mask_phone(phone: str | None) -> str:
    """``13812345678`` → ``138****5678``; ``010-12345678`` → ``010-****5678``; none → ``""``.

    A value that is not a valid number (legacy data) keeps at most its first 3 and last 4
    characters, and is fully masked when it is too short for that to hide anything.
    """
    if not phone:
        return ""
    try:
        normal = validate_phone(phone)
    except InputError:
        s = phone.strip()
        if len(s) >= 11:
            return s[:3] + "*" * (len(s) - 7) + s[-4:]
        return "*" * len(s)
    if "-" in normal:
        area, local = normal.split("-")
        return f"{area}-****{local[-4:]}"
    return f"{normal[:3]}****{normal[-4:]}"


def mask_id_number(idn: str | None) -> str:
    """``11010519491231002X`` → ``110105********002X`` (area and last 4 shown); none → ``""``.

    Any other length (e.g. an old 15-digit number) keeps the first 6 and last 4 when at least
    one character is left to hide, otherwise is fully masked.
    """
    if not idn:
        return ""
    s = idn.strip()
    if len(s) > 10:
        return s[:6] + "*" * (len(s) - 10) + s[-4:]
    return "*" * len(s)


def mask_name(name: str | None) -> str:
    """``张三`` → ``张*``, ``欧阳娜娜`` → ``欧***``, a single character → ``*``; none → ``""``."""
    if not name:
        return ""
    s = name.strip()
    if len(s) <= 1:
        return "*" * len(s)
    return s[0] + "*" * (len(s) - 1)
