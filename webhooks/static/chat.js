// The local chat page: sends each message to /api/chat and shows the reply.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("send");
  var input = document.getElementById("message");
  // One conversation per tab; nothing is kept once the tab closes.
  var sid = sessionStorage.getItem("chat-session");
  if (!sid) {
    sid = (self.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2);
    sessionStorage.setItem("chat-session", sid);
  }

  function show(text, who) {
    var p = document.createElement("p");
    p.className = "msg " + who;
    p.textContent = text;
    log.appendChild(p);
    log.scrollTop = log.scrollHeight;
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    show(text, "me");
    input.value = "";
    fetch("/api/chat", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: JSON.stringify({session_id: sid, message: text})
    }).then(function (r) { return r.json(); })
      .then(function (data) { show(data.reply || data.error, "bot"); })
      .catch(function () {
        show("Sorry, something went wrong. Call 1-888-373-7888 or text 233733.", "bot");
      });
  });
}());
