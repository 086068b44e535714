/* Chat Edit tab of sd-webui-imgedit: Enter to send, the mask brush and eraser, region picks from the
   legend, before/after, drag and drop, restoring this browser's last session, a turn's progress over
   the picture (the WebUI's requestProgress when there is one), messages sent during a turn queued
   and sent after it, the history strip keeping the current step in view, older messages loaded
   when the chat is scrolled to its top, and labels read after an upload shown when they arrive. In
   the standalone app (window.imgeditConfig set) it also translates the tab, as the WebUI's
   localization would.
   It talks to the Python side only through the hidden components in #imgedit_hidden and the
   functions of window.imgedit that event hooks call. Every global name starts with imgedit.

   The script is one file a concern, loaded in sorted filename order (the WebUI loads every file of
   javascript/ so; the standalone app joins them in that order, lib_imgedit/ui/tab.py script_files):
     imgedit.js           this file: the shared state and helpers, and the namespace window.imgedit
     imgedit_chat.js      Send and Enter-to-send, queued messages, the history strip, older messages
     imgedit_language.js  translation of the tab (standalone only)
     imgedit_progress.js  a turn's start and end, its progress over the picture
     imgedit_sendto.js    the WebUI's send-to
     imgedit_stage.js     the mask canvas: brush, eraser, legend picks, before/after, drag and drop
     imgedit_sync.js      following the Python side (the hidden components, labels still being read), and the start
   The others reach what this file shares, and each other's functions, through window.imgedit._
   (not enumerable; the functions event hooks call are the enumerable ones). */
(function () {
  "use strict";
  if (window.imgedit) return;

  const cfg = window.imgeditConfig || null;
  const st = {
    tool: "none", size: 40, session: null, node: null, current: null, before: null, pickN: null,
    picked: "", painted: false, drawing: false, last: null, restored: false, lang: null,
    turns: new Set(), lastTurn: null, sendAt: 0, queue: [], dequeuing: false, following: false,
  };

  function app() {
    const el = document.getElementsByTagName("gradio-app")[0];
    return el ? el.shadowRoot || el : document;
  }
  const $ = (sel) => app().querySelector(sel);
  const stage = () => $("#imgedit_stage");
  const canvas = () => (stage() ? stage().querySelector("canvas.imgedit-mask") : null);

  // Each of the other files runs once: `once(name)` is true the first time it is asked for that name.
  const parts = new Set();
  const once = (name) => !parts.has(name) && !!parts.add(name);

  window.imgedit = {};
  Object.defineProperty(window.imgedit, "_", {
    value: { SESSION_KEY: "imgedit_session", MASK_COLOR: "rgb(255, 214, 0)", cfg, st, app, $, stage, canvas, once },
  });
})();
