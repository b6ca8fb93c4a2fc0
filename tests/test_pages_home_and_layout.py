"""Sign-in, the landing redirect by role, and the layout every page shares."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from linli.core.models import Role
from tests.conftest import PASSWORD
from tests.factories import UserFactory, grant


def test_login_page_is_in_chinese_and_labels_its_inputs(client, db):
    response = client.get(reverse("login"))
    body = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in body
    assert "登录邻里" in body
    assert '<label for="id_username">' in body and '<label for="id_password">' in body


def test_signing_in_lands_on_the_role_page(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("community_home", args=[world.community.pk])


def test_wrong_password_stays_on_the_login_page_with_a_message(client, world):
    response = client.post(reverse("login"), {"username": "staff", "password": "wrong-password"})
    assert response.status_code == 200
    assert "请输入一个正确的" in response.content.decode()


def test_anonymous_home_goes_to_sign_in(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_home_redirects_each_role(client, world):
    expected = {
        "staff": reverse("community_home", args=[world.community.pk]),
        "building_leader": reverse("community_home", args=[world.community.pk]),
        "group_leader": reverse("group_detail", args=[world.group.pk]),
        "street_officer": reverse("street_overview", args=[world.street.pk]),
        "resident": reverse("household_detail", args=[world.own_household.pk]),
        "volunteer": reverse("my_tasks"),
        "outsider": reverse("community_home", args=[world.neighbour.pk]),
    }
    for role, url in expected.items():
        client.force_login(getattr(world, role))
        response = client.get(reverse("home"))
        assert response.status_code == 302, role
        assert response["Location"] == url, role
        assert client.get(url).status_code == 200, role


def test_home_picks_the_broadest_of_several_roles(client, world):
    grant(world.resident, Role.STAFF, community=world.community)
    client.force_login(world.resident)
    response = client.get(reverse("home"))
    assert response["Location"] == reverse("community_home", args=[world.community.pk])


def test_user_without_a_role_is_told_whom_to_ask(client, db):
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "还没有分配角色" in response.content.decode()


def test_volunteer_task_page_says_tasks_come_later(client, world):
    client.force_login(world.volunteer)
    body = client.get(reverse("my_tasks")).content.decode()
    assert "我的任务" in body and "后续" in body


def test_layout_has_landmarks_skip_link_and_local_htmx(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("help")).content.decode()
    assert '<html lang="zh-Hans">' in body
    assert 'class="skip-link" href="#main"' in body
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in body, landmark
    assert "/static/linli/vendor/htmx-2.0.11.min.js" in body
    assert "/static/linli/css/linli.css" in body
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
    assert "http://" not in body and "https://" not in body  # nothing fetched from elsewhere


def test_nav_shows_name_roles_links_by_role_and_a_post_sign_out(client, world):
    client.force_login(world.staff)
    body = client.get(reverse("help")).content.decode()
    assert "staff" in body and "居委干部" in body
    assert reverse("resident_list", args=[world.community.pk]) in body
    assert reverse("building_list", args=[world.community.pk]) in body
    assert f'<form method="post" action="{reverse("logout")}"' in body

    client.force_login(world.resident)
    body = client.get(reverse("help")).content.decode()
    assert reverse("household_detail", args=[world.own_household.pk]) in body
    assert reverse("resident_list", args=[world.community.pk]) not in body


def test_help_page_makes_only_the_layouts_queries(client, world):
    """The benchmark's floor page: session, user, the user's roles and the nav's community names."""
    client.force_login(world.building_leader)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("help"))
    assert response.status_code == 200
    assert "使用帮助" in response.content.decode()
    domain = ("registry_resident", "registry_household", "registry_flat", "registry_entrance")
    # The scope's one grant query reads the leader's own resident record (linli.core.scope): not domain data.
    layout = [q["sql"] for q in queries if "grant_role" not in q["sql"]]
    assert not [sql for sql in layout if any(table in sql for table in domain)]
    assert len(queries) <= 5, [q["sql"] for q in queries]


def test_sign_out_is_a_post_and_a_get_asks_first(client, world):
    client.force_login(world.staff)
    response = client.get(reverse("logout"))
    assert response.status_code == 200 and "确定要退出吗" in response.content.decode()
    assert client.get(reverse("help")).status_code == 200  # still signed in
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("help")).status_code == 302  # signed out: sent to sign in
