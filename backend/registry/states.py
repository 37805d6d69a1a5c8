"""Every state machine of the registry in one table, and the one function that moves a project
or a monitoring report along it, writing the append-only history."""

from __future__ import annotations

import enum
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.core.errors import Conflict, Forbidden, ValidationFailed
from backend.registry.models import (
    MonitoringReport,
    ProjectState,
    RegistryProject,
    ReportState,
    StateChange,
    Subject,
)


class Actor(enum.StrEnum):
    owner = "owner"  # a member of the project owner's organisation
    operator = "operator"
    verifier = "verifier"  # an operator, or a member of a verifier participant (核证)


@dataclass(frozen=True)
class Rule:
    actor: Actor
    needs_reason: bool = False


# (subject, from, to) -> who may make the move. Anything absent is a 409.
TRANSITIONS: dict[tuple[Subject, str, str], Rule] = {
    (Subject.project, ProjectState.draft, ProjectState.submitted): Rule(Actor.owner),
    (Subject.project, ProjectState.submitted, ProjectState.validated): Rule(Actor.operator),
    (Subject.project, ProjectState.submitted, ProjectState.rejected): Rule(Actor.operator, True),
    (Subject.report, ReportState.submitted, ReportState.verified): Rule(Actor.verifier),
    (Subject.report, ReportState.submitted, ReportState.rejected): Rule(Actor.verifier, True),
}

TABLES: dict[Subject, type[RegistryProject] | type[MonitoringReport]] = {
    Subject.project: RegistryProject,
    Subject.report: MonitoringReport,
}


class IllegalTransition(Conflict):
    slug, title = "registry-transition", "This change of state is not allowed"


def move(
    s: Session,
    subject: Subject,
    row: RegistryProject | MonitoringReport,
    to: str,
    *,
    actors: Collection[Actor],
    by_id: int | None,
    reason: str | None = None,
    **values: Any,
) -> StateChange:
    """Move `row` to state `to` if the table allows it from its state and `actors` include
    the rule's; `values` are written with the state. A row another request moved meanwhile
    is a 409, as is a move the table lacks."""
    current = str(row.state)
    rule = TRANSITIONS.get((subject, current, to))
    if rule is None:
        raise IllegalTransition(
            "registry.illegal_transition", params={"from_state": current, "to_state": to}
        )
    if rule.actor not in actors:
        raise Forbidden("registry.transition_not_yours", params={"to_state": to})
    if rule.needs_reason and not (reason and reason.strip()):
        raise ValidationFailed("reason", "registry.reason_required")
    table = TABLES[subject]
    reject_reason = reason.strip() if rule.needs_reason and reason else None
    done = s.execute(
        update(table)
        .where(table.id == row.id, table.state == current)
        .values(state=to, reject_reason=reject_reason, **values)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:  # type: ignore[attr-defined]
        raise IllegalTransition(
            "registry.illegal_transition", params={"from_state": current, "to_state": to}
        )
    change = StateChange(
        subject=subject,
        subject_id=row.id,
        from_state=current,
        to_state=to,
        reason=reject_reason,
        by_id=by_id,
    )
    s.add(change)
    s.flush()
    s.refresh(row)
    return change


def opened(s: Session, subject: Subject, row_id: int, state: str, by_id: int | None) -> None:
    """The first line of a row's history: created in `state`."""
    s.add(
        StateChange(
            subject=subject, subject_id=row_id, from_state=None, to_state=state, by_id=by_id
        )
    )
    s.flush()
