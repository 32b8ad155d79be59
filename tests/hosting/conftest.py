"""The reply helpers of the RSVP tests serve here too."""

from tests.rsvps.conftest import host_acts, lineup, reply

__all__ = ["host_acts", "lineup", "reply"]
