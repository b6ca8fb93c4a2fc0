"""A searched ID or phone number never enters a URL — where browser history, server access logs and the
Referer header would keep it. The list's search form is POSTed: a search with digits is answered in place
(and with htmx the address pushed has no number), any other search is sent on to its bookmarkable
address; the export buttons carry the list's filters in the body, so a number-filtered list exports too.
"""

import re

import pytest
from django.urls import reverse

from linli.registry.selectors import ResidentFilters
from tests.ledger_files import xlsx_rows

ZHAO_PHONE = "13812345678"
URL_ATTRIBUTES = re.compile(r'\b(?:href|action|formaction|hx-get|hx-post|hx-push-url|src)="([^"]*)"')


def list_url(world) -> str:
    return reverse("resident_list", args=[world.community.pk])


def search(client, world, actor, htmx: bool = False, **data):
    client.force_login(actor)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(list_url(world), data, **headers)


def urls_in(body: str) -> list[str]:
    return URL_ATTRIBUTES.findall(body)


def names(body: str) -> set[str]:
    return {name for name in ("赵阿姨", "钱先生", "孙奶奶", "李大爷", "周阿婆") if name in body}


@pytest.mark.parametrize(
    ("q", "private"),
    [
        (ZHAO_PHONE, True),
        ("138 1234", True),
        ("１３８１２３４５６７８", True),  # full-width digits
        ("310101194803020021", True),
        ("赵1", True),
        ("zay", False),
        ("赵阿姨", False),
        ("", False),
    ],
)
def test_any_digit_keeps_a_search_out_of_urls(q, private):
    assert ResidentFilters(q=q).q_is_private is private


def test_a_name_search_posted_without_javascript_goes_on_to_its_address(client, world):
    response = search(client, world, world.staff, q="zay", building=world.building_1.pk)
    assert response.status_code == 302
    assert response["Location"] == f"{list_url(world)}?q=zay&building={world.building_1.pk}"
    body = client.get(response["Location"]).content.decode()
    assert names(body) == {"赵阿姨"}


@pytest.mark.parametrize("number", ["phone", "id_number"])
def test_a_number_search_is_answered_in_place_with_no_url_holding_it(client, world, number):
    value = getattr(world.zhao, number)
    response = search(client, world, world.staff, q=value)
    assert response.status_code == 200 and not response.has_header("Location")
    body = response.content.decode()
    assert names(body) == {"赵阿姨"} and "共找到 1 位居民" in body
    links = urls_in(body)
    assert links and not [url for url in links if value in url or value[-4:] in url]
    assert f'value="{value}"' in body  # kept in the box and in the export form's body, not in a link


def test_with_htmx_the_pushed_address_has_the_name_but_never_the_number(client, world):
    response = search(client, world, world.staff, htmx=True, q="zay")
    assert response["HX-Push-Url"] == f"{list_url(world)}?q=zay"
    assert names(response.content.decode()) == {"赵阿姨"}

    response = search(client, world, world.staff, htmx=True, q=ZHAO_PHONE, building=world.building_1.pk)
    assert response.status_code == 200 and "<html" not in response.content.decode()
    assert response["HX-Push-Url"] == f"{list_url(world)}?building={world.building_1.pk}"
    body = response.content.decode()
    assert names(body) == {"赵阿姨"}
    assert not [url for url in urls_in(body) if ZHAO_PHONE in url]


def test_a_building_leader_searching_an_id_number_finds_nobody_and_it_stays_out_of_urls(client, world):
    response = search(client, world, world.building_leader, htmx=True, q=world.zhao.id_number)
    assert names(response.content.decode()) == set()
    assert world.zhao.id_number not in response["HX-Push-Url"]


def test_pages_of_a_name_search_posted_with_htmx_keep_its_filters(client, world, settings):
    from tests.factories import ResidentFactory

    settings.PAGE_SIZE = 2
    for _ in range(3):
        ResidentFactory(household=world.own_household, name="赵小" + "一二三"[_])
    response = search(client, world, world.staff, htmx=True, q="赵")
    body = response.content.decode()
    assert "第 1 页，共 2 页" in body  # 赵阿姨 and the three 赵小
    assert "?q=%E8%B5%B5&amp;page=2" in body  # the next page's link carries the search


def test_the_export_buttons_carry_a_number_search_in_the_body(client, world):
    body = search(client, world, world.staff, q=ZHAO_PHONE).content.decode()
    export_url = reverse("resident_export", args=[world.community.pk])
    assert f'action="{export_url}"' in body and 'method="post"' in body
    response = client.post(export_url, {"q": ZHAO_PHONE})
    header, *rows = xlsx_rows(response.content)
    assert [dict(zip(header, row, strict=True))["姓名"] for row in rows] == ["赵阿姨"]


def test_the_full_export_asks_for_a_reason_and_carries_the_number_in_the_body(client, world):
    client.force_login(world.staff)
    url = reverse("resident_export_full", args=[world.community.pk])
    page = client.post(url, {"q": ZHAO_PHONE, "building": world.building_1.pk})
    body = page.content.decode()
    assert page.status_code == 200 and "请写明" not in body  # asked, not refused
    assert f'value="{ZHAO_PHONE}"' in body
    assert not [link for link in urls_in(body) if ZHAO_PHONE in link]
    assert f'href="{list_url(world)}?building={world.building_1.pk}"' in body  # 取消: back, no number
    response = client.post(url, {"q": ZHAO_PHONE, "building": world.building_1.pk, "reason": "电话通知体检"})
    header, *rows = xlsx_rows(response.content)
    (row,) = [dict(zip(header, r, strict=True)) for r in rows]
    assert (row["姓名"], row["手机号码"]) == ("赵阿姨", ZHAO_PHONE)


def test_a_name_filtered_export_still_works_from_its_address(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("resident_export", args=[world.community.pk]), {"q": "zay"})
    header, *rows = xlsx_rows(response.content)
    assert [dict(zip(header, row, strict=True))["姓名"] for row in rows] == ["赵阿姨"]
