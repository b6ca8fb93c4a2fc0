"""A ledger's headers in the many ways committees write them map onto Linli's columns; a duplicate or a
missing required column is refused before a single row is read."""

import pytest

from linli.core.errors import DomainError
from linli.registry.ledger.columns import RESIDENT_COLUMNS, header_find, header_map, header_text


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("身份证号", "id_number"),
        ("公民身份号码", "id_number"),
        ("身份证号码", "id_number"),
        (" 身份证 号 ", "id_number"),
        ("身份证号（18位）", "id_number"),
        ("联系电话", "phone"),
        ("手机号码", "phone"),
        ("手机", "phone"),
        ("单元", "entrance"),
        ("门洞", "entrance"),
        ("楼号", "building"),
        ("楼栋", "building"),
        ("幢号", "building"),
        ("室号", "flat"),
        ("房号", "flat"),
        ("*姓名", "name"),
        ("姓名：", "name"),
        ("出生日期(必填)", "birth_date"),
        ("出生年月", "birth_date"),
        ("与户主关系", "relation"),
        ("户籍性质", "registration_type"),
        ("入党时间", "party_joined"),
        ("转正时间", "party_full_member"),
        ("所在党支部", "party_branch"),
    ],
)
def test_header_variants_map_to_one_column(written, key):
    required = {"name": "姓名", "building": "楼号", "flat": "室号"}
    headers = [written if k == key else h for k, h in required.items()]
    if key not in required:
        headers.append(written)
    assert key in header_map(headers, RESIDENT_COLUMNS).index


def test_full_width_and_spaces_are_folded():
    assert header_text("　姓 名　") == header_text("姓名") == "姓名"
    assert header_text("（必填）出生日期") == "出生日期"


def test_unknown_headers_are_kept_aside_and_numbering_columns_ignored_quietly():
    mapped = header_map(["序号", "姓名", "楼号", "室号", "鞋码"], RESIDENT_COLUMNS)
    assert mapped.ignored == ["鞋码"]
    assert mapped.index == {"name": 1, "building": 2, "flat": 3}


def test_the_same_column_twice_is_refused_naming_both():
    with pytest.raises(DomainError) as caught:
        header_map(["姓名", "身份证号", "公民身份号码", "楼号", "室号"], RESIDENT_COLUMNS)
    assert "“身份证号”和“公民身份号码”是同一列" in caught.value.message


def test_every_missing_required_column_is_named():
    with pytest.raises(DomainError) as caught:
        header_map(["姓名", "性别"], RESIDENT_COLUMNS)
    messages = caught.value.errors["__all__"]
    assert any("缺少“楼号”" in m for m in messages) and any("缺少“室号”" in m for m in messages)


def test_the_header_row_is_found_below_a_title():
    rows = [["测试一村居民台账"], [], ["姓名", "性别", "楼号", "室号"], ["张三", "男", "1", "101"]]
    assert header_find(rows, RESIDENT_COLUMNS) == 2
    assert header_find([["张三", "男"]], RESIDENT_COLUMNS) is None
