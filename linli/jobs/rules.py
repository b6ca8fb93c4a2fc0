"""Who may look at background jobs and retry them. Superusers: everything. Committee staff: the runs of
their communities in full, and of the runs over all communities only what concerns their own (the
selectors cut the notes); they retry failed runs of their communities. Nobody else."""

import rules

from linli.core.models import Role
from linli.core.scope import scope_for
from linli.jobs.registry import JOBS


@rules.predicate
def is_superuser(user) -> bool:
    return bool(user and user.is_active and user.is_superuser)


@rules.predicate
def is_committee_staff(user) -> bool:
    return scope_for(user).has_role(Role.STAFF)


def may_see_run_in_full(user, run) -> bool:
    """The run's error text and arguments: superusers, and staff of the run's community."""
    if user.is_superuser:
        return True
    return run.community_id is not None and scope_for(user).is_staff_of(run.community_id)


@rules.predicate
def may_retry_run(user, run) -> bool:
    # Runs of tasks not declared as jobs (recorded from django-tasks) keep their own state: no retry here.
    return run is not None and run.name in JOBS and may_see_run_in_full(user, run)


may_view_runs = is_superuser | is_committee_staff
rules.add_perm("jobs.view_runs", may_view_runs)
rules.add_perm("jobs.retry_run", may_retry_run)
