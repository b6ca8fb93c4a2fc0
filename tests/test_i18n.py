"""English as the second language: the switch, the pages and the API in English, Chinese by default, and a
complete English catalogue (linli/locale/en/LC_MESSAGES/django.po)."""

import ast
import gettext
import html
import os
import re
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

import linli

PO = Path(linli.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
SWITCH_WORDS = ("简体中文", "语言 / Language")  # each language's own name, the same on every page
SEARCH_EXAMPLES = ("王阿姨", "“王”")  # the help page shows how to search for a Chinese name


def english(client):
    """Choose English the way a user does: the switch posts to set_language and comes back."""
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def nav(body: str) -> str:
    match = re.search(r'<nav class="site-nav".*?</nav>', body, re.S)
    assert match, "no navigation on the page"
    return match.group(0)


def data_words(world) -> list[str]:
    """The world's own Chinese data (names of people, places, tags, groups): shown as written in any language."""
    words = [r.name for r in world.residents]
    words += [world.street.name, world.other_street.name, world.community.name, world.neighbour.name]
    words += [world.building_1.estate.name, world.group.name, "独居"]
    return sorted(words, key=len, reverse=True)


def chinese_left(body: str, world) -> list[str]:
    """Chinese that is not data nor the switch: an untranslated label. Returns the lines it is on."""
    for word in (*data_words(world), *SWITCH_WORDS, *SEARCH_EXAMPLES):
        body = body.replace(word, "")
    return [line.strip() for line in body.splitlines() if CJK.search(line)]


# ── the sign-in page and the switch ──────────────────────────────────────────────────────────────


def test_without_a_preference_the_pages_are_chinese(client, db):
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-Hans">' in body
    assert "登录邻里" in body and "Sign in to Linli" not in body


def test_sign_in_page_offers_both_languages_as_buttons_that_post(client, db):
    body = client.get(reverse("login")).content.decode()
    form = re.search(r'<form method="post" action="/i18n/setlang/".*?</form>', body, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert f'name="next" value="{reverse("login")}"' in form
    assert 'name="language" value="zh-hans"' in form and ">简体中文</button>" in form
    assert 'name="language" value="en"' in form and ">English</button>" in form
    assert body.count('action="/i18n/setlang/"') == 1  # at the top of the sign-in box, not again below


def test_sign_in_page_in_english_by_the_switch(client, db):
    english(client)
    body = client.get(reverse("login")).content.decode()
    assert '<html lang="en">' in body
    assert "<h1>Sign in to Linli</h1>" in body
    assert "Username" in body and "Password" in body  # Django's own labels follow the language
    assert "登录" not in body


def test_pages_stay_chinese_whatever_the_browser_asks(client, db):
    # Chinese is the first language: an English-language browser alone does not switch a page.
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9").content.decode()
    assert "<h1>登录邻里</h1>" in body and '<html lang="zh-Hans">' in body


def test_the_switch_wins_over_the_browser(client, db):
    english(client)
    body = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9").content.decode()
    assert "<h1>Sign in to Linli</h1>" in body


def test_switching_back_to_chinese(client, db):
    english(client)
    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("login")})
    assert "<h1>登录邻里</h1>" in client.get(reverse("login")).content.decode()


