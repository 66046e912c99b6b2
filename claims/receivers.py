"""What the claims app does when a layer below it announces a change (sources.signals): reassess the support
of the claims that the changed outlets, actors or sources weigh. Connected in ClaimsConfig.ready()."""

from typing import Any

from django.dispatch import receiver

from claims.support.services import support_queue_for_actors, support_queue_for_outlets, support_queue_for_sources
from sources import signals


@receiver(signals.outlets_changed, dispatch_uid="claims-support-for-outlets")
def outlets_changed(*, outlet_ids: list[int], **_: Any) -> None:
    support_queue_for_outlets(outlet_ids=outlet_ids)


@receiver(signals.actors_changed, dispatch_uid="claims-support-for-actors")
def actors_changed(*, actor_ids: list[int], **_: Any) -> None:
    support_queue_for_actors(actor_ids=actor_ids)


@receiver(signals.sources_changed, dispatch_uid="claims-support-for-sources")
def sources_changed(*, source_ids: list[int], **_: Any) -> None:
    support_queue_for_sources(source_ids=source_ids)
