"""What the sources app announces, for the apps built on it to act on; it knows none of them.

Each signal is sent by the service that made the change, inside its transaction, so whatever a
receiver records (a job in the outbox) commits or rolls back with the change. Receivers get the
changed rows' ids as keyword arguments; the claims app subscribes in its AppConfig.ready()
(claims.receivers) to reassess the support of the claims that these rows weigh.
"""

from django.dispatch import Signal

# outlet_ids: an outlet's rating or owner changed, which weighs everything it published.
outlets_changed = Signal()
# actor_ids: an actor's kind or affiliation changed, which weighs the statements made by them and their affiliates.
actors_changed = Signal()
# source_ids: a source's outlet or relays changed, which weighs the statements and evidence in it and its copies.
sources_changed = Signal()
