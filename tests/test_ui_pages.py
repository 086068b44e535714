"""The tab's bounded reads (no gradio): a long session shows its latest page of messages and the
latest steps, pages back through every message exactly once, and never reads the whole session."""

from __future__ import annotations

import pytest

from lib_imgedit.store import SessionStore, SQLiteSessionStore
from lib_imgedit.ui.pages import (
    CHAT_PAGE,
    HISTORY_PAGE,
    NodeLookup,
    chat_messages,
    has_older,
    history_nodes,
    last_seq,
    older_page,
)
from lib_imgedit.ui.view import chat_pairs, history_items

BRIGHTER = {"operation": "adjust", "adjust": {"brightness": 0.1}, "reply": "Brighter."}


def add_turns(store: SessionStore, sid: str, turns: int, image: str = "x.png", failed_every: int = 7) -> None:
    """`turns` edits committed straight to the store (fast), each a node and two messages like the
    service's; every `failed_every`-th turn failed instead (two messages, no node)."""
    current = store.get_session(sid).current
    if current is None:
        upload = store.new_node(sid, parent=None, image=image, labelmap=None, kind="upload")
        store.commit_turn(sid, [upload], [store.new_message(sid, "user", "[image]", node=upload.id, data={"upload": True}),
                                          store.new_message(sid, "assistant", "I can see: person.", node=upload.id)], upload.id)
        current = upload.id
    for i in range(turns):
        text = f"turn {i}: a bit brighter"
        if failed_every and i % failed_every == failed_every - 1:
            error = {"code": "upstream_error", "message": f"turn {i} failed"}
            store.commit_turn(sid, [], [store.new_message(sid, "user", text, node=current),
                                        store.new_message(sid, "assistant", error["message"], node=current,
                                                          data={"failed": True, "error": error})], None)
            continue
        node = store.new_node(sid, parent=current, image=image, labelmap=None, instruction=BRIGHTER, executor="local")
        store.commit_turn(sid, [node], [store.new_message(sid, "user", text, node=current),
                                        store.new_message(sid, "assistant", f"reply {i}", node=node.id,
                                                          data={"instruction": BRIGHTER, "executor": "local"})], node.id)
        current = node.id


