"""What the history of a claim, statement, evidence, link or verdict records.

django-pghistory keeps it with database triggers, so a change made in bulk
(`queryset.update()`), by a job or by hand in SQL is recorded like one made in
the admin. The request or job that made a change is its context: who, and where.
"""

import pghistory


def history_trackers() -> tuple[pghistory.RowEvent, ...]:
    """Fresh trackers for one model: pghistory binds each tracker to the model it is set up on."""
    return (
        pghistory.InsertEvent("created"),
        # A save that changes nothing but its timestamp is not an event.
        pghistory.UpdateEvent("changed", condition=pghistory.AnyChange(exclude_auto=True)),
        pghistory.DeleteEvent("deleted"),
    )
