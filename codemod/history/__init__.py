"""Migration history repair: make `_prisma_migrations` agree with the (rewritten) tree.

* :func:`~codemod.history.status.history_status`: per-migration states, order, next step;
* :func:`~codemod.history.resolve.resolve`: the history changes, planned, shown, run in one transaction;
* :func:`~codemod.history.cleanup.cleanup`: backup folders, stray copies, P3015 folders, loose ``.sql``;
* :func:`~codemod.history.doctor.doctor`: connection, server, tables, drift, history.
"""
