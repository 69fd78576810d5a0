"""The inventory as versioned state: the head design in memory, every change a revision in the database.

A change is a list of object-level operations on the design's plain data (topology-v1, as
:func:`vinfra.io.export.to_data` writes it)::

    {"op": "put", "section": "vms", "name": "web01", "value": {...}}   # create or replace one object
    {"op": "delete", "section": "vms", "name": "web01"}
    {"op": "put", "section": "links", "name": None, "value": [...]}     # a whole section (lists, imports)

:meth:`InventoryStore.change` applies them to the head, validates the result as a whole design (the same
validation as ``vinfra validate``; a problem is a 422 naming the field), normalizes the values written (every
default filled in, as ``vinfra export`` writes them) and commits revision, events and the caller's extra rows
in one transaction.  Writes are serialized by one lock; reads take the head as one immutable tuple, so a
reader never sees half a change.  One server process owns a database: a second process writing the same
database is noticed (the head moved) and reloaded before the next change, but its reads may lag.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import func, select

from ..io.design import from_data
from ..io.errors import DesignError
from ..io.export import to_data
from ..model import Inventory
from .models import Event, Revision
from .problems import Problem
from .validation import new_state_id

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from ..network import Snapshot
    from .db import Database
    from .settings import ServerSettings

#: the design's sections holding named objects (mappings) and lists, and its scalar fields
DICT_SECTIONS = ("switches", "hosts", "dvswitches", "clusters", "datastores", "vms", "templates")
LIST_SECTIONS = ("links", "failures")
SCALARS = ("name", "description")
SECTIONS = DICT_SECTIONS + LIST_SECTIONS

#: a section's objects as an event names them (VMware's entity words)
ENTITY = {"switches": "Switch", "hosts": "Host", "dvswitches": "DVS", "clusters": "Cluster",
          "datastores": "Datastore", "vms": "Vm", "templates": "Template", "links": "Link",
          "failures": "Failure", "name": "Design", "description": "Design"}


def now() -> datetime:
    return datetime.now(UTC)


def etag_of(value: Any) -> str:
    """A strong ETag of an object's data: equal data, equal tag (so a no-op write keeps the tag)."""
    return '"' + hashlib.sha256(orjson.dumps(value, option=orjson.OPT_SORT_KEYS)).hexdigest()[:20] + '"'


def link_name(link: dict[str, Any]) -> str:
    a, b = sorted((str(link["a"]), str(link["b"])))
    return f"{a}--{b}"


