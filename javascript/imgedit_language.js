/* Chat Edit tab: its language. The WebUI translates the page itself (window.localization); in the
   standalone app (window.imgeditConfig set) this translates the tab. Part of imgedit.js (see there). */
(function () {
  "use strict";
  const I = window.imgedit && window.imgedit._;
  if (!I || !I.once("language")) return;
  const { cfg, st, app } = I;

  function t(text) {
    const dict = cfg ? (cfg.strings || {})[language()] : window.localization;
    return (dict && dict[text]) || text;
  }

  /* ---------------------------------------------------------------- language (standalone only) */
  // This browser's choice, kept in its localStorage: never the server's, so one user's choice
  // changes no other browser.
  const LANG_KEY = "imgedit_language";
  function language() {
    if (!cfg) return String((window.opts && window.opts.localization) || "");
    const want = st.lang || localStorage.getItem(LANG_KEY) || cfg.lang || "auto";
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

  Object.assign(I, { t, translate });
  Object.assign(window.imgedit, {
    language,
    setLanguage(lang) {
      st.lang = lang;
      localStorage.setItem(LANG_KEY, lang);
      translate();
      return language(); // what the choice means here ("auto": the browser's), for the Python side
    },
  });
})();
