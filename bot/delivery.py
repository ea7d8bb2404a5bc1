"""What every channel's sender promises the outbox."""

from typing import Protocol

from handlers.types import Reply


class DeliveryFailed(Exception):
    """The message could not be delivered; `permanent` when retrying later will not help."""

    def __init__(self, reason: str, *, permanent: bool) -> None:
        super().__init__(reason)
        self.permanent = permanent


class MessengerSender(Protocol):
    async def send(self, recipient: str, replies: list[Reply]) -> None:
        """Deliver in order, or raise DeliveryFailed."""