def test_the_switch_does_not_send_anyone_to_another_site(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://example.com/"})
    assert response.status_code == 302 and response["Location"] == "/"


def test_every_signed_in_page_has_the_switch_in_its_footer(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("resident_list", args=[world.community.pk])).content.decode()
    footer = re.search(r'<footer class="site-footer">.*?</footer>', body, re.S).group(0)
    assert 'action="/i18n/setlang/"' in footer
    assert f'name="next" value="{reverse("resident_list", args=[world.community.pk])}"' in footer


# ── the staff pages in English ───────────────────────────────────────────────────────────────────


def test_staff_resident_list_in_english(client, world):
    english(client)
    client.force_login(world.staff)
    body = client.get(reverse("resident_list", args=[world.community.pk])).content.decode()
    assert f"<h1>Residents of {world.community.name}</h1>" in body
    menu = nav(body)
    for label in ("Community overview", "Resident list", "Buildings", "My pages", "Help"):
        assert label in menu
    links = re.findall(r"<a [^>]*>(.*?)</a>", menu)
    assert links and not [link for link in links if CJK.search(link)]
    assert "Residents' committee staff" in html.unescape(body)  # the role under the user's name
    assert "Register a resident" in body and "5 residents found" in body
    assert f"{world.zhao.age()} years old" in body and "Building 1 Entrance 1, Room 101" in body
    assert chinese_left(body, world) == []


def test_staff_resident_list_stays_chinese_without_a_preference(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("resident_list", args=[world.community.pk])).content.decode()
    assert '<html lang="zh-Hans">' in body
    assert f"<h1>{world.community.name}居民名册</h1>" in body
    assert "社区概况" in nav(body) and "居民名册" in nav(body)
    assert "共找到 5 位居民" in body


def test_no_chinese_label_is_left_on_the_english_pages(client, world):
    """Every page a committee uses, in English: whatever Chinese is left must be data, not a label."""
    english(client)
    pages = {
        world.staff: [
            reverse("community_home", args=[world.community.pk]),
            reverse("resident_list", args=[world.community.pk]) + "?include_moved_out=on&q=zay",
            reverse("building_list", args=[world.community.pk]),
            reverse("building_detail", args=[world.building_1.pk]),
            reverse("household_detail", args=[world.own_household.pk]),
            reverse("resident_detail", args=[world.zhao.pk]),
            reverse("resident_detail", args=[world.sun.pk]),
            reverse("resident_create", args=[world.community.pk]),
            reverse("resident_update", args=[world.zhao.pk]),
            reverse("resident_move_out", args=[world.zhao.pk]),
            reverse("help"),
            reverse("logout"),
        ],
        world.street_officer: [reverse("street_overview", args=[world.street.pk])],
        world.volunteer: [reverse("my_tasks")],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert chinese_left(response.content.decode(), world) == [], url


def test_form_errors_and_dates_are_english(client, world):
    english(client)
    client.force_login(world.staff)
    response = client.post(
        reverse("resident_create", args=[world.community.pk]),
        {
            "flat": world.flat_102.pk,
            "name": "冯新来",
            "gender": "M",
            "birth_date": "1956-03-02",
            "id_type": "ric",
            "registration_type": "local",
            "relation": "head",
            "tenure": "owner",
            "phone": "12345",
        },
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Something needs correcting" in body
    assert "The mobile number is not valid" in body
    detail = client.get(reverse("resident_detail", args=[world.zhao.pk])).content.decode()
    assert "2 March 1948" in detail  # the date of birth, in an English date format


# ── the API in English ───────────────────────────────────────────────────────────────────────────


def test_api_422_follows_accept_language(client, world):
    client.force_login(world.staff)
    url = f"/api/v1/communities/{world.community.pk}/residents"
    bad = {"flat_id": world.flat_102.pk, "gender": "M", "birth_date": "1956-13-02", "phone": "12345"}
    response = client.post(url, bad, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    data = response.json()
    assert data["detail"] == "Please correct the marked items."
    assert data["errors"]["name"] == ["Required."]
    assert data["errors"]["birth_date"] == ["Dates must be written as YYYY-MM-DD."]
    # Errors found by the services (DomainError) too, not only by the schema.
    rule = {**bad, "name": "冯新来", "birth_date": "1956-03-02"}
    response = client.post(url, rule, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 422
    assert response.json()["errors"]["phone"] == [
        "The mobile number is not valid: it has 11 digits and starts with 13–19."
    ]
    chinese = client.post(url, bad, content_type="application/json")
    assert chinese.json()["detail"] == "请更正标出的内容。"


def test_api_labels_follow_accept_language(client, world):
    client.force_login(world.staff)
    response = client.get(f"/api/v1/residents/{world.zhao.pk}", HTTP_ACCEPT_LANGUAGE="en")
    data = response.json()
    assert data["gender_label"] == "Female"
    assert data["registration_type_label"] == "Shanghai hukou"
    assert data["flat_label"] == "Entrance 1, Room 101"
    assert client.get(f"/api/v1/residents/{world.zhao.pk}").json()["flat_label"] == "1单元101室"


# ── the catalogue ────────────────────────────────────────────────────────────────────────────────


def po_entries(path: Path = PO) -> list[dict]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr / msgstr[n] (unquoted)."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += ast.literal_eval(line)
            else:
                key, _, value = line.partition(" ")
                entry[key] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def placeholders(text: str) -> set[str]:
    return set(re.findall(r"%\(\w+\)s", text))


def test_every_msgid_has_english_and_none_is_fuzzy():
    entries = [e for e in po_entries() if e["msgid"]]  # the header has the empty msgid
    assert len(entries) > 300
    header = next(e for e in po_entries() if not e["msgid"])
    assert "fuzzy" not in header["flags"] and "Language: en" in header["msgstr"]
    for entry in entries:
        assert "fuzzy" not in entry["flags"], entry["msgid"]
        translations = [v for k, v in entry.items() if k.startswith("msgstr")]
        assert translations and all(t.strip() for t in translations), entry["msgid"]
        for text in translations:
            assert not CJK.search(text.replace("12号", "").replace("王阿姨", "").replace("王", "")), (
                entry["msgid"],
                text,
            )
            assert placeholders(text) == placeholders(entry["msgid"]), entry["msgid"]


def test_the_committed_mo_matches_the_po():
    """The .mo is committed so a machine without gettext serves English: it must not lag the .po."""
    with MO.open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    for entry in po_entries():
        if not entry["msgid"]:
            continue
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, form in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                if context:
                    got = catalog.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                else:
                    got = catalog.ngettext(entry["msgid"], entry["msgid_plural"], n)
                assert got == entry[form], (entry["msgid"], "run `make messages`")
        else:
            got = catalog.pgettext(context, entry["msgid"]) if context else catalog.gettext(entry["msgid"])
            assert got == entry["msgstr"], (entry["msgid"], "run `make messages`")


@pytest.mark.skipif(
    shutil.which("xgettext") is None and not os.environ.get("CI"),
    reason="gettext is not installed (CI installs it, so there this test always runs)",
)
def test_the_catalogue_has_every_string_of_the_code(tmp_path, monkeypatch):
    """Extract the strings again from a copy of the code: a string wrapped since the last `make messages`
    would be served in Chinese to English readers."""
    source = Path(linli.__file__).parent
    copy = tmp_path / "linli"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("locale", "static", "__pycache__", "*.pyc"))
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    shutil.copy(PO, copy / "locale" / "en" / "LC_MESSAGES" / "django.po")
    monkeypatch.chdir(copy)
    with override_settings(LOCALE_PATHS=[copy / "locale"]):
        call_command("makemessages", locale=["en"], no_obsolete=True, add_location="file", verbosity=0)
    extracted = {(e.get("msgctxt"), e["msgid"]) for e in po_entries(copy / "locale/en/LC_MESSAGES/django.po")}
    committed = {(e.get("msgctxt"), e["msgid"]) for e in po_entries()}
    assert extracted - committed == set(), "new strings: run `make messages` and translate them"
    assert committed - extracted == set(), "strings no longer in the code: run `make messages`"
