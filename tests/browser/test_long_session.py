"""A long session in a real browser: the tab opens on the latest messages and loads older ones when
the chat is scrolled to its top, keeping the reader's place."""

from __future__ import annotations

import base64
import io

import pytest
import requests

from lib_imgedit.ui.pages import CHAT_PAGE, HISTORY_PAGE
from tests.browser.driver import API, Tab

pytestmark = pytest.mark.browser
TURNS = 40  # 82 messages: the latest page of 50 and one older page


def _long_session(tab: Tab) -> str:
    """A session of TURNS local edits on a tiny picture, made through the API (as the browser's
    anonymous client, so the tab may open it)."""
    from PIL import Image

    url = tab.app.url + API
    buf = io.BytesIO()
    Image.new("RGB", (48, 48), (120, 90, 60)).save(buf, "PNG")
    sid = requests.post(f"{url}/sessions", timeout=30).json()["session_id"]
    requests.post(f"{url}/sessions/{sid}/image", json={"image": base64.b64encode(buf.getvalue()).decode()},
                  timeout=60).raise_for_status()
    for i in range(TURNS):
        step = {"operation": "adjust", "adjust": {"brightness": 0.05 if i % 2 else -0.05}}
        requests.post(f"{url}/sessions/{sid}/run", json={"instruction": step, "text": f"step {i}: a bit lighter"},
                      timeout=60).raise_for_status()
    return sid


# the chat's scrolling element
CHAT_BOX = ("[...document.querySelectorAll('#imgedit_chat div')]"
            ".find(el => el.scrollHeight > el.clientHeight && /(auto|scroll)/.test(getComputedStyle(el).overflowY))")


def scroll_to_top(tab: Tab) -> None:
    """The user scrolls the chat up with the mouse wheel (as far as it goes)."""
    tab.page.hover("#imgedit_chat")
    tab.page.mouse.wheel(0, -100000)


def test_a_long_session_opens_on_its_latest_messages_and_loads_older_ones_on_scroll(tab: Tab, photo):
    sid = _long_session(tab)
    assert len(tab.app.get(f"/sessions/{sid}", params={"limit": 200}).json()["messages"]) == 2 * TURNS + 2
    tab.page.evaluate("sid => localStorage.setItem('imgedit_session', sid)", sid)
    tab.open()
    assert tab.state()["session"] == sid
    tab.wait_chat(f"step {TURNS - 1}: a bit lighter")
    first_shown = TURNS - CHAT_PAGE // 2  # each turn is two messages
    older = tab.page.locator("#imgedit_older")
    older.wait_for(state="visible")
    text = tab.chat_text()
    assert f"step {first_shown}:" in text and f"step {first_shown - 1}:" not in text and "I can see" not in text
    tab.shot("long-session-latest")

    # scrolled to the top: the older page arrives above, and the message that was on top stays in view
    tab.page.wait_for_function(f"() => {{ const b = {CHAT_BOX}; return b && b.scrollTop > 0; }}")
    scroll_to_top(tab)
    tab.wait_chat("I can see")
    older.wait_for(state="hidden")
    text = tab.chat_text()
    positions = [text.index(f"step {i}: a bit lighter") for i in range(TURNS)]
    assert positions == sorted(positions) and all(text.count(f"step {i}: ") == 1 for i in range(TURNS))
    tab.page.wait_for_timeout(600)  # the pictures of the older page load; the place is kept meanwhile
    in_view = tab.page.evaluate(
        f"""([label]) => {{ const box = {CHAT_BOX}; const r = box.getBoundingClientRect();
          const row = [...box.querySelectorAll('.message-row')].find(el => el.innerText.includes(label));
          const t = row.getBoundingClientRect(); return t.bottom > r.top && t.top < r.bottom && box.scrollTop > 0; }}""",
        [f"step {first_shown}: "])
    assert in_view, "the message that was on top scrolled out of view when the older ones came"
    tab.shot("long-session-older")

    # a turn keeps what was loaded; the history strip stays bounded with the current step marked; the chat,
    # scrolled up, shows its newest message after the turn (issue 19 point 4, issue 21 point 8)
    state = tab.send("a bit darker")
    assert state["session"] == sid and "I can see" in tab.chat_text()
    tab.page.wait_for_function(f"""() => {{ const b = {CHAT_BOX};
      return b && b.scrollHeight - b.scrollTop - b.clientHeight < 8; }}""", timeout=5000)
    assert tab.history_count() == HISTORY_PAGE and "● " in tab.page.locator("#imgedit_history").inner_text()

    # after a reload the chat is the latest page again; the button loads the rest too
    tab.open()
    older.wait_for(state="visible")
    assert "I can see" not in tab.chat_text()
    older.click()
    tab.wait_chat("I can see")
    older.wait_for(state="hidden")

    # scrolled to the top, an upload brings the chat down to its newest message, the upload's reply
    scroll_to_top(tab)
    tab.upload(photo)
    tab.page.wait_for_function(f"""() => {{ const b = {CHAT_BOX};
      return b && b.scrollHeight - b.scrollTop - b.clientHeight < 8; }}""", timeout=5000)