class CountingStore:
    """Wraps a store's reads for one test: counts the rows each bounded read returns and fails on
    the whole-session reads."""

    def __init__(self, store: SessionStore, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows = 0
        for name in ("recent_messages", "tree", "get_node", "ancestors", "children"):
            monkeypatch.setattr(store, name, self._counted(getattr(store, name)))
        for name in ("messages", "nodes"):
            monkeypatch.setattr(store, name, self._refused(name))

    def _counted(self, read):
        def counted(*args, **kw):
            found = read(*args, **kw)
            self.rows += len(found) if isinstance(found, list) else 1
            return found
        return counted

    @staticmethod
    def _refused(name: str):
        def refused(*_a, **_kw):
            raise AssertionError(f"the tab read the whole session (store.{name})")
        return refused


@pytest.fixture
def store(tmp_path):
    opened = SQLiteSessionStore(tmp_path / "sessions.db")
    yield opened
    opened.close()


def test_a_long_session_shows_its_latest_page_and_pages_back_through_every_message_once(store):
    sid = store.create_session("me").id
    add_turns(store, sid, 300)
    everything = [m.id for m in store.messages(sid)]
    assert len(everything) == 602

    shown = chat_messages(store, sid, None)
    assert [m.id for m in shown] == everything[-CHAT_PAGE:] and has_older(shown)
    pairs = chat_pairs(shown, NodeLookup(store, sid), str)
    assert [p[0] for p in pairs if p[0]] == [f"turn {i}: a bit brighter" for i in range(275, 300)]

    pages = 1
    while older := older_page(store, sid, shown):
        assert len(older) == min(CHAT_PAGE, shown[0].seq - 1) and older[-1].seq == shown[0].seq - 1
        since = older[0].seq
        # what the tab renders after "Load older messages" (and after every later turn): from `since` on
        again = chat_messages(store, sid, since)
        assert [m.id for m in again] == [m.id for m in older + shown]
        shown, pages = again, pages + 1
    assert [m.id for m in shown] == everything and len(set(m.id for m in shown)) == len(everything)
    assert not has_older(shown) and pages == -(-602 // CHAT_PAGE)
    # in order, every message once, failed turns as failures
    text = str(chat_pairs(shown, NodeLookup(store, sid), str))
    assert text.index("turn 0:") < text.index("turn 150:") < text.index("turn 299:")
    assert text.count("imgedit-chat-error") == 300 // 7 and text.count("turn 6 failed") == 1


def test_the_reads_of_a_render_do_not_grow_with_the_session(store, monkeypatch):
    short, long = store.create_session("me").id, store.create_session("me").id
    add_turns(store, short, 100)
    add_turns(store, long, 310)  # the same pattern of failed turns at the end (210 = 30 * 7)
    counter = CountingStore(store, monkeypatch)

    def render_rows(sid: str) -> int:
        counter.rows = 0
        lookup = NodeLookup(store, sid)
        current = store.get_session(sid).current
        history_items(history_nodes(store, sid, current, lookup), current, str, by_id=lookup)
        chat_pairs(chat_messages(store, sid, None), lookup, str)
        last_seq(store, sid)
        return counter.rows

    assert render_rows(short) == render_rows(long) <= CHAT_PAGE + 2 * HISTORY_PAGE + 2
    with pytest.raises(AssertionError, match="whole session"):
        store.messages(long)  # the guard itself works


def test_the_current_step_stays_in_the_history_when_it_is_older_than_the_strip(store):
    sid = store.create_session("me").id
    add_turns(store, sid, 100, failed_every=0)
    old = next(n for n in store.nodes(sid) if n.seq == 10)
    store.commit_turn(sid, [], [], old.id)  # a jump back, as the service records it
    lookup = NodeLookup(store, sid)
    nodes = history_nodes(store, sid, old.id, lookup)
    assert nodes[0].id == old.id and len(nodes) == HISTORY_PAGE + 1
    assert [n.seq for n in nodes[1:]] == list(range(101 - HISTORY_PAGE + 1, 102))
    captions = [caption for _, caption in history_items(nodes, old.id, str, by_id=lookup)]
    assert captions[0].startswith("● 10 ") and sum(c.startswith("●") for c in captions) == 1
    # a step whose parent is outside the strip still shows its branch mark
    branch = store.new_node(sid, parent=old.id, image="x.png", labelmap=None, instruction=BRIGHTER)
    store.commit_turn(sid, [branch], [], branch.id)
    nodes = history_nodes(store, sid, branch.id, NodeLookup(store, sid))
    assert nodes[-1].id == branch.id and history_items(nodes, branch.id, str, by_id=NodeLookup(store, sid))[-1][1].endswith("↳10")


def test_notes_join_a_page_where_they_happened_and_those_before_it_wait_for_their_page(store):
    sid = store.create_session("me").id
    add_turns(store, sid, 40, failed_every=0)
    shown = chat_messages(store, sid, None)
    assert shown[0].seq == 33
    notes = [{"after": 10, "user": "an early try", "text": "early error"},
             {"after": 40, "user": "a later try", "text": "later error"},
             {"after": last_seq(store, sid), "user": None, "text": "last error"}]
    text = str(chat_pairs(shown, NodeLookup(store, sid), str, notes))
    assert "early error" not in text  # it happened before this page: shown with the page it belongs to
    assert text.index("turn 18:") < text.index("later error") < text.index("turn 19:") < text.index("last error")
    everything = older_page(store, sid, shown) + shown
    assert "early error" in str(chat_pairs(everything, NodeLookup(store, sid), str, notes))
