"""The analysis cache: the replayed schema after an unchanged history, so a run replays only what is new.

Most runs of ``check`` (CI, pre-commit) see the history of the last run plus a migration or two.
After a run, the replay's state at the end of the tree is stored under a key made from the
content of every migration up to there (names and bytes, in order), codemod's own code, the
provider and the order. A later run reads the tree, finds the longest prefix whose key has an
entry, restores that prefix (its statements, without their syntax trees) and the replay's state,
and replays only the migrations after it. The rules then run over the whole tree as in a cold
run, so the findings are the cold run's, whatever the cache held.

What is stored is small: statements keep their place in their file and are parsed again only if
someone asks for their syntax tree; nodes the schema state holds are stored as their path in
their statement's tree (:class:`codemod.model.schema.NodeRef`). Nodes of other trees (a ``DO``
body's statements, nodes the replay builds) are stored as values (sqlglot's serde).

The cache lives in ``.codemod-cache/`` beside the migrations directory (or ``--cache-dir``),
never inside it. Entries are signed with a key of the user's own (kept outside every project):
one that someone else wrote, or committed, is never unpickled. One that is corrupt, from another codemod, or unwritable is ignored: the run is
then a cold one. Entries are written to a temporary file and renamed into place; the newest few
are kept (a branch switch or an edited newest migration still finds an earlier history). After
a restored history, up to a few new migrations are replayed at each run rather than stored.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import secrets
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from sqlglot import exp
from sqlglot.dialects.dialect import Dialect

from codemod.analysis.discover import MIGRATION_FILE
from codemod.analysis.replay import Replay
from codemod.analysis.stream import replay_listing
from codemod.analysis.tree import Contents, Listing, decoded_migration, read_folder, reparse_lazily, tree_of
from codemod.errors import CodemodError
from codemod.model import Migration, MigrationTree, Span, Statement
from codemod.model.schema import NodePath, NodeRef, follow, node_path
from codemod.model.tree import UNPARSED
from codemod.progress import Progress

DIR_NAME = ".codemod-cache"
FORMAT = 1
KEEP = 6  # entries kept: the current history, and a few before it (branches, an edited newest migration)
SUFFIX = ".replay"
MAGIC = b"codemod\x01"  # then the HMAC-SHA256 of the pickle with this user's key (see _secret), then the pickle
# After a restored history, this many new migrations are replayed again on each run rather than
# stored: writing an entry costs more (trigger.dev: 37 ms) than replaying a few migrations (~1 ms each),
# and the migration being written changes at every run anyway.
REPLAY_RATHER_THAN_STORE = 8


@dataclass
class CacheOutcome:
    """What the cache did in a run (for ``--verbose`` and the tests)."""

    directory: Path | None
    reused: int = 0  # migrations restored from the cache
    replayed: int = 0  # migrations read, parsed and replayed
    written: bool = False


def cache_directory(migrations_dir: Path, chosen: Path | None) -> Path:
    """Where the cache goes: ``chosen``, else ``.codemod-cache`` beside the migrations directory."""
    directory = (chosen if chosen is not None else migrations_dir.parent / DIR_NAME).absolute()
    inside = migrations_dir.absolute()
    if directory == inside or inside in directory.parents:
        raise CodemodError("the cache directory must not be inside the migrations directory (Prisma would see it as a migration)", directory)
    return directory


def load_with_cache(listing: Listing, directory: Path, progress: Progress | None = None) -> tuple[MigrationTree, Replay, CacheOutcome]:
    """The tree and its replay, restoring the longest cached history and replaying the rest."""
    dialect = listing.dialect
    contents = [read_folder(folder) for folder in listing.folders]
    keys = _chain_keys(listing, contents)
    outcome = CacheOutcome(directory)
    restored = _longest_entry(directory, listing, keys)
    prefix: list[Migration] = []
    carried: dict[str, Any] | None = None
    if restored is not None:
        prefix, carried = restored
        for migration, folder, (raw, _others) in zip(prefix, listing.folders, contents, strict=False):
            _refill(migration, folder, raw, dialect)
    migrations, replay, carry = replay_listing(listing, progress, prefix, carried, contents)
    tree = tree_of(listing, migrations)
    outcome.reused, outcome.replayed = len(prefix), len(migrations) - len(prefix)
    if outcome.replayed and (not prefix or outcome.replayed > REPLAY_RATHER_THAN_STORE):
        outcome.written = _store(directory, keys[-1], migrations, carry)
    return tree, replay, outcome


# ── keys ─────────────────────────────────────────────────────────────────────────────────


def _chain_keys(listing: Listing, contents: list[Contents]) -> list[str]:
    """The key of each prefix: what codemod is, and every migration up to there, in order."""
    running = hashlib.sha256(f"{FORMAT}\0{_code_fingerprint()}\0{listing.provider}\0{listing.order}".encode())
    keys = []
    for folder, (raw, others) in zip(listing.folders, contents, strict=True):
        running.update(folder.name.encode("utf-8", "surrogateescape") + b"\0")
        if raw is None:
            running.update(b"absent\0" + "\0".join(others).encode("utf-8", "surrogateescape"))
        else:
            running.update(hashlib.sha256(raw).digest())
        keys.append(running.copy().hexdigest())
    return keys


_fingerprint: list[str] = []


def _code_fingerprint() -> str:
    """codemod's code (file names, sizes, modification times), sqlglot's version and Python's.

    A changed rule or replay handler changes what a stored replay would be; so does an edited
    checkout, whatever the version number says.
    """
    if not _fingerprint:
        from importlib.util import find_spec

        import sqlglot

        parts = [sys.version, getattr(sqlglot, "__version__", "?")]
        for package in ("codemod", "transforms"):  # found, not imported: the analysis does not reach for the rules
            spec = find_spec(package)
            for base in (spec.submodule_search_locations or []) if spec is not None else []:
                for folder, _subfolders, files in sorted(os.walk(base)):
                    for name in sorted(files):
                        if name.endswith(".py"):
                            stat = os.stat(os.path.join(folder, name))
                            parts.append(f"{package}/{os.path.relpath(os.path.join(folder, name), base)}:{stat.st_size}:{stat.st_mtime_ns}")
        _fingerprint.append(hashlib.sha256("\n".join(parts).encode()).hexdigest())
    return _fingerprint[0]


# ── reading ──────────────────────────────────────────────────────────────────────────────


def _longest_entry(directory: Path, listing: Listing, keys: list[str]) -> tuple[list[Migration], dict[str, Any]] | None:
    try:
        present = {name[: -len(SUFFIX)] for name in os.listdir(directory) if name.endswith(SUFFIX)}
    except OSError:
        return None
    for length in range(len(keys), 0, -1):
        if keys[length - 1] not in present:
            continue
        path = directory / f"{keys[length - 1]}{SUFFIX}"
        entry = _read_entry(path)
        if entry is not None and entry.get("names") == [folder.name for folder in listing.folders[:length]]:
            _touch(path)  # pruning keeps the entries in use: a history that many runs start from stays
            return entry["migrations"], entry["carried"]
    return None


def _touch(path: Path) -> None:
    try:
        os.utime(path)
    except OSError:
        pass


def _read_entry(path: Path) -> dict[str, Any] | None:
    """A stored entry, or None when it cannot be read as one (corrupt, truncated, another format,
    or not signed with this user's key: only what codemod wrote here is ever unpickled)."""
    secret = _secret()
    if secret is None:
        return None
    try:
        data = path.read_bytes()
        if not data.startswith(MAGIC) or len(data) < len(MAGIC) + 32:
            return None
        signature, payload = data[len(MAGIC) : len(MAGIC) + 32], memoryview(data)[len(MAGIC) + 32 :]  # no copy
        if not hmac.compare_digest(signature, hmac.new(secret, payload, hashlib.sha256).digest()):
            return None
        entry = pickle.loads(payload)
    except Exception:  # a cache never fails a run: anything unreadable is a miss
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    return entry


def _refill(migration: Migration, folder: Path, raw: bytes | None, dialect: Dialect) -> None:
    """A restored migration gets its folder, bytes and text back from this run's read."""
    migration.folder = folder
    migration.sql_path = folder / MIGRATION_FILE
    if raw is None:
        return
    fresh = decoded_migration(folder, raw)
    migration.raw, migration.text = fresh.raw, fresh.text
    reparse_lazily(migration, dialect)


# ── writing ──────────────────────────────────────────────────────────────────────────────


def _store(directory: Path, key: str, migrations: list[Migration], carried: dict[str, Any]) -> bool:
    """Write an entry (temporary file, then rename) and drop the oldest; False when it cannot."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
        ignore = directory / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# codemod's analysis cache: safe to delete\n*\n")
        secret = _secret()
        if secret is None:
            return False
        handle, temporary = tempfile.mkstemp(prefix=".entry-", dir=directory)
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(MAGIC + bytes(32))  # the signature, written once the pickle is
                signing = _Signing(stream, hmac.new(secret, digestmod=hashlib.sha256))
                _Pickler(signing, migrations).dump({
                    "format": FORMAT,
                    "names": [migration.name for migration in migrations],
                    "migrations": migrations,
                    "carried": carried,
                })
                stream.seek(len(MAGIC))
                stream.write(signing.mac.digest())
            os.replace(temporary, directory / f"{key}{SUFFIX}")
        except BaseException:
            os.unlink(temporary)
            raise
        _prune(directory)
        return True
    except (OSError, pickle.PicklingError, RecursionError, TypeError, AttributeError):
        return False


class _Signing:
    """Writes the pickle to the entry's file as it is made, signing it on the way: a large
    tree's pickle is tens of MB, and holding it (and copies of it) in memory doubled the peak."""

    def __init__(self, stream: BinaryIO, mac: hmac.HMAC) -> None:
        self.stream = stream
        self.mac = mac

    def write(self, data: bytes) -> int:
        self.mac.update(data)
        return self.stream.write(data)


def _secret() -> bytes | None:
    """This user's signing key for cache entries, made on first use (None: no place to keep one).

    Entries are pickles, and a pickle can run code when loaded; a cache directory sits in a
    project that others can commit to. An entry is loaded only when it carries a signature made
    with this key, which lives outside every project (``$XDG_CACHE_HOME/codemod``, else
    ``~/.cache/codemod``), readable by this user alone.
    """
    if _secret_value:
        return _secret_value[0]
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "codemod"
    except RuntimeError:  # no home directory
        return None
    path = base / "cache-key"
    try:
        value = path.read_bytes()
    except OSError:
        value = b""
    if len(value) != 32:
        try:
            base.mkdir(parents=True, exist_ok=True, mode=0o700)
            handle, temporary = tempfile.mkstemp(prefix=".key-", dir=base)  # mode 0600
            with os.fdopen(handle, "wb") as stream:
                stream.write(secrets.token_bytes(32))
            os.replace(temporary, path)
            value = path.read_bytes()
        except (OSError, RuntimeError):
            return None
    _secret_value.append(value)
    return value


_secret_value: list[bytes] = []


def _prune(directory: Path) -> None:
    entries = sorted(
        (entry for entry in os.scandir(directory) if entry.name.endswith(SUFFIX)),
        key=lambda entry: entry.stat().st_mtime_ns,
        reverse=True,
    )
    for entry in entries[KEEP:]:
        try:
            os.unlink(entry.path)
        except OSError:
            pass


class _Pickler(pickle.Pickler):
    """Statements and migrations without their syntax trees, tokens or bytes; nodes by path."""

    def __init__(self, stream: _Signing, migrations: list[Migration]) -> None:
        super().__init__(stream, protocol=pickle.HIGHEST_PROTOCOL)
        self.roots = {
            id(statement._expression): statement
            for migration in migrations
            for statement in migration.statements
            if isinstance(statement._expression, exp.Expression)
        }
        self.values: dict[int, _NodeValue] = {}
        table: dict[type, Callable[[Any], Any]] = {
            Statement: _reduce_statement,
            Migration: _reduce_migration,
            NodeRef: _reduce_ref,
        }
        for node_class in _expression_classes():
            table[node_class] = self._reduce_node
        self.dispatch_table = table

    def _reduce_node(self, node: exp.Expression) -> tuple:
        root, path = node_path(node)
        statement = self.roots.get(id(root))
        if statement is not None:
            return (NodeRef, (statement, path))
        value = self.values.get(id(root))
        if value is None:
            from sqlglot import serde

            value = self.values[id(root)] = _NodeValue(serde.dump(root))
            value.keep = root  # the id stays this root's while the pickle is made
        return (_follow, (value, path))


def _expression_classes() -> list[type]:
    found: list[type] = []
    stack: list[type] = [exp.Expression]
    while stack:
        cls = stack.pop()
        found.append(cls)
        stack.extend(cls.__subclasses__())
    return found


def _reduce_statement(statement: Statement) -> tuple:
    return (_statement, (statement.migration, statement.index, statement.span.start, statement.span.end,
                         statement.char_start, statement.char_end, statement.line, statement.col, statement.keyword))


def _statement(migration: Migration, index: int, start: int, end: int, char_start: int, char_end: int, line: int, col: int, keyword: str) -> Statement:
    return Statement(migration, index, Span(start, end), char_start, char_end, None, UNPARSED, line, col, keyword)


def _reduce_migration(migration: Migration) -> tuple:
    fields = (migration.name, migration.bom, migration.newline, migration.position, migration.encoding,
              migration.has_sql, migration.other_files, migration.nul_offset)
    return (_migration, fields, (None, {"statements": migration.statements}))


def _migration(name: str, bom: bool, newline: str, position: int, encoding: str, has_sql: bool,
               other_files: tuple[str, ...], nul_offset: int | None) -> Migration:
    placeholder = Path(name)  # the run that restores it gives the folder, bytes and text (_refill)
    return Migration(name, placeholder, placeholder, b"", "", bom, newline, [], position,
                     encoding=encoding, has_sql=has_sql, other_files=other_files, nul_offset=nul_offset)


def _reduce_ref(ref: NodeRef) -> tuple:
    return (NodeRef, (ref.statement, ref.path))


class _NodeValue:
    """A syntax tree stored by value (sqlglot's serde), loaded once however many nodes point into it."""

    def __init__(self, payload: Any) -> None:
        self.payload = payload
        self.keep: Any = None
        self.root: exp.Expression | None = None

    def __reduce__(self) -> tuple:
        return (_NodeValue, (self.payload,))

    def node(self, path: NodePath) -> exp.Expression:
        if self.root is None:
            from sqlglot import serde

            loaded = serde.load(self.payload)
            assert isinstance(loaded, exp.Expression)
            self.root = loaded
        return follow(self.root, path)


def _follow(value: _NodeValue, path: NodePath) -> exp.Expression:
    return value.node(path)
