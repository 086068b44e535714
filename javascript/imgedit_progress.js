/* Chat Edit tab: a turn's start and end, and its progress over the picture. Part of imgedit.js (see
   there). */
(function () {
  "use strict";
  const I = window.imgedit && window.imgedit._;
  if (!I || !I.once("progress")) return;
  const { st, $, stage } = I;

  // A turn runs from beginTurn (the work event's hook) until the state the view renders names its
  // task id. While one runs, Send queues the message instead (shown under the chat) and the queue
  // is sent, one message a turn, when the last turn has ended.
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
    setTimeout(I.sendQueued, 60);
  }

  Object.assign(I, { busy, progressElements, endTurn });
  Object.assign(window.imgedit, { beginTurn });
})();
