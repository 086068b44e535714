/* Chat Edit tab of sd-webui-imgedit: Enter to send, the mask brush and eraser, region picks from the
   legend, before/after, drag and drop, restoring this browser's last session, a turn's progress over
   the picture (the WebUI's requestProgress when there is one), messages sent during a turn queued
   and sent after it, the history strip keeping the current step in view, and older messages loaded
   when the chat is scrolled to its top. In the standalone app (window.imgeditConfig set) it also
   translates the tab, as the WebUI's localization would.
   It talks to the Python side only through the hidden components in #imgedit_hidden and the
   functions of window.imgedit that event hooks call. Every global name starts with imgedit. */
(function () {
  "use strict";
  if (window.imgedit) return;

  const SESSION_KEY = "imgedit_session";
  const MASK_COLOR = "rgb(255, 214, 0)";
  const cfg = window.imgeditConfig || null;
  const st = {
    tool: "none", size: 40, session: null, node: null, current: null, before: null, pickN: null,
    picked: "", painted: false, drawing: false, last: null, restored: false, lang: null,
    turns: new Set(), lastTurn: null, sendAt: 0, queue: [], dequeuing: false,
  };

  function app() {
    const el = document.getElementsByTagName("gradio-app")[0];
    return el ? el.shadowRoot || el : document;
  }
  const $ = (sel) => app().querySelector(sel);
  const stage = () => $("#imgedit_stage");
  const canvas = () => (stage() ? stage().querySelector("canvas.imgedit-mask") : null);

  /* ---------------------------------------------------------------- mask canvas */
  function fitCanvas(img) {
    const cv = canvas();
    if (!cv || !img.naturalWidth) return;
    if (cv.width !== img.naturalWidth || cv.height !== img.naturalHeight) {
      cv.width = img.naturalWidth;
      cv.height = img.naturalHeight;
      st.painted = false;
    }
  }

  function clearMask() {
    const cv = canvas();
    if (cv) cv.getContext("2d").clearRect(0, 0, cv.width, cv.height);
    st.painted = false;
    st.picked = "";
    app().querySelectorAll(".imgedit-legend-item.imgedit-picked").forEach((b) => b.classList.remove("imgedit-picked"));
  }

  function maskData() {
    const cv = canvas();
    if (!cv || !st.painted || !cv.width) return "";
    const px = cv.getContext("2d").getImageData(0, 0, cv.width, cv.height).data;
    for (let i = 3; i < px.length; i += 4) {
      if (px[i] > 127) return cv.toDataURL("image/png");
    }
    return ""; // everything was erased again
  }

  function point(ev) {
    const cv = canvas();
    const r = cv.getBoundingClientRect();
    const scale = cv.width / r.width;
    return [(ev.clientX - r.left) * scale, (ev.clientY - r.top) * (cv.height / r.height), scale];
  }

  function stroke(from, to) {
    const ctx = canvas().getContext("2d");
    ctx.globalCompositeOperation = st.tool === "eraser" ? "destination-out" : "source-over";
    ctx.strokeStyle = ctx.fillStyle = MASK_COLOR;
    ctx.lineCap = ctx.lineJoin = "round";
    ctx.lineWidth = st.size * to[2];
    ctx.beginPath();
    ctx.arc(to[0], to[1], ctx.lineWidth / 2, 0, 2 * Math.PI);
    ctx.fill();
    ctx.beginPath();
    ctx.moveTo(from[0], from[1]);
    ctx.lineTo(to[0], to[1]);
    ctx.stroke();
    if (st.tool === "brush") st.painted = true;
  }

  function setTool(tool) {
    st.tool = st.tool === tool ? "none" : tool;
    const sg = stage();
    sg.dataset.tool = st.tool;
    sg.querySelectorAll(".imgedit-tool").forEach((b) => b.classList.toggle("imgedit-active", b.dataset.tool === st.tool));
    if (st.tool !== "none") setCompare(false);
  }

  function setCompare(on) {
    const sg = stage();
    if (!sg) return;
    const btn = sg.querySelector('[data-action="compare"]');
    on = on && !!st.before;
    sg.classList.toggle("imgedit-comparing", on);
    if (btn) btn.classList.toggle("imgedit-active", on);
    if (on && st.tool !== "none") setTool(st.tool);
  }

  function paintPick(img) {
    const cv = canvas();
    if (!cv) return;
    const pic = new Image();
    pic.onload = () => {
      if (pic.naturalWidth !== cv.width || pic.naturalHeight !== cv.height) return;
      const ctx = cv.getContext("2d");
      ctx.globalCompositeOperation = "source-over";
      ctx.drawImage(pic, 0, 0);
      st.painted = true;
      const item = app().querySelector(`.imgedit-legend-item[data-label="${img.dataset.label}"]`);
      if (item) item.classList.add("imgedit-picked");
    };
    pic.src = img.getAttribute("src");
  }

  /* ---------------------------------------------------------------- turns, progress, queued messages */
  // A turn runs from beginTurn (the work event's hook) until the state the view renders names its
  // task id. While one runs, Send queues the message instead (shown under the chat) and the queue
  // is sent, one message a turn, when the last turn has ended.
  function t(text) {
    const dict = cfg ? (cfg.strings || {})[language()] : window.localization;
    return (dict && dict[text]) || text;
  }

  function busy() {
    return st.turns.size > 0 || Date.now() - st.sendAt < 5000;
  }

  function taskId() {
    if (typeof window.randomId === "function") return window.randomId(); // the WebUI's "task(...)" form
    return `task(${Math.random().toString(36).slice(2, 12)}${Date.now().toString(36)})`;
  }

  function progressElements() {
    const sg = stage();
    return sg ? sg.querySelectorAll(".progressDiv, .livePreview") : [];
  }

  function beginTurn() {
    const id = taskId();
    st.turns.add(id);
    st.sendAt = 0;
    const sg = stage();
    if (sg) sg.classList.remove("imgedit-interrupting");
    const slot = sg && sg.querySelector(".imgedit-progress-slot");
    if (slot && typeof window.requestProgress === "function" && $(".imgedit-page-progress")) {
      // the WebUI's own bar, live preview and ETA for this task, over the picture
      window.requestProgress(id, slot, sg.querySelector("#imgedit_live"), () => {});
    }
    return id;
  }

  function endTurn(id) {
    if (id.startsWith("*")) st.turns.clear(); else st.turns.delete(id);
    if (st.turns.size) return;
    progressElements().forEach((el) => el.classList.add("imgedit-gone"));
    const sg = stage();
    if (sg) sg.classList.remove("imgedit-interrupting");
    setTimeout(sendQueued, 60);
  }

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
      label.textContent = t("Waiting to send after the current edit:");
      const body = document.createElement("span");
      body.textContent = text;
      row.append(label, body);
      return row;
    }));
  }

  function sendQueued() {
    if (busy() || !st.queue.length) return;
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
      progressElements().forEach((el) => el.classList.add("imgedit-gone"));
      const sg = stage();
      if (sg && busy()) sg.classList.add("imgedit-interrupting");
      return;
    }
    if (!send || st.dequeuing) return;
    const box = textBox();
    const text = box ? box.value : "";
    if (!busy()) {
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

  // Remember where the first message shows, whichever way the button is clicked.
  document.addEventListener("click", (e) => {
    const target = e.composedPath ? e.composedPath()[0] : e.target;
    if (!target || !target.closest || !target.closest("#imgedit_older")) return;
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
      if (s.restored && !st.restored) {
        st.restored = true;
        if (cfg && s.language) window.imgedit.setLanguage(s.language); // as saved now, not at the server's start
      }
      const full = "session" in s; // an error answer carries only the end of the turn
      if (full && s.session !== st.session) {
        st.session = s.session;
        if (s.session) localStorage.setItem(SESSION_KEY, s.session);
        else if (st.restored) localStorage.removeItem(SESSION_KEY);
      }
      if (s.turn && s.turn !== st.lastTurn) {
        st.lastTurn = s.turn;
        endTurn(s.turn);
      }
      if (full && (s.node || null) !== st.node) {
        st.node = s.node || null;
        clearMask();
        setCompare(false);
      }
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
      if (!before) setCompare(false);
    }
    const pick = $("#imgedit_pickmask img.imgedit-pick");
    if (pick && pick.dataset.n !== st.pickN) {
      st.pickN = pick.dataset.n;
      paintPick(pick);
    }
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

  /* ---------------------------------------------------------------- events */
  function attachStage(sg) {
    const cv = sg.querySelector("canvas.imgedit-mask");
    const img = sg.querySelector("img.imgedit-current");
    img.addEventListener("load", () => fitCanvas(img));
    cv.addEventListener("pointerdown", (e) => {
      if (st.tool === "none" || !cv.width) return;
      e.preventDefault();
      cv.setPointerCapture(e.pointerId);
      st.drawing = true;
      st.last = point(e);
      stroke(st.last, st.last);
    });
    cv.addEventListener("pointermove", (e) => {
      if (!st.drawing) return;
      const p = point(e);
      stroke(st.last, p);
      st.last = p;
    });
    const stop = () => { st.drawing = false; };
    cv.addEventListener("pointerup", stop);
    cv.addEventListener("pointercancel", stop);
    sg.addEventListener("click", (e) => {
      const tool = e.target.closest(".imgedit-tool");
      const action = e.target.closest(".imgedit-action");
      if (tool) setTool(tool.dataset.tool);
      else if (action && action.dataset.action === "clear") clearMask();
      else if (action && action.dataset.action === "compare") setCompare(!sg.classList.contains("imgedit-comparing"));
    });
    sg.querySelector(".imgedit-size input").addEventListener("input", (e) => { st.size = Number(e.target.value); });
    sg.querySelector(".imgedit-compare-slider").addEventListener("input", (e) => {
      sg.style.setProperty("--imgedit-split", `${e.target.value}%`);
    });
    sg.addEventListener("dragover", (e) => { e.preventDefault(); sg.classList.add("imgedit-dropping"); });
    sg.addEventListener("dragleave", () => sg.classList.remove("imgedit-dropping"));
    sg.addEventListener("drop", (e) => {
      e.preventDefault();
      sg.classList.remove("imgedit-dropping");
      const file = e.dataTransfer && e.dataTransfer.files[0];
      const btn = $("#imgedit_upload");
      const input = btn && btn.parentElement.querySelector('input[type="file"]');
      if (!file || !input) return;
      const dt = new DataTransfer();
      dt.items.add(file);
      input.files = dt.files;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

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

  document.addEventListener("change", (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target;
    if (t && t.closest && t.closest("#imgedit_overlay")) schedule();
  }, true);

  // A click on a label of the legend adds that region to the mask.
  document.addEventListener("click", (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target;
    const item = t && t.closest ? t.closest("#imgedit_legend .imgedit-legend-item") : null;
    const btn = $("#imgedit_pick");
    if (!item || !btn) return;
    st.picked = item.dataset.label;
    btn.click();
  });

  /* ---------------------------------------------------------------- language (standalone only) */
  function language() {
    if (!cfg) return String((window.opts && window.opts.localization) || "");
    const want = st.lang || cfg.lang || "auto";
    if (want !== "auto") return want;
    const nav = (navigator.languages && navigator.languages[0]) || navigator.language || "";
    return nav.toLowerCase().startsWith("zh") ? "zh_CN" : "en";
  }

  const SKIP = ".cm-editor, #imgedit_hidden, script, style, textarea";
  function translateValue(rec, current, dict) {
    if (rec.shown !== current) rec.orig = current; // changed by gradio since: a new original
    const key = rec.orig.trim();
    const target = dict && key && dict[key] ? rec.orig.replace(key, dict[key]) : rec.orig;
    rec.shown = target;
    return target;
  }

  function translate() {
    if (!cfg) return;
    const dict = (cfg.strings || {})[language()] || null;
    const root = app();
    const base = root === document ? document.body : root;
    const walker = document.createTreeWalker(base, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.nodeValue.trim() || (node.parentElement && node.parentElement.closest(SKIP))) continue;
      node.imgeditText = node.imgeditText || { orig: node.nodeValue, shown: node.nodeValue };
      const target = translateValue(node.imgeditText, node.nodeValue, dict);
      if (node.nodeValue !== target) node.nodeValue = target;
    }
    base.querySelectorAll("[placeholder], [title]").forEach((el) => {
      el.imgeditAttrs = el.imgeditAttrs || {};
      for (const name of ["placeholder", "title"]) {
        const value = el.getAttribute(name);
        if (value === null) continue;
        el.imgeditAttrs[name] = el.imgeditAttrs[name] || { orig: value, shown: value };
        const target = translateValue(el.imgeditAttrs[name], value, dict);
        if (value !== target) el.setAttribute(name, target);
      }
    });
    document.documentElement.lang = language() === "zh_CN" ? "zh-CN" : "en";
  }


  /* ---------------------------------------------------------------- the WebUI's send-to */
  // The WebUI's paste code calls recalculate_prompts_<tab> after pasting an infotext, but its ui.js
  // defines that only for txt2img and img2img: sending to inpaint would raise a page error.
  if (typeof window.recalculate_prompts_inpaint !== "function") {
    window.recalculate_prompts_inpaint = function () {
      if (typeof window.recalculate_prompts_img2img === "function") return window.recalculate_prompts_img2img(...arguments);
      return Array.from(arguments);
    };
  }

  /* ---------------------------------------------------------------- start */
  window.imgedit = {
    maskData,
    clearMask,
    beginTurn,
    language,
    pickedLabel: () => st.picked,
    restoreSession: () => localStorage.getItem(SESSION_KEY) || "",
    setLanguage(lang) {
      st.lang = lang;
      translate();
    },
  };

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
    attachStage(sg);
    const progress = $("#imgedit_progress");
    const slot = sg.querySelector(".imgedit-progress-slot");
    if (progress && slot) slot.appendChild(progress); // gradio's bar for a turn shows over the picture
    new MutationObserver(schedule).observe(hidden, { subtree: true, childList: true, attributes: true, characterData: true });
    const strip = $("#imgedit_history");
    if (strip) new MutationObserver(onceAFrame(markHistory)).observe(strip, { subtree: true, childList: true, characterData: true });
    const chat = $("#imgedit_chat");
    if (chat) {
      new MutationObserver(onceAFrame(keepPlace)).observe(chat, { subtree: true, childList: true });
      chat.addEventListener("scroll", onChatScroll, true); // scroll does not bubble: caught on the way down
      chat.addEventListener("load", keepPlace, true); // a picture above the anchor got its height
    }
    sync();
    setTimeout(restore, 100);
    if (cfg) {
      translate();
      const root = app();
      new MutationObserver(onceAFrame(translate)).observe(root === document ? document.body : root,
        { subtree: true, childList: true, characterData: true });
    }
  }, 200);
})();
