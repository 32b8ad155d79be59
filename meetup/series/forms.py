"""The series' forms."""

from __future__ import annotations
