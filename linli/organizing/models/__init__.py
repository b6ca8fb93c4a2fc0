"""Models of the organizing app, one module per area so a newcomer finds each by its name:
groups (六邻汇 groups and their members, building groups), volunteers (volunteers, duty shifts, service
hours, talents), party (the party-building overlay)."""

from linli.organizing.models.groups import BuildingGroup, Group, GroupMember, LiftTrioMember  # noqa: F401
from linli.organizing.models.party import IdentityPost, InServiceMember  # noqa: F401
from linli.organizing.models.volunteers import (  # noqa: F401
    Duty,
    ServiceRecord,
    SkillCategory,
    Talent,
    TalentSkill,
    Volunteer,
    VolunteerSettings,
    Willingness,
)
