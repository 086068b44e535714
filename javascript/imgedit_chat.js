/* Chat Edit tab: the chat. Send and Enter-to-send, messages sent during a turn queued and sent after
   it, the history strip keeping the current step in view, and older messages loaded when the chat
   is scrolled to its top. Part of imgedit.js (see there). */
(function () {
  "use strict";
  const I = window.imgedit && window.imgedit._;
  if (!I || !I.once("chat")) return;
  const { st, app, $, stage } = I;

  /* ---------------------------------------------------------------- queued messages */
  function textBox() {
    return $("#imgedit_text textarea");
  }

  function setText(value) {
    const box = textBox();
    if (!box) return;
    box.value = value;
    box.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function showQueue() {
    const el = $("#imgedit_queue .imgedit-queue");
    if (!el) return;
    el.replaceChildren(...st.queue.map((text) => {
      const row = document.createElement("div");
      row.className = "imgedit-queued";
      const label = document.createElement("small");
      label.textContent = I.t("Waiting to send after the current edit:");
      const body = document.createElement("span");
      body.textContent = text;
      row.append(label, body);
      return row;
    }));
  }

  function sendQueued() {
    if (I.busy() || !st.queue.length) return;
    setText(st.queue.shift());
    showQueue();
    setTimeout(() => {
      const send = $("#imgedit_send");
      if (!send) return;
      st.dequeuing = true;
      st.sendAt = Date.now();
      send.click();
      st.dequeuing = false;
    }, 60);
  }

  // Send: goes out now, or is queued while a turn runs (never dropped). Caught before gradio's handler.
  document.addEventListener("click", (e) => {
    const target = e.composedPath ? e.composedPath()[0] : e.target;
    const send = target && target.closest ? target.closest("#imgedit_send") : null;
    const stop = target && target.closest ? target.closest("#imgedit_interrupt") : null;
    if (stop) {
      // the progress display ends now, not when the host gets round to it
      I.progressElements().forEach((el) => el.classList.add("imgedit-gone"));
      const sg = stage();
      if (sg && I.busy()) {
        // "stopping..." until the turn ends, which the server holds back until the WebUI is free
        sg.style.setProperty("--imgedit-stopping", JSON.stringify(I.t("stopping...")));
        sg.classList.add("imgedit-interrupting");
      }
      return;
    }
    if (!send || st.dequeuing) return;
    const box = textBox();
    const text = box ? box.value : "";
    if (!I.busy()) {
      if (text.trim()) st.sendAt = Date.now();
      return;
    }
    e.stopPropagation();
    e.preventDefault();
    if (!text.trim()) return;
    st.queue.push(text);
    setText("");
    showQueue();
  }, true);

  // The history strip: one row; the current step (● in its caption) marked and scrolled into view.
  function markHistory() {
    const items = app().querySelectorAll("#imgedit_history .thumbnail-item");
    let current = null;
    items.forEach((item) => {
      const caption = item.querySelector(".caption-label");
      const on = !!caption && caption.textContent.trim().startsWith("●");
      item.classList.toggle("imgedit-current", on);
      if (on) current = item;
    });
    if (!current) return;
    const strip = current.parentElement;
    const left = current.offsetLeft - strip.offsetLeft;
    if (left < strip.scrollLeft || left + current.offsetWidth > strip.scrollLeft + strip.clientWidth) {
      strip.scrollLeft = Math.max(0, left - (strip.clientWidth - current.offsetWidth) / 2);
    }
  }

  /* ---------------------------------------------------------------- older messages */
  // The chat holds the latest page of messages. Scrolled to its top, the page clicks "Load older
  // messages" (at most once a second, and only while the button shows: there are older ones); the
  // message that was at the top stays where it was when the older ones arrive above it, also
  // while their pictures load.
  const older = { at: 0, box: null, rows: 0, top: 0, anchor: null, until: 0 };

  function chatRows(box) {
    return box.querySelectorAll(".message-row"); // gradio 3.41 and 4 alike
  }

  function rowTop(row, box) {
    return row.getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop;
  }

  function isChatScroller(el) {
    return !!el && el.nodeType === 1 && !!el.closest("#imgedit_chat") && el.scrollHeight > el.clientHeight;
  }

  function keepPlace() {
    const box = older.box;
    if (!box || Date.now() > older.until) return;
    if (!older.anchor) {
      const rows = chatRows(box);
      const added = rows.length - older.rows;
      if (added <= 0) return; // not here yet
      older.anchor = rows[added];
      older.until = Date.now() + 2000; // pictures above may still be loading
    }
    box.scrollTop = rowTop(older.anchor, box) - older.top;
  }

  /* ---------------------------------------------------------------- the newest message */
  // After a turn or an upload (a new step, or the turn's end): the chat shows its newest message, also
  // as the new rows and their pictures arrive (on a busy page, seconds later), until the user scrolls
  // up or asks for older messages.
  const newest = { until: 0 };

  function chatScroller() {
    return [...app().querySelectorAll("#imgedit_chat div")].find(isChatScroller) || null;
  }

  function scrollNewest() {
    if (Date.now() > newest.until) return;
    const box = chatScroller();
    if (box) box.scrollTop = box.scrollHeight;
  }

  function toNewest() {
    older.until = 0; // no longer holding the place of older messages that came in
    newest.until = Date.now() + 60000;
    scrollNewest();
    setTimeout(scrollNewest, 300);
  }

  function onChatChange() {
    keepPlace();
    scrollNewest();
  }

  // The user scrolls the chat themselves (wheel, touch, keys, the scroll bar): the newest message lets go.
  // Not on scroll events: gradio re-rendering the rows moves the scroll position too.
  function letGo() {
    newest.until = 0;
  }

  // Remember where the first message shows, whichever way the button is clicked.
  document.addEventListener("click", (e) => {
    const target = e.composedPath ? e.composedPath()[0] : e.target;
    if (!target || !target.closest || !target.closest("#imgedit_older")) return;
    newest.until = 0; // the user reads back: the newest message no longer pulls the chat down
    const box = [...app().querySelectorAll("#imgedit_chat div")].find(isChatScroller) || null;
    const rows = box ? chatRows(box) : [];
    Object.assign(older, { at: Date.now(), box, rows: rows.length, anchor: null, until: Date.now() + 10000,
      top: rows.length ? rowTop(rows[0], box) - box.scrollTop : 0 });
  }, true);

  let olderRetry = 0;
  function onChatScroll(e) {
    if (!isChatScroller(e.target)) return;
    clearTimeout(olderRetry);
    loadOlderAtTop(e.target, 8);
  }

  // At the top: click "Load older messages"; within a second of the last click, or before the button
  // shows on a busy page, look again shortly (a few times) instead of dropping the scroll.
  function loadOlderAtTop(box, tries) {
    if (box.scrollTop > 40) return;
    const wait = 1000 - (Date.now() - older.at);
    const btn = $("#imgedit_older");
    if (wait <= 0 && btn && btn.offsetParent !== null) {
      btn.click();
    } else if (tries > 0) {
      olderRetry = setTimeout(() => loadOlderAtTop(box, tries - 1), Math.max(wait, 250));
    }
  }

  /* ---------------------------------------------------------------- Enter to send */
  // Enter sends, Shift+Enter is a new line (and never while an input method is composing). Caught
  // before gradio's own handler on the textarea, which would send on Shift+Enter instead.
  function onEnter(e) {
    const t = e.composedPath ? e.composedPath()[0] : e.target;
    if (e.key !== "Enter" || !t || t.tagName !== "TEXTAREA" || !t.closest("#imgedit_text")) return;
    e.stopPropagation();
    if (e.shiftKey || e.isComposing || e.keyCode === 229) return; // the browser inserts the new line
    e.preventDefault();
    const send = $("#imgedit_send");
    if (e.type === "keydown" && send) send.click();
  }
  document.addEventListener("keydown", onEnter, true);
  document.addEventListener("keypress", onEnter, true);

  Object.assign(I, { sendQueued, markHistory, keepPlace, onChatScroll, toNewest, onChatChange, letGo });
})();
