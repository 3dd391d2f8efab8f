// The webchat client, one script for both places a person can chat:
// - partners embed it with one tag, as a launcher button and a panel:
//     <script src="https://BOT-HOST/widget.js" data-partner="KEY" async></script>
// - the bot's own chat page (/) loads it with data-mode="page": the panel fills the page.
// Everything lives in a shadow root on one element; the only global effects are that
// element, a keydown listener for the quick exit (Shift three times) and, while the panel
// covers the whole window, a focusin listener that keeps focus inside it.
(function () {
  "use strict";
  var CSS = __WIDGET_CSS__;
  var STRINGS = __WIDGET_STRINGS__;
  var STORE = "resource-line-widget"; // the one sessionStorage entry; never cookies or localStorage
  var SHIFTS = 3;
  var SHIFT_WINDOW_MS = 2000;

  var script = document.currentScript ||
    document.querySelector("script[src*='widget.js'][data-partner], script[src*='widget.js'][data-mode]");
  var STARTED = "data-resource-line-started"; // marks the tag that drew the widget
  if (!script || document.querySelector("script[" + STARTED + "]")) { return; }
  script.setAttribute(STARTED, "");
  var key = script.getAttribute("data-partner") || "";
  var pageMode = script.getAttribute("data-mode") === "page";
  var base = new URL(".", script.src).href; // the bot's base URL, from this script's own src
  var config = null;
  var state = null;
  var ui = {};
  var host = null;
  var root = null;
  var pending = null;
  var tooLong = false;

  function warn(text) {
    if (window.console) { console.warn("Resource Line widget: " + text); }
  }

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE) || "null");
      if (saved && saved.partner === key && Array.isArray(saved.log)) { return saved; }
    } catch (e) { /* storage blocked or garbled: start afresh */ }
    return null;
  }

  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* blocked */ }
  }

  function newSessionId() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return (b + 256).toString(16).slice(1);
    }).join("");
  }

  function known(lang) { return STRINGS[lang] ? lang : state.lang; }

  function t(name, lang, n) {
    lang = known(lang || state.lang);
    return STRINGS[lang][name].replace("{call}", config.hotline.call)
      .replace("{text}", config.hotline.text)
      .replace("{minutes}", String(config.forget_minutes))
      .replace("{max}", config.max_message.toLocaleString(lang))
      .replace("{n}", (n || 0).toLocaleString(lang));
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // Numbers in the bot's words become links: phone numbers and 911 to call, the hotline's
  // text number to text. Nothing else is markup. An extension ("ext. 12") is dialled after
  // a pause (a comma), once the call connects.
  function digitsOf(text) { return String(text || "").replace(/\D/g, ""); }

  function numberPattern() {
    var text = digitsOf(config.hotline.text);
    return new RegExp("\\b(?:1-)?\\d{3}-\\d{3}-\\d{4}\\b(?: ext\\. \\d{1,8}\\b)?|\\b911\\b" +
      (text ? "|\\b" + text + "\\b" : ""), "g");
  }

  function numberHref(number) {
    var parts = String(number).split(" ext. ");
    var digits = digitsOf(parts[0]);
    if (digits === digitsOf(config.hotline.text)) { return "sms:" + digits; }
    if (digits === "911") { return "tel:911"; }
    return "tel:+" + (digits.length === 10 ? "1" + digits : digits) +
      (parts[1] ? "," + digitsOf(parts[1]) : "");
  }

  function appendWithLinks(parent, text) {
    var last = 0;
    text.replace(numberPattern(), function (number, at) {
      parent.appendChild(document.createTextNode(text.slice(last, at)));
      parent.appendChild(el("a", {"href": numberHref(number)}, number));
      last = at + number.length;
      return number;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Each bubble carries the language it was written in, so a language switch later does
  // not make a screen reader read an earlier Spanish reply with English rules.
  function bubble(entry, extra) {
    var lang = known(entry.lang);
    var p = el("p", {"class": "msg " + entry.who + (extra ? " " + extra : ""), "lang": lang});
    p.appendChild(el("span", {"class": "sr"}, t(entry.who === "me" ? "you" : "bot", lang)));
    if (entry.who === "bot") { appendWithLinks(p, entry.text); } else {
      p.appendChild(document.createTextNode(entry.text));
    }
    ui.log.appendChild(p);
    ui.log.scrollTop = ui.log.scrollHeight;
    ui.body.scrollTop = ui.body.scrollHeight; // short windows: keep the newest and the input in view
    return p;
  }

  function greeting() {
    return config.greeting[state.lang] || config.greeting[config.lang] || "";
  }

  function renderLog() {
    ui.log.textContent = "";
    bubble({who: "bot", text: greeting(), lang: state.lang}, "greeting");
    state.log.forEach(function (m) { bubble(m); });
  }

  function renderCount() {
    var n = Array.from(ui.input.value).length; // code points, as the server counts them
    var over = n > config.max_message;
    ui.count.textContent = t(over ? "tooLong" : "count", null, n);
    ui.count.classList.toggle("over", over);
    if (over) { ui.input.setAttribute("aria-invalid", "true"); } else {
      ui.input.removeAttribute("aria-invalid");
    }
    if (over !== tooLong) { ui.status.textContent = over ? ui.count.textContent : ""; }
    tooLong = over;
  }

  function renderText() {
    ui.widget.setAttribute("lang", state.lang);
    if (pageMode) { document.documentElement.setAttribute("lang", state.lang); }
    if (ui.launcher) { ui.launcher.textContent = t("launcher"); }
    ui.title.textContent = pageMode && config.name ? config.name : t("title");
    ui.lang.textContent = t("other");
    ui.lang.setAttribute("lang", t("otherLang"));
    ui.exit.textContent = t("exit");
    if (ui.close) {
      ui.close.textContent = t("close");
      ui.close.setAttribute("aria-label", t("closeLabel"));
    }
    ui.note.textContent = t("note");
    ui.privacy.textContent = t("privacy");
    ui.log.setAttribute("aria-label", t("log"));
    ui.label.textContent = t("input");
    ui.send.textContent = t("send");
    ui.hotline.textContent = "";
    appendWithLinks(ui.hotline, t("hotline"));
    tooLong = false;
    renderCount();
  }

  // The panel covers the window on phones and in short windows (a laptop zoomed in).
  function covering() {
    if (!ui.panel || ui.panel.hidden) { return false; }
    var r = ui.panel.getBoundingClientRect();
    return r.left <= 1 && r.top <= 1 && r.right >= window.innerWidth - 1 &&
      r.bottom >= window.innerHeight - 1;
  }

  function focusables() {
    var found = ui.panel.querySelectorAll("a[href], button, input, [tabindex='0']");
    return Array.prototype.filter.call(found, function (n) {
      return !n.disabled && n.getClientRects().length > 0;
    });
  }

  // While the panel covers the page, Tab cycles inside it: what lies under it is unseen.
  function keepFocusInside(event) {
    if (event.key !== "Tab" || !covering()) { return; }
    var all = focusables();
    if (!all.length) { return; }
    var first = all[0];
    var last = all[all.length - 1];
    var active = root.activeElement;
    if (event.shiftKey && (active === first || all.indexOf(active) < 0)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || all.indexOf(active) < 0)) {
      event.preventDefault();
      first.focus();
    }
  }

  function markModal() {
    if (!pageMode) { ui.panel.setAttribute("aria-modal", covering() ? "true" : "false"); }
  }

  function setOpen(open, focus) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.widget.classList.toggle("open", open);
    if (ui.launcher) { ui.launcher.setAttribute("aria-expanded", open ? "true" : "false"); }
    markModal();
    save();
    if (focus) { (open || !ui.launcher ? ui.input : ui.launcher).focus(); }
  }

  function send(text) {
    var mine = {who: "me", text: text, lang: state.lang};
    state.log.push(mine);
    save();
    var mineNode = bubble(mine);
    var waiting = bubble({who: "bot", text: t("waiting"), lang: state.lang}, "waiting");
    ui.log.setAttribute("aria-busy", "true");
    pending = window.AbortController ? new AbortController() : null;
    var url = base + "api/chat" + (key ? "?partner=" + encodeURIComponent(key) : "");
    var body = {session_id: state.sid, message: text, lang: state.lang};
    if (key) { body.partner = key; }
    fetch(url, {
      method: "POST",
      credentials: "omit",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify(body),
      signal: pending ? pending.signal : undefined
    }).then(function (r) { return r.json(); })
      .then(function (data) {
        return {text: data.reply || data.error || t("offline"), lang: known(data.lang)};
      }, function () { return {text: t("offline"), lang: state.lang}; })
      .then(function (reply) {
        if (!state) { return; } // quick exit happened meanwhile
        waiting.remove();
        ui.log.removeAttribute("aria-busy");
        // The bot answers in the language it read, so that is the message's language too.
        mine.lang = reply.lang;
        mineNode.setAttribute("lang", reply.lang);
        state.log.push({who: "bot", text: reply.text, lang: reply.lang});
        save();
        bubble(state.log[state.log.length - 1]);
      });
  }

  function quickExit() {
    if (pending) { pending.abort(); }
    if (host) { host.remove(); } // gone from the screen at once
    state = null;
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing was stored */ }
    var target = (config && config.exit_url) || "about:blank";
    try { window.top.location.replace(target); } catch (e) { window.location.replace(target); }
  }

  function watchShift() {
    var count = 0;
    var first = 0;
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Shift") { count = 0; return; }
      if (event.repeat) { return; }
      var now = Date.now();
      if (!count || now - first > SHIFT_WINDOW_MS) { count = 0; first = now; }
      count += 1;
      if (count >= SHIFTS) { quickExit(); }
    }, true);
  }

  function build() {
    host = el("div", {"data-resource-line-widget": ""});
    var position = script.getAttribute("data-position");
    if (position === "left") { host.setAttribute("data-position", "left"); }
    if (pageMode) { host.setAttribute("data-mode", "page"); }
    root = host.attachShadow({mode: "open"});
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      // An inline <style>: on a page whose Content-Security-Policy allows it by nonce (the
      // bot's own pages put one on this script's tag), it needs the same nonce.
      var style = el("style", {}, CSS);
      if (script.nonce) { style.nonce = script.nonce; }
      root.appendChild(style);
    }
    ui.widget = el("div", {"class": "widget" + (pageMode ? " page" : "")});
    ui.widget.style.setProperty("--accent", config.accent);
    ui.panel = el("section", pageMode ? {"id": "panel", "class": "panel", "aria-labelledby": "title"} :
      {"id": "panel", "class": "panel", "role": "dialog", "aria-labelledby": "title"});
    var bar = el("div", {"class": "bar"});
    ui.title = el(pageMode ? "h1" : "h2", {"id": "title", "class": "title"});
    ui.exit = el("button", {"type": "button", "class": "exit"});
    ui.lang = el("button", {"type": "button", "class": "plain"});
    [ui.title, ui.exit, ui.lang].forEach(function (n) { bar.appendChild(n); });
    if (!pageMode) {
      ui.close = el("button", {"type": "button", "class": "plain"});
      bar.appendChild(ui.close);
      ui.launcher = el("button", {"type": "button", "class": "launcher", "aria-controls": "panel"});
    }
    // Everything below the bar scrolls as one when the window is short, so the bar (and
    // Quick exit in it) never leaves the screen and the message box can always be reached.
    ui.body = el("div", {"class": "body"});
    var notes = el("div", {"class": "notes"});
    ui.note = el("p", {"class": "note"});
    ui.privacy = el("p", {"class": "note privacy"});
    notes.appendChild(ui.note);
    notes.appendChild(ui.privacy);
    ui.log = el("div", {"class": "log", "role": "log", "aria-live": "polite", "tabindex": "0"});
    ui.hotline = el("p", {"class": "hotline"});
    var form = el("form", {"class": "send"});
    ui.label = el("label", {"for": "message"});
    var row = el("div", {"class": "row"});
    ui.input = el("input", {"id": "message", "type": "text", "autocomplete": "off",
      "enterkeyhint": "send", "aria-describedby": "count"});
    ui.send = el("button", {"type": "submit"});
    ui.count = el("p", {"id": "count", "class": "count"});
    ui.status = el("p", {"class": "sr", "role": "status"});
    row.appendChild(ui.input);
    row.appendChild(ui.send);
    [ui.label, row, ui.count, ui.status].forEach(function (n) { form.appendChild(n); });
    [notes, ui.hotline, ui.log, form].forEach(function (n) { ui.body.appendChild(n); });
    ui.panel.appendChild(bar);
    ui.panel.appendChild(ui.body);
    ui.widget.appendChild(ui.panel);
    if (ui.launcher) { ui.widget.appendChild(ui.launcher); }
    root.appendChild(ui.widget);

    if (ui.launcher) {
      ui.launcher.addEventListener("click", function () { setOpen(ui.panel.hidden, true); });
      ui.close.addEventListener("click", function () { setOpen(false, true); });
    }
    ui.exit.addEventListener("click", quickExit);
    ui.lang.addEventListener("click", function () {
      state.lang = t("otherLang");
      save();
      renderText();
      renderLog();
      ui.lang.focus();
    });
    ui.input.addEventListener("input", renderCount);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text || tooLong) {
        if (tooLong) { ui.status.textContent = ui.count.textContent; }
        ui.input.focus();
        return;
      }
      ui.input.value = "";
      renderCount();
      send(text);
    });
    ui.panel.addEventListener("keydown", keepFocusInside);
    ui.widget.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && ui.launcher && !ui.panel.hidden) {
        event.stopPropagation();
        setOpen(false, true);
      }
    });
    document.addEventListener("focusin", function (event) {
      if (state && event.target !== host && covering()) { ui.input.focus(); }
    });
    window.addEventListener("resize", markModal);
    renderText();
    renderLog();
    var mount = pageMode ? document.querySelector("main") || document.body : document.body;
    mount.appendChild(host);
    setOpen(pageMode || Boolean(state.open), false);
  }

  function start(data) {
    config = data;
    state = load() || {partner: key, sid: newSessionId(), open: false, log: []};
    var asked = script.getAttribute("data-lang");
    if (!STRINGS[state.lang]) { state.lang = STRINGS[asked] ? asked : config.lang; }
    watchShift();
    build();
  }

  if (!key && !pageMode) { warn("the script tag needs a data-partner attribute."); return; }
  var configUrl = base + "widget/config" + (key ? "/" + encodeURIComponent(key) : "");
  fetch(configUrl, {credentials: "omit"})
    .then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (body) {
        if (!r.ok) { throw new Error(body.error || "the bot answered " + r.status + "."); }
        return body;
      });
    })
    .then(function (data) {
      if (document.body) { start(data); } else {
        document.addEventListener("DOMContentLoaded", function () { start(data); });
      }
    })
    .catch(function (error) {
      warn("not shown. " + (error && error.message && error.message !== "Failed to fetch" ?
        error.message : "The bot refused this website or could not be reached; check that " +
        "its origin is registered for partner \"" + key + "\"."));
    });
}());
