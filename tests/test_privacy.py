"""Personal data: phone and ID validation, the check character, and the masks."""

from __future__ import annotations

import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinfang_cli.errors import InputError
from xinfang_cli.privacy import (
    id_check_char,
    mask_id_number,
    mask_name,
    mask_phone,
    validate_id_number,
    validate_phone,
)

_HAS_CHINESE = re.compile(r"[\u4e00-\u9fff]")

digit_strings = st.text(alphabet="0123456789", min_size=0, max_size=12)
mobiles = st.builds(
    lambda second, rest: f"1{second}{rest}",
    st.sampled_from("3456789"),
    st.text(alphabet="0123456789", min_size=9, max_size=9),
)
birth_dates = st.dates(min_value=date(1900, 1, 1), max_value=date(2100, 12, 31))
first17s = st.builds(
    lambda area, birth, seq: f"{area}{birth:%Y%m%d}{seq}",
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    birth_dates,
    st.text(alphabet="0123456789", min_size=3, max_size=3),
)


# --- phones ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("13812345678", "13812345678"),
        (" 138 1234 5678 ", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("010-12345678", "010-12345678"),
        ("010 12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("0101234567", "010-1234567"),
        ("021-87654321", "021-87654321"),
        ("0755-1234567", "0755-1234567"),
        ("0755-12345678", "0755-12345678"),
        ("075512345678", "0755-12345678"),
        ("0311 8765432", "0311-8765432"),
    ],
)
def test_valid_phones(text: str, expected: str) -> None:
    assert validate_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12812345678",  # 12x is not a mobile prefix
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",
        "138-1234-567a",
        "010-123456",  # local number too short
        "010-123456789",  # too long
        "010-02345678",  # local number cannot start with 0
        "0755-123456",
        "01-12345678",  # no such area code
        "0100-1234567",  # 010 is three digits, the hyphen is misplaced
        "0101234",
        "+86 010-12345678",
        "12345678",  # no area code
        "010-1234-5678",
        "phone",
    ],
)
def test_bad_phones(text: str) -> None:
    with pytest.raises(InputError) as info:
        validate_phone(text)
    assert f"“{text}”" in info.value.message
    assert _HAS_CHINESE.search(info.value.message)


@given(mobiles)
def test_any_mobile_validates(phone: str) -> None:
    assert validate_phone(phone) == phone
    assert validate_phone(f"{phone[:3]} {phone[3:7]} {phone[7:]}") == phone


@given(digit_strings)
def test_phone_validation_is_total(text: str) -> None:
    # Never crashes with anything but InputError, and what it returns validates again unchanged.
    try:
        normal = validate_phone(text)
    except InputError:
        return
    assert validate_phone(normal) == normal


# --- ID numbers --------------------------------------------------------------------------------


def test_known_id_is_valid() -> None:
    assert id_check_char("11010519491231002") == "X"
    assert validate_id_number("11010519491231002X") == "11010519491231002X"
    assert validate_id_number(" 11010519491231002x ") == "11010519491231002X"
    assert validate_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


def test_id_wrong_length() -> None:
    with pytest.raises(InputError, match="应为18位，实为15位"):
        validate_id_number("110105491231002")


def test_id_not_digits() -> None:
    with pytest.raises(InputError, match="前17位应为数字"):
        validate_id_number("11010519491231A02X")


def test_id_bad_last_char() -> None:
    with pytest.raises(InputError, match="最后一位应为数字或X"):
        validate_id_number("11010519491231002Y")


@pytest.mark.parametrize("birth", ["19490230", "19491331", "18991231", "19490100"])
def test_id_bad_birth_date(birth: str) -> None:
    first17 = f"110105{birth}002"
    with pytest.raises(InputError, match=f"出生日期“{birth}”"):
        validate_id_number(first17 + id_check_char(first17))


def test_id_wrong_check_char_names_expected() -> None:
    with pytest.raises(InputError) as info:
        validate_id_number("110105194912310021")
    assert "校验位应为X" in info.value.message
    assert "“110105194912310021”" in info.value.message


def test_id_check_char_rejects_bad_input() -> None:
    with pytest.raises(InputError):
        id_check_char("1234")


@given(first17s)
def test_computed_check_char_validates(first17: str) -> None:
    check = id_check_char(first17)
    assert check in "0123456789X"
    assert validate_id_number(first17 + check) == first17 + check
    assert validate_id_number(first17 + check.lower()) == first17 + check


@given(first17s, st.sampled_from("0123456789X"))
def test_other_check_char_fails(first17: str, wrong: str) -> None:
    right = id_check_char(first17)
    if wrong == right:
        return
    with pytest.raises(InputError, match=f"校验位应为{right}"):
        validate_id_number(first17 + wrong)


@given(first17s, st.integers(0, 16), st.sampled_from("0123456789"))
def test_single_digit_error_is_caught(first17: str, position: int, digit: str) -> None:
    # MOD 11-2 catches every single-character substitution.
    if first17[position] == digit:
        return
    number = first17 + id_check_char(first17)
    changed = number[:position] + digit + number[position + 1 :]
    with pytest.raises(InputError):
        validate_id_number(changed)


# --- masks -------------------------------------------------------------------------------------


def test_masks_examples() -> None:
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("010-12345678") == "010-****5678"
    assert mask_phone("0755-1234567") == "0755-****4567"
    assert mask_phone(None) == ""
    assert mask_phone("") == ""
    assert mask_id_number("11010519491231002X") == "110105********002X"
    assert mask_id_number(None) == ""
    assert mask_id_number("") == ""
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("张") == "*"
    assert mask_name(None) == ""
    assert mask_name("") == ""


def test_masks_of_unvalidated_values_hide_the_middle() -> None:
    assert mask_phone("12345") == "*****"
    assert mask_phone("138 1234 5678") == "138****5678"
    assert mask_id_number("110105491231002") == "110105*****1002"
    assert mask_id_number("1234") == "****"


@given(mobiles, st.text(alphabet="0123456789", min_size=4, max_size=4))
def test_mobile_mask_hides_middle(phone: str, other_middle: str) -> None:
    masked = mask_phone(phone)
    assert masked == f"{phone[:3]}****{phone[7:]}"
    assert mask_phone(phone[:3] + other_middle + phone[7:]) == masked


@given(
    st.sampled_from(["010", "021", "0755", "0311"]),
    st.text(alphabet="123456789", min_size=1, max_size=1),
    st.text(alphabet="0123456789", min_size=6, max_size=7),
)
def test_landline_mask_hides_middle(area: str, first: str, rest: str) -> None:
    local = first + rest
    masked = mask_phone(f"{area}-{local}")
    assert masked == f"{area}-****{local[-4:]}"
    # Any other leading digits (and length) give the same mask.
    assert mask_phone(f"{area}-9{'0' * (len(local) - 5)}{local[-4:]}") == masked


@given(first17s)
def test_id_mask_hides_birth_date(first17: str) -> None:
    number = first17 + id_check_char(first17)
    masked = mask_id_number(number)
    assert masked == number[:6] + "*" * 8 + number[-4:]
    assert len(masked) == 18
    # Any other birth date gives the same mask: nothing of it leaks.
    other = number[:6] + "19000101" + number[14:]
    assert mask_id_number(other) == masked


@given(st.text(min_size=2, max_size=8).filter(lambda s: s.strip() == s and len(s) >= 2))
def test_name_mask_keeps_only_first_char(name: str) -> None:
    masked = mask_name(name)
    assert masked[0] == name[0]
    assert set(masked[1:]) == {"*"}
    assert len(masked) == len(name)
