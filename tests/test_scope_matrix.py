"""Every role × every page and API path: nothing outside the role's scope is ever returned.

The matrix is built by walking the URL conf and the OpenAPI schema, so a page or endpoint added later
joins it without anyone remembering to. A new URL parameter name fails the walk until the table of
sample objects below learns it.

For each role and each URL, with every sample object substituted for the URL's parameters:
- an object outside the role's scope gives 403 or 404 (GET and POST), never a page;
- no response ever contains the name of a resident the role may not see (tests/conftest.py VISIBLE);
- no response is a server error;
- anonymous users are sent to sign in (pages) or get 401 (API).
The positive side — each role does see what it should — is checked at the end for the main pages.
"""

import datetime as dt
import itertools
import json

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from linli.registry.models import Consent, ImportJob
from tests.conftest import ALL_NAMES, VISIBLE

ROLES = sorted(VISIBLE)
SKIPPED_NAMESPACES = {"admin", "api"}  # the admin is for superusers; the API is walked through its schema
# set_language is Django's language switch: anyone may use it (the sign-in page has it), and it only
# sets a cookie and redirects back, never to the sign-in page.
PUBLIC_PAGES = {"login", "help", "set_language", "healthz"}
# The residents' portal signs in by SMS code or household invitation code (linli/portal): its sign-in
# pages are public, and its other pages send a visitor there rather than to the staff login.
PUBLIC_PAGES |= {"portal_sign_in", "portal_sign_in_code", "portal_invite", "portal_choose"}
SIGN_IN_PAGES = ("/accounts/login/", "/portal/sign-in/")


