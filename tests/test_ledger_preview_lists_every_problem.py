"""The preview lists every problem of a ledger at once, with the row as Excel numbers it and the column
as the file names it, in Chinese, by the registry's own rules; and never shows an ID number or phone."""

import datetime as dt

from linli.core.crypto import keyed_hash
from linli.core.identity import mask_id_number
from linli.registry.ledger.checking import residents_check
from tests.factories import make_id_number
from tests.ledger_files import CHEN_ID, FENG_ID, chen, person, table, xlsx


def preview(world, people, **kwargs):
    return residents_check(community=world.community, content=xlsx(table(people)), **kwargs)


def listed(check) -> list[str]:
    return [f"{p.row}|{p.column}|{p.message}" for p in check.problems]


def test_every_mistake_is_listed_with_its_row_and_column(world):
    bad_check_digit = FENG_ID[:-1] + ("1" if FENG_ID[-1] != "1" else "2")
    wu_id = make_id_number(dt.date(1950, 5, 17), "F", seq=90)
    world.wu.id_number, world.wu.id_number_hash = wu_id, keyed_hash(wu_id)  # 吴外区 lives next door
    world.wu.save()
    check = preview(
        world,
        [
            person(身份证号=bad_check_digit),  # row 2
            person(姓名="甲", 身份证号="110105491231002"),  # row 3: 15 digits
            person(姓名="乙", 出生日期="1956.3.3"),  # row 4: the ID says 3月2日
            person(姓名="丙", 身份证号="", 楼号="9"),  # row 5
            person(姓名="丁", 身份证号="", 单元="3"),  # row 6
            person(姓名="戊", 身份证号="", 室号="909"),  # row 7
            chen(),  # row 8
            chen(姓名="陈美华二", 室号="201"),  # row 9: the same ID as row 8
            person(
                姓名="赵阿姨", 身份证号=world.zhao.id_number, 出生日期="1948.3.2", 性别="女"
            ),  # row 10: lives in 101
            person(姓名="己", 身份证号=wu_id, 出生日期="1950.5.17", 性别="女"),  # row 11: lives next door
            person(姓名="庚", 身份证号="", 手机号码="2345"),  # row 12
            person(姓名="辛", 身份证号="", 迁入日期="去年"),  # row 13 — not a column here: see below
            person(姓名="壬", 身份证号="", 户籍类型="外星", 与户主关系="邻居的猫"),  # row 14
        ],
    )
    problems = listed(check)
    expected = [
        "2|身份证号|身份证号校验位不正确，请核对最后一位。",
        "3|身份证号|这是旧的15位身份证号，已不再有效；请填写18位身份证号。",
        "4|身份证号|身份证号中的出生日期（1956年03月02日）与填写的出生日期（1956年03月03日）不一致。",
        "5|楼号|本居民区没有“9”这栋楼。",
        "6|单元|“1”号楼没有3单元。",
        "7|室号|1号楼1单元没有“909”室。",
        "9|身份证号|身份证号与第8行重复。",
        "10|身份证号|此证件号码已登记在住（1号1单元101室），同一人不能同时住在两处；请先办理迁出。",
        "11|身份证号|此证件号码已登记在住（其他居民区），同一人不能同时住在两处；请先办理迁出。",
        "12|手机号码|手机号码无效：应为以13–19开头的11位号码。",
        "14|户籍类型|不认识“外星”，这一列可以填：本市户籍、来沪人员、境外人员。",
        "14|与户主关系|不认识“邻居的猫”，这一列可以填：户主、配偶、子女、父母、孙子女、其他亲属、其他。",
    ]
    for line in expected:
        assert line in problems, f"missing: {line}\nlisted:\n" + "\n".join(problems)
    assert len(problems) == len(expected), "\n".join(problems)
    assert [p.row for p in check.new] == [8, 13]


def test_no_id_number_or_phone_appears_in_clear_anywhere_in_the_preview(world):
    check = preview(world, [person(出生日期="1956.3.3", 手机号码="23900001111"), chen(), chen(姓名="又一个")])
    report = str(check.report())
    for secret in (FENG_ID, CHEN_ID, "23900001111", "13900002222"):
        assert secret not in report
    assert "身份证号与第3行重复" in report


def test_dates_in_a_date_column_are_checked_with_the_column_named(world):
    people = [person(入党时间="1970.2.30"), chen(入党时间="1975.7.1", 政治面貌="群众")]
    headers = ["姓名", "性别", "出生日期", "身份证号", "楼号", "单元", "室号", "政治面貌", "入党时间"]
    check = residents_check(community=world.community, content=xlsx(table(people, headers)))
    assert listed(check) == [
        "2|入党时间|“1970.2.30”不是真实存在的日期（没有2月30日），请核对。",
        "3|政治面貌|政治面貌不是党员，却填了入党或转正时间，请核对。",
    ]


def test_gender_and_birth_date_come_from_the_id_number_when_left_empty(world):
    check = preview(world, [person(性别="", 出生日期=""), chen(出生日期="1962.08")])
    assert listed(check) == []
    feng, chen_ = check.new
    assert (feng.values["gender"], feng.values["birth_date"]) == ("M", dt.date(1956, 3, 2))
    assert chen_.values["birth_date"] == dt.date(1962, 8, 15)


def test_empty_example_and_moved_out_rows_are_skipped_with_a_note(world):
    headers = ["姓名", "性别", "出生日期", "身份证号", "楼号", "单元", "室号", "迁出日期"]
    rows = table(
        [
            person(姓名="（示例）张三"),
            person(),
            {},
            {},
            chen(),
            chen(姓名="周走了", 身份证号="", 迁出日期="2020-1-1"),
        ],
        headers,
    )
    check = residents_check(community=world.community, content=xlsx(rows))
    assert listed(check) == []
    assert [p.name for p in check.new] == ["冯新来", "陈美华"]
    notes = " ".join(n.message for n in check.notes)
    assert "示例行已跳过：第2行" in notes
    assert "空行已跳过：第4、5行" in notes
    assert "没有导入（已迁出的不再登记）：第7行" in notes
    assert check.skipped == 4


def test_a_masked_id_that_is_not_the_registered_one_is_refused(world):
    masked = mask_id_number(FENG_ID)
    check = preview(world, [person(身份证号=masked)])
    assert listed(check) == [
        f"2|身份证号|“{masked}”是遮盖过的号码，不能导入。请填写完整号码；要保持不变，就照导出时的样子不改。"
    ]
