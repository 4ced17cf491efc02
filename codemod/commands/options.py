"""Option types that several commands share, so they read and behave the same everywhere."""

from __future__ import annotations

from enum import Enum


class OrderOption(str, Enum):
    """Folder order: locale (Prisma ≥ 6.6, ``localeCompare``) or bytes (older Prisma)."""

    locale = "locale"
    bytes = "bytes"
