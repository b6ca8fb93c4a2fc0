"""How ledgers write things: the words for each option (性别, 户籍类型, 与户主关系 …), and building,
entrance and flat numbers in their usual forms (12号楼, 十二幢, 2单元, 301室).

The words are the file format, Chinese whatever the page's language; the model's own labels in the
page's language and its stored values are accepted too (`vocabulary`). Pure functions and tables.
"""

from __future__ import annotations

import re
import unicodedata

from linli.registry.models import IdType, RegistrationType, Relation, Tenure

# The words committees write for each option. The model's own labels (in the page's language) and
# values are accepted too (see `vocabulary`).
GENDER_WORDS = {"男": "M", "男性": "M", "女": "F", "女性": "F"}
ID_TYPE_WORDS = {
    "身份证": IdType.RESIDENT_ID,
    "居民身份证": IdType.RESIDENT_ID,
    "二代身份证": IdType.RESIDENT_ID,
    "港澳台居民居住证": IdType.HMT_PERMIT,
    "港澳居民居住证": IdType.HMT_PERMIT,
    "台湾居民居住证": IdType.HMT_PERMIT,
    "外国人永久居留身份证": IdType.FOREIGN_PR,
    "外国人永久居留证": IdType.FOREIGN_PR,
    "永久居留身份证": IdType.FOREIGN_PR,
    "护照": IdType.PASSPORT,
}
REGISTRATION_WORDS = {
    "本市户籍": RegistrationType.LOCAL,
    "本市": RegistrationType.LOCAL,
    "沪籍": RegistrationType.LOCAL,
    "上海户籍": RegistrationType.LOCAL,
    "户籍人口": RegistrationType.LOCAL,
    "本市户口": RegistrationType.LOCAL,
    "来沪人员": RegistrationType.MIGRANT,
    "来沪": RegistrationType.MIGRANT,
    "外来人员": RegistrationType.MIGRANT,
    "外来人口": RegistrationType.MIGRANT,
    "流动人口": RegistrationType.MIGRANT,
    "非沪籍": RegistrationType.MIGRANT,
    "外省市": RegistrationType.MIGRANT,
    "外地": RegistrationType.MIGRANT,
    "境外人员": RegistrationType.OVERSEAS,
    "境外": RegistrationType.OVERSEAS,
    "港澳台": RegistrationType.OVERSEAS,
    "港澳台人员": RegistrationType.OVERSEAS,
    "外籍": RegistrationType.OVERSEAS,
    "外籍人员": RegistrationType.OVERSEAS,
}
RELATION_WORDS = {
    **dict.fromkeys(("户主", "本人"), Relation.HEAD),
    **dict.fromkeys(("配偶", "妻", "妻子", "夫", "丈夫", "老伴"), Relation.SPOUSE),
    **dict.fromkeys(
        ("子女", "子", "女", "儿子", "女儿", "长子", "长女", "次子", "次女", "养子", "养女", "继子", "继女"),
        Relation.CHILD,
    ),
    **dict.fromkeys(("父母", "父亲", "母亲", "父", "母"), Relation.PARENT),
    **dict.fromkeys(("孙子女", "孙子", "孙女", "外孙", "外孙子", "外孙女"), Relation.GRANDCHILD),
    **dict.fromkeys(
        (
            "其他亲属",
            "亲属",
            "儿媳",
            "女婿",
            "兄弟姐妹",
            "兄弟",
            "姐妹",
            "兄",
            "弟",
            "姐",
            "妹",
            "公公",
            "婆婆",
            "岳父",
            "岳母",
            "祖父母",
            "外祖父母",
            "侄子",
            "侄女",
            "外甥",
            "外甥女",
        ),
        Relation.OTHER_RELATIVE,
    ),
    **dict.fromkeys(("其他", "租客", "保姆", "同住", "非亲属"), Relation.OTHER),
}
TENURE_WORDS = {
    **dict.fromkeys(("自有住房", "自有", "自住", "产权房", "商品房", "自购"), Tenure.OWNER),
    **dict.fromkeys(("租住", "租房", "租赁", "承租", "租户"), Tenure.TENANT),
    **dict.fromkeys(("公房承租", "公房", "承租公房", "公租房"), Tenure.PUBLIC),
    "其他": Tenure.OTHER,
}
PARTY_MEMBER, PARTY_PROBATIONARY, PARTY_NONE = "member", "probationary", "none"
PARTY_WORDS = {
    **dict.fromkeys(("中共党员", "党员", "共产党员", "中国共产党党员"), PARTY_MEMBER),
    **dict.fromkeys(("中共预备党员", "预备党员"), PARTY_PROBATIONARY),
    **dict.fromkeys(
        (
            "群众",
            "共青团员",
            "团员",
            "无",
            "无党派",
            "无党派人士",
            "民主党派",
            "民革党员",
            "民盟盟员",
            "民建会员",
            "民进会员",
            "农工党党员",
            "致公党党员",
            "九三学社社员",
            "台盟盟员",
        ),
        PARTY_NONE,
    ),
}
TAG_SEPARATORS = re.compile(r"[、，,；;/\s]+")
CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}


def fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().replace(" ", "")


def cn_number(text: str) -> int | None:
    """十二 → 12, 3 → 3 (small numbers as building and entrance numbers are written); None otherwise."""
    if text.isdigit():
        return int(text)
    if not text or any(c not in CN_DIGITS and c != "十" for c in text):
        return None
    if "十" not in text:
        return int("".join(str(CN_DIGITS[c]) for c in text)) if len(text) <= 3 else None
    tens, _sep, ones = text.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (CN_DIGITS[tens] if tens else 1) * 10 + (CN_DIGITS[ones] if ones else 0)


def building_key(text: str) -> str:
    text = re.sub(r"(号楼|号|幢|栋|楼)$", "", fold(text))
    number = cn_number(text)
    return str(number) if number is not None else text.upper()


def entrance_key(text: str) -> int | None:
    text = re.sub(r"(单元|门洞|号门|门|号)$", "", fold(text))
    return cn_number(text)


def flat_key(text: str) -> str:
    text = re.sub(r"(室|号)$", "", fold(text)).upper()
    return str(int(text)) if text.isdigit() else text


def vocabulary(words: dict, choices) -> dict[str, str]:
    found = {fold(k).lower(): v for k, v in words.items()}
    for value, label in choices:
        found.setdefault(fold(str(label)).lower(), value)
        found.setdefault(str(value).lower(), value)
    return found
