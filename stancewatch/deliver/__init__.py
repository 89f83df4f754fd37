"""The deliver stage: stance changes to apprise targets (email, Slack, ...) through an outbox."""

from stancewatch.deliver.runner import DeliverSummary, deliver_pending
from stancewatch.deliver.send import notify_test
from stancewatch.deliver.targets import Target, load_targets

__all__ = ["DeliverSummary", "Target", "deliver_pending", "load_targets", "notify_test"]
