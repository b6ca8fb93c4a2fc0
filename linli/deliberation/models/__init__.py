"""Models of the deliberation app, one module per area: votes (consultations, ballots — the one engine
every vote runs on, the lift's owners' vote included), meetings, conventions, notices."""

from linli.deliberation.models.conventions import (  # noqa: F401
    Convention,
    ConventionSignature,
    ConventionStatus,
    ConventionSuggestion,
    ConventionVersion,
    SignatureMethod,
    SuggestionKind,
)
from linli.deliberation.models.meetings import (  # noqa: F401
    AgendaItem,
    Attendance,
    CheckInMethod,
    FollowUpTask,
    Invitee,
    Meeting,
    MeetingLevel,
    MeetingStatus,
    Minutes,
    Resolution,
)
from linli.deliberation.models.notices import Notice, NoticeAttachment, NoticeRead, Objection  # noqa: F401
from linli.deliberation.models.votes import (  # noqa: F401
    Answer,
    Ballot,
    BallotMethod,
    Choice,
    Consultation,
    ConsultationStatus,
    Electorate,
    Question,
    QuestionKind,
    VoteAttemptLog,
    Voter,
    Weighting,
)