def page_routes() -> list[tuple[str, list[str]]]:
    """(url name, parameter names) for every named page outside the skipped namespaces."""
    found = []

    def walk(patterns, namespace):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = p.namespace or namespace
                if ns in SKIPPED_NAMESPACES:
                    continue
                walk(p.url_patterns, ns)
            elif isinstance(p, URLPattern):
                assert p.name, f"every page needs a URL name to join the scope matrix: {p.pattern}"
                name = f"{namespace}:{p.name}" if namespace else p.name
                found.append((name, sorted(p.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def samples(world) -> dict[str, list[tuple[object, set[str]]]]:
    """For each URL parameter name: sample objects and the roles that may see each one."""
    staff_leader_group = {"staff", "building_leader", "group_leader"}
    return {
        "community_id": [
            (world.community, staff_leader_group),
            (world.neighbour, {"outsider"}),
            (world.far, set()),
        ],
        "street_id": [(world.street, {"street_officer"}), (world.other_street, set())],
        "building_id": [
            (world.building_1, {"staff", "building_leader"}),
            (world.building_2, {"staff"}),
            (world.wu.household.flat.building, {"outsider"}),
            (world.zheng.household.flat.building, set()),
        ],
        "household_id": [
            (world.own_household, {"staff", "building_leader", "resident"}),
            (world.sun.household, {"staff", "building_leader"}),
            (world.li.household, {"staff"}),
            (world.wu.household, {"outsider"}),
            (world.zheng.household, set()),
        ],
        "resident_id": [
            (r, {role for role, names in VISIBLE.items() if r.name in names}) for r in world.residents
        ],
        # A consent is seen where its person's record is kept: staff, the building's leaders, the
        # household; never a group leader (li is in the group, his consent is not the group's business).
        "consent_id": [
            (_consent(world, world.zhao), {"staff", "building_leader", "resident"}),
            (_consent(world, world.li), {"staff"}),
            (_consent(world, world.wu), {"outsider"}),
            (_consent(world, world.zheng), set()),
        ],
        # A ledger import belongs to its community's staff, who alone may import (registry/ledger/).
        "job_id": [
            (_import_job(world, world.community), {"staff"}),
            (_import_job(world, world.neighbour), {"outsider"}),
            (_import_job(world, world.far), set()),
        ],
        # A notification is its recipient's alone (notifications/selectors.py). Job runs are committee
        # staff's: their community's, and the shared ones (no community) with notes about their own only.
        "notification_id": [(_notification(world, role), {role}) for role in sorted(VISIBLE)],
        "run_id": [
            (_job_run(world, world.community), {"staff"}),
            (_job_run(world, None), {"staff", "outsider"}),
            (_job_run(world, world.neighbour), {"outsider"}),
            (_job_run(world, world.far), set()),
        ],
        # Organisation (organizing/groups): a group is its staff's and its leaders'; a membership period
        # is seen through its group; a building group is its building's (staff, the building's leaders).
        "group_id": [
            (world.group, {"staff", "group_leader"}),
            (_organizing(world)["other_group"], {"staff"}),
            (_organizing(world)["neighbour_group"], {"outsider"}),
            (_organizing(world)["far_group"], set()),
        ],
        "member_id": [
            (world.li.group_memberships.get(), {"staff", "group_leader"}),
            # 周阿婆 left the 暖心组: her past period is the committee's record, not the group leader's.
            (_organizing(world)["zhou_past"], {"staff"}),
            (_organizing(world)["neighbour_member"], {"outsider"}),
            (_organizing(world)["far_member"], set()),
        ],
        "building_group_id": [
            (world.building_group, {"staff", "building_leader"}),
            (_organizing(world)["building_2_group"], {"staff"}),
            (_organizing(world)["neighbour_building_group"], {"outsider"}),
            (_organizing(world)["far_building_group"], set()),
        ],
        "branch_id": [
            (_organizing(world)["branch"], {"staff"}),
            (_organizing(world)["neighbour_branch"], {"outsider"}),
            (_organizing(world)["far_branch"], set()),
        ],
        # An in-service party member (双报到) is the community's staff's register alone (rules_party.py).
        "in_service_id": [
            (_in_service(world, world.community), {"staff"}),
            (_in_service(world, world.neighbour), {"outsider"}),
            (_in_service(world, world.far), set()),
        ],
        # Volunteers (organizing/rules_volunteers.py): staff, the leaders of the volunteer's group, the
        # leaders of the building they live in (not their hours), and the volunteer through their sign-in.
        "volunteer_id": [(v, roles) for v, _r, _d, roles, _ in _volunteering(world)],
        # Hours: no building leader; duties: as the volunteer.
        "record_id": [(r, roles - {"building_leader"}) for _v, r, _d, roles, _ in _volunteering(world)],
        "duty_id": [(d, roles) for _v, _r, d, roles, _ in _volunteering(world)],
        # Conventions and notices (deliberation/rules_conventions.py): staff; the leaders of the buildings
        # they cover; residents of a covered household (API and portal; staff pages are 404 to them).
        **_conventions_and_notices(world),
        # Meetings (deliberation/rules_meetings.py): staff; a building leader for their buildings' meetings.
        # 李大爷 (group_leader) lives in building 2: he may open its meeting's QR sign-in page himself.
        "meeting_id": [(m, roles) for m, _t, roles in _meetings(world)],
        "task_id": [(t, roles - {"group_leader"}) for _m, t, roles in _meetings(world)],
        # Consultations (deliberation/rules_votes.py): staff; the community's building and group leaders
        # (doorstep ballots for their own voters); a voter sees the ones they are in (the resident actor
        # is in none). A voter's ballot page: staff, or the leader whose scope covers the voter.
        "consultation_id": [(c, roles) for c, roles in _votes(world)["consultations"]],
        "voter_id": _votes(world)["voters"],
        "ballot_id": _votes(world)["ballots"],
        # The lift app (elevators/rules.py): staff; the leaders of the project's building. Each lift area
        # brings its own samples in tests/scope_samples_lift_<area>.py.
        **_lift_samples(world),
    }


def _lift_samples(world) -> dict:
    import importlib
    import pathlib

    merged = {}
    for path in sorted(pathlib.Path(__file__).parent.glob("scope_samples_lift_*.py")):
        module = importlib.import_module(f"tests.{path.stem}")
        merged.update(module.samples(world))
    return merged


def _votes(world) -> dict:
    """An open consultation in each community (the far one a draft), voters and a ballot; made once."""
    made = world.__dict__.get("_matrix_votes")
    if made is not None:
        return made
    from django.utils import timezone

    from linli.deliberation.models import Ballot, Consultation, Voter

    def consultation(community, status="open"):
        now = timezone.now()
        return Consultation.objects.create(
            community=community,
            title="意见征询",
            opens_at=now,
            closes_at=now + dt.timedelta(days=7),
            status=status,
            opened_at=now if status == "open" else None,
        )

    def voter(c, resident):
        flat = resident.household.flat
        return Voter.objects.create(
            community=c.community,
            consultation=c,
            resident=resident,
            household=resident.household,
            flat=flat,
            building_id=flat.building_id,
        )

    here, there, far = (
        consultation(world.community),
        consultation(world.neighbour),
        consultation(world.far, "draft"),
    )
    zhao, li, wu = voter(here, world.zhao), voter(here, world.li), voter(there, world.wu)
    zheng = voter(far, world.zheng)
    ballots = [
        Ballot.objects.create(community=c.community, consultation=c, voter=v, method="online", recorded_by=u)
        for c, v, u in ((here, zhao, world.staff), (there, wu, world.outsider))
    ]
    made = world.__dict__["_matrix_votes"] = {
        "consultations": [
            (here, {"staff", "building_leader", "group_leader"}),
            (there, {"outsider"}),
            (far, set()),
        ],
        "voters": [
            (zhao, {"staff", "building_leader"}),
            (li, {"staff", "group_leader"}),
            (wu, {"outsider"}),
            (zheng, set()),
        ],
        "ballots": [(ballots[0], {"staff"}), (ballots[1], {"outsider"})],
    }
    return made


def _meetings(world) -> list:
    """(meeting, follow-up task, roles) per sample, made once per world: a building-1 meeting with 赵阿姨
    invited, a building-2 one, a community-level one, one in each other community."""
    made = world.__dict__.get("_matrix_meetings")
    if made is not None:
        return made
    from django.utils import timezone

    from linli.deliberation.models import FollowUpTask, Invitee, Meeting

    def meeting(community, roles, buildings=(), invite=()):
        level = "building" if buildings else "community"
        m = Meeting.objects.create(
            community=community, level=level, title="议事会", starts_at=timezone.now(), place="活动室"
        )
        m.buildings.set(buildings)
        for resident in invite:
            Invitee.objects.create(community=community, meeting=m, resident=resident)
        task = FollowUpTask.objects.create(
            community=community, meeting=m, text="会后事项", due_on=dt.date(2026, 4, 8)
        )
        return (m, task, roles)

    made = world.__dict__["_matrix_meetings"] = [
        meeting(world.community, {"staff", "building_leader"}, [world.building_1], [world.zhao]),
        meeting(world.community, {"staff", "group_leader"}, [world.building_2]),
        meeting(world.community, {"staff"}),
        meeting(world.neighbour, {"outsider"}, [world.wu.household.flat.building]),
        meeting(world.far, set(), [world.zheng.household.flat.building]),
    ]
    return made


def _conventions_and_notices(world) -> dict:
    """A convention and a notice for building 1, building 2, the neighbour and the far community, with a
    suggestion, an objection and an attachment on each side; made once per world."""
    made = world.__dict__.get("_matrix_conventions")
    if made is not None:
        return made
    from django.utils import timezone

    from linli.deliberation.models import (
        Convention,
        ConventionSuggestion,
        ConventionVersion,
        Notice,
        NoticeAttachment,
        Objection,
    )

    now = timezone.now()
    covered = {"staff", "building_leader", "resident"}
    rows = {}
    for key, community, building in (
        ("b1", world.community, world.building_1),
        ("b2", world.community, world.building_2),
        ("neighbour", world.neighbour, None),
        ("far", world.far, None),
    ):
        convention = Convention.objects.create(community=community, title="楼组公约")
        ConventionVersion.objects.create(
            community=community, convention=convention, number=1, text="一、爱护公物。"
        )
        notice = Notice.objects.create(
            community=community,
            title="公示",
            text="内容",
            starts_at=now - dt.timedelta(days=1),
            ends_at=now + dt.timedelta(days=5),
        )
        if building is not None:
            convention.buildings.set([building])
            notice.buildings.set([building])
        household = world.own_household if key == "b1" else None
        suggestion = ConventionSuggestion.objects.create(
            community=community, convention=convention, text="建议", household=household
        )
        objection = Objection.objects.create(
            community=community, notice=notice, text="异议", household=household
        )
        attachment = NoticeAttachment.objects.create(
            community=community,
            notice=notice,
            file="notices/missing.pdf",
            name="a.pdf",
            content_type="application/pdf",
            size=1,
        )
        rows[key] = (convention, suggestion, notice, objection, attachment)
    roles = {"b1": covered, "b2": {"staff"}, "neighbour": {"outsider"}, "far": set()}
    made = world.__dict__["_matrix_conventions"] = {
        name: [(rows[key][index], roles[key]) for key in rows]
        for index, name in enumerate(
            ["convention_id", "suggestion_id", "notice_id", "objection_id", "attachment_id"]
        )
    }
    return made


def _volunteering(world) -> list:
    """(volunteer, service record, duty, roles that see the volunteer, label) per sample, made once per
    world: 李大爷 (暖心组, which he leads), 赵阿姨 (building 1), an outsider linked to the volunteer actor,
    and one volunteer in each other community."""
    made = world.__dict__.get("_matrix_volunteering")
    if made is not None:
        return made
    from django.utils import timezone

    from linli.organizing.models import Duty, ServiceRecord, Volunteer

    def volunteer(community, roles, label, *, resident=None, user=None):
        v = Volunteer.objects.create(
            community=community,
            resident=resident,
            name="" if resident else "志愿者小王",
            phone="" if resident else "13912345678",
            user=user,
            registered_on=dt.date(2024, 1, 1),
        )
        record = ServiceRecord.objects.create(
            community=community, volunteer=v, date=dt.date(2024, 3, 1), hours=2, activity="楼道巡查"
        )
        start = timezone.now() + dt.timedelta(days=3)
        duty = Duty.objects.create(
            community=community,
            volunteer=v,
            task="值班",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
        )
        return (v, record, duty, roles, label)

    made = world.__dict__["_matrix_volunteering"] = [
        volunteer(world.community, {"staff", "group_leader"}, "li", resident=world.li),
        volunteer(world.community, {"staff", "building_leader"}, "zhao", resident=world.zhao),
        volunteer(world.community, {"staff", "volunteer"}, "self", user=world.volunteer),
        volunteer(world.neighbour, {"outsider"}, "wu", resident=world.wu),
        volunteer(world.far, set(), "zheng", resident=world.zheng),
    ]
    return made


def _in_service(world, community):
    """One in-service party member per community, made once per test world."""
    from linli.organizing.models import InServiceMember

    made = world.__dict__.setdefault("_matrix_in_service", {})
    if community.pk not in made:
        made[community.pk] = InServiceMember.objects.create(
            community=community, name="在职党员", work_unit="单位", registered_on=dt.date(2024, 1, 1)
        )
    return made[community.pk]


def _organizing(world) -> dict:
    """Groups, memberships, building groups and branches around the world's own, made once per world."""
    made = world.__dict__.get("_matrix_organizing")
    if made is not None:
        return made
    from linli.organizing.models import BuildingGroup, Group, GroupMember
    from linli.registry.models import PartyBranch

    def group_with(community, name, resident, **period):
        group = Group.objects.create(community=community, name=name)
        member = GroupMember.objects.create(
            community=community, group=group, resident=resident, joined_on=dt.date(2023, 1, 1), **period
        )
        return group, member

    other_group, _ = group_with(world.community, "乐心组", world.zhou)
    zhou_past = GroupMember.objects.create(
        community=world.community,
        group=world.group,
        resident=world.zhou,
        joined_on=dt.date(2022, 1, 1),
        left_on=dt.date(2022, 12, 31),
    )
    neighbour_group, neighbour_member = group_with(world.neighbour, "邻村暖心组", world.wu)
    far_group, far_member = group_with(world.far, "远方暖心组", world.zheng)

    def building_group_of(resident):
        building = resident.household.flat.building
        return BuildingGroup.objects.create(community=building.community, building=building, leader=resident)

    made = world.__dict__["_matrix_organizing"] = {
        "other_group": other_group,
        "zhou_past": zhou_past,
        "neighbour_group": neighbour_group,
        "neighbour_member": neighbour_member,
        "far_group": far_group,
        "far_member": far_member,
        "building_2_group": building_group_of(world.zhou),
        "neighbour_building_group": building_group_of(world.wu),
        "far_building_group": building_group_of(world.zheng),
        "branch": PartyBranch.objects.create(community=world.community, name="第一党支部"),
        "neighbour_branch": PartyBranch.objects.create(community=world.neighbour, name="第一党支部"),
        "far_branch": PartyBranch.objects.create(community=world.far, name="第一党支部"),
    }
    return made


def _consent(world, resident) -> Consent:
    """One consent per sample resident, made once per test world (samples() runs for every URL)."""
    made = world.__dict__.setdefault("_matrix_consents", {})
    if resident.pk not in made:
        made[resident.pk] = Consent.objects.create(
            community=resident.community, resident=resident, purpose="registry", given_on=dt.date(2024, 1, 1)
        )
    return made[resident.pk]


def _notification(world, role: str):
    """One notification per role's actor, made once per test world."""
    from linli.notifications.models import Notification

    made = world.__dict__.setdefault("_matrix_notifications", {})
    if role not in made:
        user = getattr(world, role)
        made[role] = Notification.objects.create(
            recipient=user, community=world.community, kind="duty_reminder", title="值班提醒", dedupe_key=role
        )
    return made[role]


def _job_run(world, community):
    """One failed run per community (None: a shared run), with a note naming a person of each community
    (the notes of a shared run must not show one community's people to another's staff)."""
    from linli.jobs.models import JobRun, JobRunNote

    made = world.__dict__.setdefault("_matrix_job_runs", {})
    key = community.pk if community else None
    if key not in made:
        run = made[key] = JobRun.objects.create(
            name="notifications.duty_reminders",
            key=f"matrix:{key}",
            community=community,
            status="failed",
            attempts=3,
            error="TimeoutError",
        )
        for person in (world.li, world.wu, world.zheng):
            JobRunNote.objects.create(
                run=run, community=person.community, level="skip", message=f"未提醒 {person.name}"
            )
    return made[key]


def _import_job(world, community) -> ImportJob:
    """One checked ledger import per community, made once per test world."""
    made = world.__dict__.setdefault("_matrix_import_jobs", {})
    if community.pk not in made:
        made[community.pk] = ImportJob.objects.create(
            community=community, file_name="台账.xlsx", status="checked", report={"counts": {"rows": 0}}
        )
    return made[community.pk]


def combinations(world, params: list[str]):
    """Every assignment of sample objects to the parameters, with the roles that may see all of them."""
    table = samples(world)
    for name in params:
        assert name in table, f"URL parameter {name!r} is unknown to the scope matrix: add samples for it"
    choices = [table[name] for name in params]
    for combo in itertools.product(*choices):
        kwargs = {name: obj.pk for name, (obj, _) in zip(params, combo, strict=True)}
        allowed = set(ROLES)
        for _, roles in combo:
            allowed &= roles
        yield kwargs, allowed


def leaked_names(body: str, role: str) -> set[str]:
    return {name for name in ALL_NAMES - VISIBLE[role] if name in body}


def readable(response) -> str:
    """Response text with JSON unescaped, so a name cannot hide as \\uXXXX."""
    content = response.content.decode("utf-8", errors="replace")
    if response.get("Content-Type", "").startswith("application/json"):
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            return content
    return content


def test_matrix_walks_the_main_pages():
    names = {name for name, _ in page_routes()}
    # A guard against the walk silently finding nothing (e.g. after a URL conf refactor).
    assert {"home", "community_home", "resident_list", "resident_detail", "building_detail"} <= names


@pytest.mark.parametrize("role", ROLES)
def test_pages_never_leave_the_scope(world, client, role):
    user = getattr(world, role)
    client.force_login(user)
    checked = 0
    for name, params in page_routes():
        for kwargs, allowed in combinations(world, params):
            url = reverse(name, kwargs=kwargs)
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                checked += 1
                assert response.status_code < 500, f"{role} {method.upper()} {url}: {response.status_code}"
                if role not in allowed and params:
                    assert response.status_code in (403, 404, 405), (
                        f"{role} {method.upper()} {url} is outside the scope but answered {response.status_code}"
                    )
                leaks = leaked_names(readable(response), role)
                assert not leaks, f"{role} {method.upper()} {url} shows {leaks}"
                client.force_login(user)  # a POST to sign-out must not turn the rest of the walk anonymous
    assert checked > 20


@pytest.mark.parametrize("role", ROLES)
def test_api_never_leaves_the_scope(world, client, role):
    client.force_login(world.superuser)
    schema = client.get("/api/v1/openapi.json").json()
    client.logout()
    client.force_login(getattr(world, role))
    checked = 0
    for path, operations in schema["paths"].items():
        params = sorted(part[1:-1] for part in path.split("/") if part.startswith("{"))
        for kwargs, allowed in combinations(world, params):
            url = path.format(**kwargs)
            for method in operations:
                if method not in {"get", "post", "put", "patch", "delete"}:
                    continue
                response = (
                    getattr(client, method)(url, data={}, content_type="application/json")
                    if method != "get"
                    else client.get(url)
                )
                checked += 1
                assert response.status_code < 500, f"{role} {method.upper()} {url}: {response.status_code}"
                if role not in allowed and params:
                    assert response.status_code in (403, 404, 405), (
                        f"{role} {method.upper()} {url} is outside the scope but answered {response.status_code}"
                    )
                leaks = leaked_names(readable(response), role)
                assert not leaks, f"{role} {method.upper()} {url} shows {leaks}"
    assert checked > 10


def test_anonymous_is_sent_to_sign_in(world, client):
    for name, params in page_routes():
        if name in PUBLIC_PAGES:
            continue
        for kwargs, _ in itertools.islice(combinations(world, params), 1):
            url = reverse(name, kwargs=kwargs)
            response = client.get(url)
            assert response.status_code == 302 and response["Location"].startswith(SIGN_IN_PAGES), url


def test_anonymous_api_gets_401(world, client):
    client.force_login(world.superuser)
    schema = client.get("/api/v1/openapi.json").json()
    client.logout()
    for path, operations in schema["paths"].items():
        params = sorted(part[1:-1] for part in path.split("/") if part.startswith("{"))
        for kwargs, _ in itertools.islice(combinations(world, params), 1):
            for method in operations:
                url = path.format(**kwargs)
                response = getattr(client, method)(url)
                assert response.status_code == 401, (
                    f"anonymous {method.upper()} {url}: {response.status_code}"
                )


# The positive side: each role sees what it should.
EXPECTED_PAGES = {
    "staff": [
        ("community_home", "community"),
        ("resident_list", "community"),
        ("building_detail", "building_1"),
        ("building_detail", "building_2"),
        ("household_detail", "own_household"),
        ("resident_detail", "li"),
    ],
    "building_leader": [
        ("community_home", "community"),
        ("resident_list", "community"),
        ("building_detail", "building_1"),
        ("resident_detail", "sun"),
    ],
    "group_leader": [("resident_list", "community"), ("resident_detail", "li")],
    "resident": [("household_detail", "own_household"), ("resident_detail", "qian")],
    "street_officer": [("street_overview", "street")],
    "outsider": [("resident_detail", "wu")],
}
PARAM_OF = {
    "community": "community_id",
    "street": "street_id",
    "building": "building_id",
    "household": "household_id",
    "resident": "resident_id",
}


@pytest.mark.parametrize("role", sorted(EXPECTED_PAGES))
def test_each_role_sees_its_own_pages(world, client, role):
    client.force_login(getattr(world, role))
    bodies = []
    for name, attr in EXPECTED_PAGES[role]:
        obj = getattr(world, attr)
        response = client.get(reverse(name, kwargs={PARAM_OF[type(obj).__name__.lower()]: obj.pk}))
        assert response.status_code == 200, f"{role} {name} {attr}: {response.status_code}"
        bodies.append(readable(response))
    seen = {name for name in ALL_NAMES if any(name in body for body in bodies)}
    assert seen == VISIBLE[role]


def test_staff_resident_list_shows_every_current_resident_of_the_community(world, client):
    client.force_login(world.staff)
    body = client.get(reverse("resident_list", kwargs={"community_id": world.community.pk})).content.decode()
    assert all(name in body for name in VISIBLE["staff"])


def test_building_leader_resident_list_shows_exactly_their_buildings(world, client):
    client.force_login(world.building_leader)
    body = client.get(reverse("resident_list", kwargs={"community_id": world.community.pk})).content.decode()
    assert {n for n in ALL_NAMES if n in body} == VISIBLE["building_leader"]


def test_street_officer_sees_figures_of_its_communities(world, client):
    client.force_login(world.street_officer)
    body = client.get(reverse("street_overview", kwargs={"street_id": world.street.pk})).content.decode()
    assert "测试一村" in body and "测试二村" in body and "远方家园" not in body
