/* Chat Edit tab: the mask canvas over the picture (brush, eraser, clear), region picks from the
   legend, before/after, and a picture dropped on the stage. Part of imgedit.js (see there). */
(function () {
  "use strict";
  const I = window.imgedit && window.imgedit._;
  if (!I || !I.once("stage")) return;
  const { MASK_COLOR, st, app, $, stage, canvas } = I;

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

  // A click on a label of the legend adds that region to the mask.
  document.addEventListener("click", (e) => {
    const t = e.composedPath ? e.composedPath()[0] : e.target;
    const item = t && t.closest ? t.closest("#imgedit_legend .imgedit-legend-item") : null;
    const btn = $("#imgedit_pick");
    if (!item || !btn) return;
    st.picked = item.dataset.label;
    btn.click();
  });

  Object.assign(I, { clearMask, setCompare, paintPick, attachStage });
  Object.assign(window.imgedit, { maskData, clearMask, pickedLabel: () => st.picked });
})();
