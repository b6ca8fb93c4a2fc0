"""The cost pages of a lift project: staff and the building's leader compute the plan on a phone form,
see the table with the policy version and the rule, print the A4 table for signature and publish the
notice; bad input is answered 400 with the message, the previous plan untouched; others see nothing."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse

from linli.deliberation.models import Notice
from linli.elevators.models import CostPlan, CostShare
from linli.elevators.rules_cost import Exemption
from linli.registry.models import Flat
from tests.test_lift_cost_plan import lift_project, save


def form_data(project, **overrides):
    data = {
        "total_cost": "555555.55",
        "eligible_cost": "555555.55",
        "other_funds": "1000.00",
        "other_funds_note": "维修资金",
        "method": "area",
        **{f"coef_{f}": c for f, c in {1: "0", 2: "0", 3: "0.7", 4: "0.8", 5: "0.9", 6: "1.0"}.items()},
    }
    for flat in Flat.objects.filter(entrance=project.entrance):
        data[f"exempt_{flat.pk}"] = ""
        data[f"fund_{flat.pk}"] = ""
        data[f"reason_{flat.pk}"] = ""
    data.update(overrides)
    return data


def test_a_new_plan_form_is_prefilled_with_suggested_coefficients(world, client):
    project = lift_project(world)
    client.force_login(world.staff)
    response = client.get(reverse("lift_cost", args=[project.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for floor in range(1, 7):
        assert f'name="coef_{floor}"' in page
    assert 'name="coef_3" value="0.7"' in page
    assert 'name="coef_6" value="1.0"' in page
    assert re.search(r'<input type="radio" name="method" value="area"[^>]*checked', page)
    assert "发布方案公示" not in page  # nothing to publish before a plan exists


def test_the_leader_saves_and_sees_the_table(world, client):
    project = lift_project(world)
    client.force_login(world.building_leader)
    response = client.post(reverse("lift_cost", args=[project.pk]), form_data(project))
    assert response.status_code == 302
    plan = CostPlan.objects.get(project=project)
    assert plan.computed_by == world.building_leader

    page = client.get(reverse("lift_cost", args=[project.pk])).content.decode()
    assert "民法典第278条（现行）" in page
    assert "222222.22" in page  # the subsidy
    assert str(plan.amount) in page
    for share in plan.shares.select_related("flat"):
        assert str(share.share) in page
    assert plan.rule_text[-1] in page
    assert "发布方案公示" in page  # leaders may publish notices for their own building


def test_bad_input_answers_400_and_keeps_the_previous_plan(world, client):
    project = lift_project(world)
    save(world, project)
    before = list(CostShare.objects.order_by("pk").values_list("pk", "share"))
    client.force_login(world.staff)

    response = client.post(
        reverse("lift_cost", args=[project.pk]), form_data(project, eligible_cost="600000.00")
    )
    assert response.status_code == 400
    assert "可补贴费用不能超过工程总价。" in response.content.decode()

    zero = {f"coef_{f}": "0" for f in range(1, 7)}
    response = client.post(reverse("lift_cost", args=[project.pk]), form_data(project, **zero))
    assert response.status_code == 400
    assert "没有需要分摊的房屋" in response.content.decode()

    flat = Flat.objects.get(entrance=project.entrance, number="501")
    response = client.post(
        reverse("lift_cost", args=[project.pk]), form_data(project, **{f"exempt_{flat.pk}": "fund"})
    )
    assert response.status_code == 400
    assert "501 由基金支付，请写明支付方。" in response.content.decode()

    response = client.post(reverse("lift_cost", args=[project.pk]), form_data(project, total_cost="很多"))
    assert response.status_code == 400

    assert list(CostShare.objects.order_by("pk").values_list("pk", "share")) == before
    assert CostPlan.objects.get(project=project).eligible_cost == Decimal("555555.55")


@pytest.mark.parametrize("role", ["outsider", "volunteer", "resident", "group_leader"])
def test_others_see_nothing(world, client, role):
    project = lift_project(world)
    save(world, project)
    client.force_login(getattr(world, role))
    for name in ("lift_cost", "lift_cost_print"):
        assert client.get(reverse(name, args=[project.pk])).status_code in (403, 404)
    response = client.post(reverse("lift_cost", args=[project.pk]), form_data(project, total_cost="1.00"))
    assert response.status_code in (403, 404)
    assert client.post(reverse("lift_cost_publish", args=[project.pk])).status_code in (403, 404)
    assert CostPlan.objects.get(project=project).total_cost == Decimal("555555.55")
    assert not Notice.objects.exists()


def test_the_print_page_holds_every_share_the_rule_and_the_policy(world, client):
    project = lift_project(world)
    flat = Flat.objects.get(entrance=project.entrance, number="601")
    plan = save(world, project, exemptions={flat.pk: Exemption.paid_by_fund(fund="街道帮困基金")})
    client.force_login(world.building_leader)
    response = client.get(reverse("lift_cost_print", args=[project.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "@page { size: A4" in page
    assert "业主签字" in page
    for share in plan.shares.select_related("flat"):
        assert f"<td>{share.flat.number}</td>" in page
        assert f'<td class="num">{share.share}</td>' in page
    for line in plan.rule_text:
        assert line in page
    assert "民法典第278条（现行）" in page
    assert "由街道帮困基金支付" in page
    assert "日期" in page


def test_staff_publish_the_plan_from_the_page(world, client):
    project = lift_project(world)
    save(world, project)
    client.force_login(world.staff)
    response = client.post(reverse("lift_cost_publish", args=[project.pk]))
    assert response.status_code == 302
    notice = Notice.objects.get()
    project.refresh_from_db()
    assert project.design_notice == notice
    page = client.get(reverse("lift_cost", args=[project.pk])).content.decode()
    assert "公示中" in page
    assert reverse("notice_detail", args=[notice.pk]) in page
    assert "发布方案公示" not in page

    # A second publish of the same plan is refused with a message, not an error page.
    response = client.post(reverse("lift_cost_publish", args=[project.pk]), follow=True)
    assert response.status_code == 200
    assert "该方案已经公示" in response.content.decode()
    assert Notice.objects.count() == 1
