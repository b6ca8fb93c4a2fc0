"""Pinyin search keys for Chinese names: 赵阿姨 → ("zhaoayi", "zay").

pypinyin reads characters by their most common pronunciation; a handful of surnames are read
differently as surnames (单 shàn, 曾 zēng …), so the first character of a name is looked up here first.
"""

from pypinyin import Style, lazy_pinyin

SURNAME_READINGS = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "盖": "ge",
    "乐": "yue",
    "缪": "miao",
    "覃": "qin",
    "尉": "yu",
    "种": "chong",
    "秘": "bi",
    "折": "she",
    "繁": "po",
    "翟": "zhai",
    "员": "yun",
    "祭": "zhai",
    "牟": "mu",
    "重": "chong",
}
COMPOUND_SURNAMES = {
    "欧阳",
    "司马",
    "上官",
    "诸葛",
    "东方",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "长孙",
    "令狐",
    "夏侯",
}


def name_keys(name: str) -> tuple[str, str]:
    """Full pinyin and initials, lower case, letters only."""
    name = (name or "").strip()
    if not name:
        return "", ""
    syllables: list[str] = []
    rest = name
    if name[:2] in COMPOUND_SURNAMES:
        if name[:2] == "长孙":
            syllables += ["zhang", "sun"]
        else:
            syllables += lazy_pinyin(name[:2])
        rest = name[2:]
    elif name[0] in SURNAME_READINGS:
        syllables.append(SURNAME_READINGS[name[0]])
        rest = name[1:]
    syllables += lazy_pinyin(rest, style=Style.NORMAL, errors="default")
    syllables = ["".join(ch for ch in s.lower() if ch.isalpha() and ch.isascii()) for s in syllables]
    syllables = [s for s in syllables if s]
    return "".join(syllables), "".join(s[0] for s in syllables)