def apply_ops(data: dict[str, Any], ops: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """``data`` with ``ops`` applied; ``data`` itself is not changed (the sections touched are copied)."""
    out = dict(data)
    copied: set[str] = set()
    for op in ops:
        section, name = op["section"], op.get("name")
        if section in SCALARS:
            out[section] = op.get("value") if op["op"] == "put" else None
            continue
        if name is None:
            out[section] = op["value"] if op["op"] == "put" else ({} if section in DICT_SECTIONS else [])
            copied.add(section)
            continue
        if section not in copied:
            old = out.get(section)
            out[section] = dict(old or {}) if section in DICT_SECTIONS else list(old or [])
            copied.add(section)
        sec = out[section]
        if section in DICT_SECTIONS:
            if op["op"] == "put":
                sec[name] = op["value"]
            else:
                sec.pop(name, None)
        else:
            key = link_name if section == "links" else str
            kept = [item for item in sec if key(item) != name]
            if op["op"] == "put":
                kept.append(op["value"])
            out[section] = kept
    return out


def design_problem(exc: DesignError | list[str]) -> Problem:
    """A design that does not validate after a change: 422, one error per diagnostic, naming the field."""
    messages = [d.message for d in exc.diagnostics] if isinstance(exc, DesignError) else exc
    errors = []
    for text in messages:
        field, sep, message = text.partition(": ")
        errors.append({"field": field, "message": message} if sep else {"field": "", "message": text})
    return Problem(422, "invalid-design", f"the change leaves an invalid design: {messages[0]}"
                   + (f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""), errors)


@dataclass(eq=False)
class Head:
    """The design at one revision: its number, plain data (normalized, validated) and, built on first use,
    its Inventory (validation may have run in another process: reads need only the data)."""

    revision: int
    data: dict[str, Any]
    _inventory: Inventory | None = None
    #: the validator's name for this data (see :mod:`vinfra.server.validation`)
    state_id: str = field(default_factory=new_state_id)
    #: views worked out from this head (brief lists, counts), kept as long as it is the head
    cache: dict[str, Any] = field(default_factory=dict)

    @property
    def inventory(self) -> Inventory:
        if self._inventory is None:
            self._inventory = from_data(self.data, source=f"revision {self.revision}")
        return self._inventory

    @cached_property
    def snapshot(self) -> Snapshot:
        from ..network import Snapshot

        return Snapshot(self.inventory)

    def get(self, section: str, name: str) -> Any:
        if section in DICT_SECTIONS:
            return self.data.get(section, {}).get(name)
        key = link_name if section == "links" else str
        return next((item for item in self.data.get(section, []) if key(item) == name), None)


Extra = Callable[["Session", Revision], None]


class InventoryStore:
    """The head design and its revisions (see the module doc)."""

    def __init__(self, db: Database, settings: ServerSettings, validator: Any = None) -> None:
        from .validation import InProcessValidator

        self.db = db
        self.settings = settings
        self.validator = validator or InProcessValidator()
        self.lock = threading.RLock()  # the write lock: one change at a time
        self._listeners: list[Callable[[Head], None]] = []
        self._cache: dict[int, dict[str, Any]] = {}
        self.head: Head | None = None
        with db.read() as s:
            last = s.scalar(select(func.max(Revision.id)))
        if last is not None:
            self.head = self._head_at(last)

    def on_change(self, listener: Callable[[Head], None]) -> None:
        self._listeners.append(listener)

    @property
    def current(self) -> Head:
        head = self.head
        if head is None:
            raise Problem(404, "no-design", "no design imported yet: POST /revisions with one")
        return head

    # building revisions ---------------------------------------------------------------------------
    def data_at(self, revision: int) -> dict[str, Any]:
        """The design's data at ``revision``: the nearest checkpoint at or before it, plus the later changes."""
        head = self.head
        if head is not None and revision == head.revision:
            return head.data
        if revision in self._cache:
            return self._cache[revision]
        with self.db.read() as s:
            exists = s.get(Revision, revision)
            if exists is None:
                raise Problem(404, "not-found", f"no revision {revision}")
            base = s.scalar(select(func.max(Revision.id)).where(Revision.id <= revision,
                                                                Revision.snapshot.is_not(None)))
            data = s.get(Revision, base).snapshot if base is not None else {}
            rows = s.execute(select(Revision.changes).where(Revision.id > (base or 0), Revision.id <= revision)
                             .order_by(Revision.id)).scalars()
            for changes in rows:
                data = apply_ops(data, changes)
        if len(self._cache) > 8:
            self._cache.clear()
        self._cache[revision] = data
        return data

    def inventory_at(self, revision: int) -> Inventory:
        head = self.head
        if head is not None and revision == head.revision:
            return head.inventory
        return from_data(self.data_at(revision), source=f"revision {revision}")

    def _head_at(self, revision: int) -> Head:
        data = self.data_at(revision)
        return Head(revision, data)

    # writing -------------------------------------------------------------------------------------
    def import_design(self, inv: Inventory, author: str, message: str, since_last_import: bool = False
                      ) -> Revision | None:
        """A whole design as a new revision (a checkpoint); None when it equals the head already, or with
        ``since_last_import`` (``vinfra serve DESIGN`` on a restart), when it equals the design last imported:
        the file did not change, so the edits made on the server since are kept."""
        data = to_data(inv)
        with self.lock:
            if self.head is not None and self.head.data == data:
                return None
            if since_last_import and self.head is not None:
                with self.db.read() as s:
                    last = s.scalar(select(Revision.snapshot).where(Revision.kind == "import")
                                    .order_by(Revision.id.desc()).limit(1))
                if last == data:
                    return None
            ops = [{"op": "put", "section": s, "name": None, "value": data.get(s)} for s in SCALARS + SECTIONS]
            return self.change(ops, author, message, _checkpoint=True, _validated=(data, inv))

    def change(self, ops: list[dict[str, Any]], author: str, message: str,
               preconditions: Iterable[tuple[str, str, str | None]] = (), events: Iterable[dict[str, Any]] = (),
               extra: Extra | None = None, task_id: int | None = None, _checkpoint: bool = False,
               _validated: tuple[dict[str, Any], Inventory] | None = None) -> Revision:
        """Apply ``ops`` as one revision by ``author`` (see the module doc).

        ``preconditions``: (section, name, If-Match value) checked against the head under the write lock (412
        when stale, 404 when the object is gone); ``events``: extra event rows (kind, object, message);
        ``extra(session, revision)``: more rows written in the same transaction (a task's end state)."""
        with self.lock:
            self._follow_other_writers()
            head = self.head
            if head is None and _validated is None:
                raise Problem(409, "no-design", "no design imported yet: POST /revisions with one")
            for section, name, if_match in preconditions:
                check_if_match(head, section, name, if_match)
            state = new_state_id()
            inv: Inventory | None
            if _validated is not None:
                data, inv = _validated
            else:
                assert head is not None
                (verdict, answer), inv = self.validator.validate(head.state_id, head.data, ops, state)
                if verdict != "ok":
                    raise design_problem(answer)
                ops = answer
                data = apply_ops(head.data, ops)
            with self.db.write() as s:
                rev = Revision(created_at=now(), author=author, message=message, changes=ops, task_id=task_id,
                               kind="import" if _checkpoint else "change")
                s.add(rev)
                s.flush()
                if _checkpoint or rev.id % self.settings.checkpoint_every == 0 or head is None:
                    rev.snapshot = data
                for op in ops:
                    verb = {"put": "Changed", "delete": "Removed"}[op["op"]]
                    obj = op["section"] if op.get("name") is None else f"{op['section']}/{op['name']}"
                    s.add(Event(created_at=rev.created_at, kind=f"{ENTITY[op['section']]}{verb}Event", user=author,
                                object=obj, message=f"{obj} {verb.lower()} by {author}: {message}",
                                chain_id=task_id, revision_id=rev.id))
                for ev in events:
                    s.add(Event(created_at=rev.created_at, user=author, chain_id=task_id, revision_id=rev.id, **ev))
                if extra is not None:
                    extra(s, rev)
            self.head = Head(rev.id, data, inv, state)
        for listener in self._listeners:
            listener(self.head)
        return rev

    def _follow_other_writers(self) -> None:
        with self.db.read() as s:
            last = s.scalar(select(func.max(Revision.id)))
        if last is not None and (self.head is None or self.head.revision != last):
            self._cache.clear()
            self.head = self._head_at(last)


def normalized(ops: list[dict[str, Any]], data: dict[str, Any], inv: Inventory
                ) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Ops and data with each written value as the validated model dumps it (every default filled in)."""
    out_ops = []
    data = dict(data)
    for op in ops:
        section, name = op["section"], op.get("name")
        if op["op"] != "put":
            out_ops.append(op)
            continue
        if section in SCALARS:
            value = getattr(inv, section)
        elif name is None or section in LIST_SECTIONS:
            value = inv.model_dump(mode="json", include={section})[section]
            if section in LIST_SECTIONS:
                data[section] = value
                name = None
        else:
            value = inv.model_dump(mode="json", include={section: {name}})[section][name]
            data[section] = {**data[section], name: value}
        out_ops.append({"op": "put", "section": section, "name": name, "value": value})
    return out_ops, data


def check_if_match(head: Head | None, section: str, name: str, if_match: str | None) -> None:
    """RFC 9110 If-Match: ``*`` needs the object to exist; a tag list needs the current tag among them."""
    if if_match is None:
        return
    current = head.get(section, name) if head is not None else None
    if current is None:
        raise Problem(412, "precondition-failed",
                      f"If-Match: {section}/{name} does not exist")
    tags = [t.strip() for t in if_match.split(",")]
    if "*" in tags:
        return
    tag = etag_of(current)
    if tag not in tags and f"W/{tag}" not in tags:
        raise Problem(412, "precondition-failed",
                      f"If-Match {if_match} is stale: {section}/{name} is now {tag}; read it again and retry",
                      current_etag=tag)
