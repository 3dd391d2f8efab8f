// The webchat widget partners embed with one tag:
//   <script src="https://BOT-HOST/widget.js" data-partner="KEY" async></script>
// Everything lives in a shadow root on one element at the end of <body>; the only global
// effects are that element and a keydown listener for the quick exit (Shift three times).
(function () {
  "use strict";
  var CSS = __WIDGET_CSS__;
  var STORE = "resource-line-widget"; // the one sessionStorage entry; never cookies or localStorage
  var SHIFTS = 3;
  var SHIFT_WINDOW_MS = 2000;
  var STRINGS = {
    en: {
      launcher: "Chat with us",
      title: "Help chat",
      other: "Español",
      otherLang: "es",
      exit: "Quick exit",
      close: "Close",
      closeLabel: "Close chat",
      note: "Quick exit (or Shift 3 times) leaves this page at once. " +
        "It does not erase your browser history.",
      log: "Conversation",
      input: "Your message",
      send: "Send",
      you: "You: ",
      bot: "Helper: ",
      waiting: "One moment...",
      hotline: "Talk to a person 24/7: call {call} or text {text}. In danger now? Call 911.",
      offline: "Sorry, the chat is not answering. Call {call} or text {text}, 24/7."
    },
    es: {
      launcher: "Escríbanos",
      title: "Chat de ayuda",
      other: "English",
      otherLang: "en",
      exit: "Salida rápida",
      close: "Cerrar",
      closeLabel: "Cerrar el chat",
      note: "La salida rápida (o Mayús 3 veces) deja esta página al instante. " +
        "No borra el historial del navegador.",
      log: "Conversación",
      input: "Su mensaje",
      send: "Enviar",
      you: "Usted: ",
      bot: "Asistente: ",
      waiting: "Un momento...",
      hotline: "Hable con una persona 24/7: llame al {call} o envíe un texto al {text}. " +
        "¿En peligro ahora? Llame al 911.",
      offline: "Lo sentimos, el chat no responde. Llame al {call} o envíe un texto al {text}, 24/7."
    }
  };

  var script = document.currentScript ||
    document.querySelector("script[data-partner][src*='widget.js']");
  var STARTED = "data-resource-line-started"; // marks the tag that drew the widget
  if (!script || document.querySelector("script[" + STARTED + "]")) { return; }
  script.setAttribute(STARTED, "");
  var key = script.getAttribute("data-partner") || "";
  var base = new URL(".", script.src).href; // the bot's base URL, from this script's own src
  var config = null;
  var state = null;
  var ui = {};
  var host = null;
  var pending = null;

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

  function t(name) {
    if (!state) { return ""; }
    return STRINGS[state.lang][name].replace("{call}", config.hotline.call)
      .replace("{text}", config.hotline.text);
  }

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) { node.textContent = text; }
    return node;
  }

  // Phone numbers in the bot's words become tap-to-call links; nothing else is markup.
  var PHONE = /\b(?:1-)?\d{3}-\d{3}-\d{4}\b/g;

  function appendWithLinks(parent, text) {
    var last = 0;
    text.replace(PHONE, function (number, at) {
      parent.appendChild(document.createTextNode(text.slice(last, at)));
      var digits = number.replace(/\D/g, "");
      var href = "tel:+" + (digits.length === 10 ? "1" + digits : digits);
      parent.appendChild(el("a", {"href": href}, number));
      last = at + number.length;
      return number;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  function bubble(who, text, extra) {
    var p = el("p", {"class": "msg " + who + (extra ? " " + extra : "")});
    p.appendChild(el("span", {"class": "sr"}, t(who === "me" ? "you" : "bot")));
    if (who === "bot") { appendWithLinks(p, text); } else {
      p.appendChild(document.createTextNode(text));
    }
    ui.log.appendChild(p);
    ui.log.scrollTop = ui.log.scrollHeight;
    return p;
  }

  function greeting() {
    return config.greeting[state.lang] || config.greeting[config.lang] || "";
  }

  function renderLog() {
    ui.log.textContent = "";
    bubble("bot", greeting(), "greeting");
    state.log.forEach(function (m) { bubble(m.who, m.text); });
  }

  function renderText() {
    ui.widget.setAttribute("lang", state.lang);
    ui.launcher.textContent = t("launcher");
    ui.title.textContent = t("title");
    ui.lang.textContent = t("other");
    ui.lang.setAttribute("lang", t("otherLang"));
    ui.exit.textContent = t("exit");
    ui.close.textContent = t("close");
    ui.close.setAttribute("aria-label", t("closeLabel"));
    ui.note.textContent = t("note");
    ui.log.setAttribute("aria-label", t("log"));
    ui.label.textContent = t("input");
    ui.send.textContent = t("send");
    ui.hotline.textContent = "";
    appendWithLinks(ui.hotline, t("hotline"));
  }

  function setOpen(open, focus) {
    state.open = open;
    ui.panel.hidden = !open;
    ui.launcher.setAttribute("aria-expanded", open ? "true" : "false");
    save();
    if (focus) { (open ? ui.input : ui.launcher).focus(); }
  }

  function send(text) {
    state.log.push({who: "me", text: text});
    save();
    bubble("me", text);
    var waiting = bubble("bot", t("waiting"), "waiting");
    ui.log.setAttribute("aria-busy", "true");
    pending = window.AbortController ? new AbortController() : null;
    fetch(base + "api/chat?partner=" + encodeURIComponent(key), {
      method: "POST",
      credentials: "omit",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({session_id: state.sid, message: text, lang: state.lang, partner: key}),
      signal: pending ? pending.signal : undefined
    }).then(function (r) { return r.json(); })
      .then(function (data) { return data.reply || data.error || t("offline"); },
        function () { return t("offline"); })
      .then(function (reply) {
        if (!state) { return; } // quick exit happened meanwhile
        waiting.remove();
        ui.log.removeAttribute("aria-busy");
        state.log.push({who: "bot", text: reply});
        save();
        bubble("bot", reply);
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
    var root = host.attachShadow({mode: "open"});
    if (root.adoptedStyleSheets && window.CSSStyleSheet && CSSStyleSheet.prototype.replaceSync) {
      var sheet = new CSSStyleSheet();
      sheet.replaceSync(CSS);
      root.adoptedStyleSheets = [sheet];
    } else {
      root.appendChild(el("style", {}, CSS));
    }
    ui.widget = el("div", {"class": "widget"});
    ui.widget.style.setProperty("--accent", config.accent);
    ui.launcher = el("button", {"type": "button", "class": "launcher", "aria-controls": "panel"});
    ui.panel = el("section", {"id": "panel", "class": "panel", "role": "dialog",
      "aria-labelledby": "title"});
    var bar = el("div", {"class": "bar"});
    ui.title = el("h2", {"id": "title", "class": "title"});
    ui.exit = el("button", {"type": "button", "class": "exit"});
    ui.lang = el("button", {"type": "button", "class": "plain"});
    ui.close = el("button", {"type": "button", "class": "plain"});
    [ui.title, ui.exit, ui.lang, ui.close].forEach(function (n) { bar.appendChild(n); });
    ui.note = el("p", {"class": "note"});
    ui.log = el("div", {"class": "log", "role": "log", "aria-live": "polite", "tabindex": "0"});
    ui.hotline = el("p", {"class": "hotline"});
    var form = el("form", {"class": "send"});
    ui.label = el("label", {"for": "message"});
    var row = el("div", {"class": "row"});
    ui.input = el("input", {"id": "message", "type": "text", "autocomplete": "off",
      "maxlength": "2000", "enterkeyhint": "send"});
    ui.send = el("button", {"type": "submit"});
    row.appendChild(ui.input);
    row.appendChild(ui.send);
    form.appendChild(ui.label);
    form.appendChild(row);
    [bar, ui.note, ui.log, ui.hotline, form].forEach(function (n) { ui.panel.appendChild(n); });
    ui.widget.appendChild(ui.panel);
    ui.widget.appendChild(ui.launcher);
    root.appendChild(ui.widget);

    ui.launcher.addEventListener("click", function () { setOpen(ui.panel.hidden, true); });
    ui.close.addEventListener("click", function () { setOpen(false, true); });
    ui.exit.addEventListener("click", quickExit);
    ui.lang.addEventListener("click", function () {
      state.lang = t("otherLang");
      save();
      renderText();
      renderLog();
      ui.lang.focus();
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = ui.input.value.trim();
      if (!text) { ui.input.focus(); return; }
      ui.input.value = "";
      send(text);
    });
    ui.widget.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && !ui.panel.hidden) {
        event.stopPropagation();
        setOpen(false, true);
      }
    });
    renderText();
    renderLog();
    setOpen(Boolean(state.open), false);
    document.body.appendChild(host);
  }

  function start(data) {
    config = data;
    state = load() || {partner: key, sid: newSessionId(), open: false, log: []};
    var asked = script.getAttribute("data-lang");
    if (!STRINGS[state.lang]) { state.lang = STRINGS[asked] ? asked : config.lang; }
    watchShift();
    build();
  }

  if (!key) { warn("the script tag needs a data-partner attribute."); return; }
  fetch(base + "widget/config/" + encodeURIComponent(key), {credentials: "omit"})
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
