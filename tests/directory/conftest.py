"""The reply helpers of the RSVP tests serve here too."""

from tests.rsvps.conftest import host_acts, reply

__all__ = ["host_acts", "reply"]
