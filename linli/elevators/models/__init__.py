"""Models of the lift app, one module per area: projects and stages, persuasion, costs, the duty roster,
the photo wall."""

from linli.elevators.models.costs import CostMethod, CostPlan, CostShare  # noqa: F401
from linli.elevators.models.persuasion import (  # noqa: F401
    Attitude,
    BestPlaced,
    Concern,
    OutreachEvent,
    OutreachKind,
    PersuasionVisit,
)
from linli.elevators.models.photos import Photo  # noqa: F401
from linli.elevators.models.projects import (  # noqa: F401
    LiftProject,
    PersonRole,
    ProjectDocument,
    ProjectPerson,
    ProjectStatus,
    Stage,
    StageRecord,
    VoteScope,
)
from linli.elevators.models.roster import DutyAssignment, DutyRoster, RosterMember  # noqa: F401
