import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core.errors import DomainError
from linli.core.identity import check_id_number, check_mobile, mask_id_number, mask_phone
from tests.factories import make_id_number


def test_gb11643_example_is_valid_and_lower_x_is_upper():
    assert check_id_number("11010519491231002x") == "11010519491231002X"


def test_full_width_digits_are_normalised():
    assert check_id_number("１１０１０５１９４９１２３１００２Ｘ") == "11010519491231002X"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("110105194912310021", "校验位"),
        ("110105491231002", "15位"),
        ("11010519491231002", "18位"),
        ("110105194913310021", "出生日期"),
        ("1101051949123100AX", "格式"),
    ],
)
def test_bad_id_numbers_get_a_chinese_message(number, message):
    with pytest.raises(DomainError) as caught:
        check_id_number(number)
    assert message in caught.value.message


def test_id_birth_date_in_future_is_refused():
    number = make_id_number(dt.date(2030, 1, 1), "M")
    with pytest.raises(DomainError, match="未来"):
        check_id_number(number, today=dt.date(2026, 11, 23))


def test_id_must_agree_with_recorded_birth_date_and_sex():
    number = make_id_number(dt.date(1956, 3, 2), "F")
    assert check_id_number(number, birth_date=dt.date(1956, 3, 2), gender="F") == number
    with pytest.raises(DomainError, match="出生日期"):
        check_id_number(number, birth_date=dt.date(1956, 3, 3))
    with pytest.raises(DomainError, match="性别"):
        check_id_number(number, gender="M")


@given(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.sampled_from("MF"),
    st.integers(0, 400),
)
def test_generated_numbers_validate_and_carry_birth_and_sex(birth, gender, seq):
    number = make_id_number(birth, gender, seq=seq)
    assert check_id_number(number, birth_date=birth, gender=gender, today=dt.date(2026, 1, 1)) == number


@pytest.mark.parametrize(
    "raw", ["13812345678", "+86 138 1234 5678", "0086-138-1234-5678", "１３８１２３４５６７８"]
)
def test_mobile_numbers_are_normalised(raw):
    assert check_mobile(raw) == "13812345678"


@pytest.mark.parametrize("raw", ["12812345678", "1381234567", "021-64381234", "abc", "+1 212 555 0100"])
def test_bad_mobile_numbers_are_refused(raw):
    with pytest.raises(DomainError, match="手机号码"):
        check_mobile(raw)


def test_masks():
    assert mask_id_number("310104195603021234") == "310***********1234"
    assert mask_phone("13812345678") == "138****5678"


def test_hmt_residence_permits_use_their_own_area_codes():
    from stdnum.cn import ric

    from linli.core.identity import check_hmt_permit

    body = "83000019900101002"  # Taiwan, born 1990-01-01, sequence 002 (female)
    number = body + ric.calc_check_digit(body + "0")
    assert check_hmt_permit(number, birth_date=dt.date(1990, 1, 1), gender="F") == number
    with pytest.raises(DomainError, match="810000"):
        check_hmt_permit("310104" + number[6:])
    wrong = body + ("0" if number[-1] != "0" else "1")
    with pytest.raises(DomainError, match="校验位"):
        check_hmt_permit(wrong)
    with pytest.raises(DomainError, match="性别"):
        check_hmt_permit(number, gender="M")


def test_unknown_area_code_is_named():
    from stdnum.cn import ric

    body = "99999919560302001"  # no such area
    with pytest.raises(DomainError, match="地区代码"):
        check_id_number(body + ric.calc_check_digit(body + "0"))


@given(
    st.sampled_from(["310104", "310113", "110105", "999999", "830000"]),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2025, 12, 31)),
    st.integers(0, 999),
    st.sampled_from("0123456789X"),
    st.booleans(),
)
def test_our_fast_check_agrees_with_stdnum(area, born, seq, check, bad_month):
    from stdnum.cn import ric

    body = f"{area}{born:%Y}{'13' if bad_month else f'{born:%m}'}{born:%d}{seq:03d}"
    number = body + check
    try:
        check_id_number(number, today=dt.date(2026, 1, 1))
        ours = True
    except DomainError:
        ours = False
    assert ours == ric.is_valid(number)


@given(st.from_regex(r"1[0-9]{10}", fullmatch=True))
def test_the_mobile_fast_path_agrees_with_a_full_parse(number):
    from linli.core.identity import _check_mobile_parsed

    try:
        slow = _check_mobile_parsed(number, field="phone")
    except DomainError:
        slow = None
    try:
        fast = check_mobile(number)
    except DomainError:
        fast = None
    assert fast == slow
