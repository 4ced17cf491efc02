"""Read, parse and replay a tree one migration at a time.

A large tree's syntax trees do not fit in memory together (50,000 migrations held over 1 GB),
and the replay needs each only while it replays its migration: the schema state keeps paths
into them (:class:`codemod.model.schema.NodeRef`), and the few a rule asks for later are parsed
again. So each migration is read and parsed just before it is replayed, and on a large tree
its syntax trees are let go just after (on a small one, keeping them is faster: 820 migrations
hold 50 MB of them, and letting go costs a tenth of the run).

A syntax tree is a cycle (each node points to its parent), so a tree let go is freed only by
a collection of the young generation, and a CLI run keeps the collector off (see
``codemod.engine``). So the young generation is collected every few migrations here: that
walks only what was made since, the trees just let go and the little of the state they left.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from typing import Any

from codemod.analysis.replay import Replay, replay_onwards
from codemod.analysis.tree import Contents, Listing, read_migrations
from codemod.model import Migration
from codemod.progress import Progress

COLLECT_EVERY = 16  # migrations between collections of the young generation
LET_GO_FROM = 20_000  # migrations to replay from which their syntax trees are let go (see above)


def replay_listing(
    listing: Listing,
    progress: Progress | None = None,
    prefix: list[Migration] | None = None,
    carried: dict[str, Any] | None = None,
    contents: list[Contents] | None = None,
) -> tuple[list[Migration], Replay, dict[str, Any]]:
    """The tree's migrations and their replay; ``prefix`` and ``carried`` are an already replayed
    history (the analysis cache), ``contents`` the folders' bytes when the caller read them."""
    migrations = list(prefix or [])
    let_go = len(listing.folders) - len(migrations) >= LET_GO_FROM

    def read_one_by_one() -> Iterator[Migration]:
        for migration in read_migrations(listing, len(migrations), contents, progress):
            migrations.append(migration)
            yield migration  # back here once it is replayed, before the next one is read
            if let_go and (migration.position + 1) % COLLECT_EVERY == 0:
                gc.collect(0)  # the syntax trees of the migrations replayed since the last time

    replay, carry = replay_onwards(read_one_by_one(), listing.dialect, carried, let_go)
    return migrations, replay, carry
