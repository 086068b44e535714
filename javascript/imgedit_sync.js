/* Chat Edit tab: following the Python side (the state and files in the hidden components: the
   session kept in this browser, the end of a turn, the picture, before/after, a region picked, labels
   still being read), and the start, once the tab is in the page. Part of imgedit.js (see there). */
(function () {
  "use strict";
  const I = window.imgedit && window.imgedit._;
  if (!I || !I.once("sync")) return;
  const { SESSION_KEY, cfg, st, app, $, stage } = I;

  /* ---------------------------------------------------------------- following the Python side */
  function readState() {
    const el = $("#imgedit_state .imgedit-state");
    try {
      return el ? JSON.parse(el.dataset.state) : null;
    } catch (e) {
      return null;
    }
  }

  // The URL of the file a hidden gr.File holds (its download link, in gradio 3 and 4 alike).
  function srcOf(id) {
    const link = $(`#${id} a[href]`);
    return link ? link.href : null;
  }

  function sync() {
    const sg = stage();
    if (!sg) return;
    const s = readState();
    if (s) {
      if (s.restored && !st.restored) st.restored = true;
      const full = "session" in s; // an error answer carries only the end of the turn
      if (full && s.session !== st.session) {
        st.session = s.session;
        if (s.session) {
          localStorage.setItem(SESSION_KEY, s.session);
          remember(s.session);
        }
        else if (st.restored) localStorage.removeItem(SESSION_KEY);
      }
      if (s.turn && s.turn !== st.lastTurn) {
        st.lastTurn = s.turn;
        I.endTurn(s.turn);
        I.toNewest();
      }
      if (full && (s.node || null) !== st.node) {
        st.node = s.node || null;
        I.clearMask();
        I.setCompare(false);
        I.toNewest(); // an upload, a turn's result, a restored session
      }
      if (s.labels_pending) followLabels();
    }
    // the overlay is shown only while its box is ticked, and only over the picture it was made for
    const plain = srcOf("imgedit_current_file");
    const overlay = srcOf("imgedit_overlay_file");
    const box = $("#imgedit_overlay input");
    const stem = plain ? decodeURIComponent(plain.split("/").pop()).replace(/\.png$/, "") : "";
    const current = box && box.checked && overlay && stem && overlay.includes(`overlay-${stem}`) ? overlay : plain;
    if (current !== st.current) {
      st.current = current;
      const img = sg.querySelector("img.imgedit-current");
      const link = sg.querySelector(".imgedit-download");
      if (current) {
        img.src = current;
        link.href = plain;
        link.download = `imgedit-${(s && s.seq) || 0}.png`;
      } else {
        img.removeAttribute("src");
        link.removeAttribute("href");
      }
      link.setAttribute("aria-disabled", current ? "false" : "true");
      sg.classList.toggle("imgedit-has-image", !!current);
    }
    const before = srcOf("imgedit_before_file");
    if (before !== st.before) {
      st.before = before;
      if (before) sg.querySelector("img.imgedit-before").src = before;
      sg.querySelector('[data-action="compare"]').disabled = !before;
      if (!before) I.setCompare(false);
    }
    const pick = $("#imgedit_pickmask img.imgedit-pick");
    if (pick && pick.dataset.n !== st.pickN) {
      st.pickN = pick.dataset.n;
      I.paintPick(pick);
    }
  }

  /* ---------------------------------------------------------------- labels still being read */
  // After an upload, slower models may still be reading the picture (the state says labels_pending).
  // Every second the page asks for the view again (#imgedit_refresh, answered at once; it changes
  // nothing until the labels are in), except while a turn runs: its end renders the view anyway. When
  // they are in, the chips, the overlay and the chat's message arrive as after a turn, no reload.
  const FOLLOW_MS = 1000;
  function followLabels() {
    if (st.following) return;
    st.following = true;
    const tick = () => {
      const s = readState();
      if (!s || !s.labels_pending) {
        st.following = false;
        return;
      }
      const btn = $("#imgedit_refresh");
      if (btn && !I.busy()) btn.click();
      setTimeout(tick, FOLLOW_MS);
    };
    setTimeout(tick, FOLLOW_MS);
  }

  // `fn` at most once a frame, however many changes the DOM reports in between
  function onceAFrame(fn) {
    let pending = false;
    return () => {
      if (pending) return;
      pending = true;
      requestAnimationFrame(() => {
        pending = false;
        fn();
      });
    };
  }
  const schedule = onceAFrame(sync);

  document.addEventListener("change", (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target;
    if (t && t.closest && t.closest("#imgedit_overlay")) schedule();
  }, true);

  // This browser's sessions, most recent first, for "Previous sessions" (the server checks each).
  const KNOWN_KEY = "imgedit_sessions";
  function known() {
    try {
      const ids = JSON.parse(localStorage.getItem(KNOWN_KEY) || "[]");
      return Array.isArray(ids) ? ids.filter((id) => typeof id === "string") : [];
    } catch (e) {
      return [];
    }
  }
  function remember(id) {
    localStorage.setItem(KNOWN_KEY, JSON.stringify([id, ...known().filter((k) => k !== id)].slice(0, 20)));
  }

  /* ---------------------------------------------------------------- start */
  window.imgedit.restoreSession = () => localStorage.getItem(SESSION_KEY) || "";
  window.imgedit.knownSessions = () => known().join(",");

  let tries = 0;
  function restore() {
    const btn = $("#imgedit_restore");
    if (st.restored || !btn || tries >= 5) return;
    tries += 1;
    btn.click();
    setTimeout(restore, 1500);
  }

  const boot = setInterval(() => {
    const sg = stage();
    const hidden = $("#imgedit_hidden");
    if (!sg || !hidden || !$("#imgedit_restore")) return;
    clearInterval(boot);
    I.attachStage(sg);
    const progress = $("#imgedit_progress");
    const slot = sg.querySelector(".imgedit-progress-slot");
    if (progress && slot) slot.appendChild(progress); // gradio's bar for a turn shows over the picture
    new MutationObserver(schedule).observe(hidden, { subtree: true, childList: true, attributes: true, characterData: true });
    const strip = $("#imgedit_history");
    if (strip) new MutationObserver(onceAFrame(I.markHistory)).observe(strip, { subtree: true, childList: true, characterData: true });
    const chat = $("#imgedit_chat");
    if (chat) {
      new MutationObserver(onceAFrame(I.onChatChange)).observe(chat, { subtree: true, childList: true });
      chat.addEventListener("scroll", I.onChatScroll, true); // scroll does not bubble: caught on the way down
      chat.addEventListener("load", I.onChatChange, true); // a picture got its height
      for (const type of ["wheel", "touchstart", "keydown", "mousedown"]) chat.addEventListener(type, I.letGo, { capture: true, passive: true });
    }
    sync();
    setTimeout(restore, 100);
    if (cfg) {
      I.translate();
      const root = app();
      new MutationObserver(onceAFrame(I.translate)).observe(root === document ? document.body : root,
        { subtree: true, childList: true, characterData: true });
    }
  }, 200);
})();
