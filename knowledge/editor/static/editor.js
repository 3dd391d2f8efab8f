// Live SMS budget under every template and answer box: the server measures the text
// exactly as the bot would send it (placeholders filled, folded to GSM-7, segments).
(function () {
  "use strict";
  var token = document.querySelector("input[name=csrf_token]");
  var boxes = document.querySelectorAll("textarea[data-budget]");
  if (!token || !boxes.length) return;
  var url = document.querySelector("meta[name=budget-url]").content;

  function show(box, out, data) {
    var text = data.segments + " SMS segment" + (data.segments === 1 ? "" : "s") +
      " of at most " + data.max_segments + ", " + data.encoding + ", " +
      data.characters + " characters as sent.";
    if (data.problems && data.problems.length) text += " " + data.problems.join(" ");
    out.textContent = text;
    out.className = "budget" + (data.ok ? "" : " over");
  }

  function measure(box) {
    var out = document.getElementById(box.getAttribute("aria-describedby"));
    if (!box.value.trim()) { out.textContent = ""; return; }
    fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": token.value },
      body: JSON.stringify({ text: box.value, kind: box.dataset.budget, lang: box.dataset.lang })
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) show(box, out, data); })
      .catch(function () { out.textContent = ""; });
  }

  boxes.forEach(function (box) {
    var timer = null;
    box.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { measure(box); }, 250);
    });
    measure(box);
  });
})();

// Ask before deleting, and before leaving an entry whose edits are not saved.
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) event.preventDefault();
    });
  });
  var record = document.querySelector("form.record");
  if (!record) return;
  function values() {
    return Array.prototype.map.call(record.elements, function (field) {
      return field.type === "checkbox" || field.type === "radio" ? field.checked : field.value;
    }).join("\u0000");
  }
  var saved = values();
  var saving = false;
  record.addEventListener("submit", function () { saving = true; });
  window.addEventListener("beforeunload", function (event) {
    if (saving || values() === saved) return;
    event.preventDefault();
    event.returnValue = "";  // the browser shows its own "leave site?" question
  });
})();
