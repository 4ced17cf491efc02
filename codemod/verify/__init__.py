"""Prove a rewrite on a real PostgreSQL: replay, intent check, convergence (``codemod verify``)."""

from codemod.verify.session import VerifyReport, scratch_server, verify

__all__ = ["VerifyReport", "scratch_server", "verify"]
