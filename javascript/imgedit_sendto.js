/* Chat Edit tab: the WebUI's send-to. Part of imgedit.js (see there). */
(function () {
  "use strict";
  const I = window.imgedit && window.imgedit._;
  if (!I || !I.once("sendto")) return;

  // The WebUI's paste code calls recalculate_prompts_<tab> after pasting an infotext, but its ui.js
  // defines that only for txt2img and img2img: sending to inpaint would raise a page error.
  if (typeof window.recalculate_prompts_inpaint !== "function") {
    window.recalculate_prompts_inpaint = function () {
      if (typeof window.recalculate_prompts_img2img === "function") return window.recalculate_prompts_img2img(...arguments);
      return Array.from(arguments);
    };
  }
})();
