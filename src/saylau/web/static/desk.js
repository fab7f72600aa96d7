// The commission's desk: while a protocol is typed, ask the server whether its numbers keep
// the control relations (the same check a submission gets; no rule is decided here) and
// say so in the form's status line. Without JavaScript the form works the same, checked on
// submission.
(function () {
  "use strict";
  var form = document.querySelector("form.protocol-form");
  if (!form || !window.fetch) { return; }
  var status = form.querySelector("#check");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[inputmode=numeric]"));
  var timer = null;
  var asked = 0;

  function say(kind, text, items) {
    status.className = "check" + (kind ? " check-" + kind : "");
    status.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    status.appendChild(p);
    if (items && items.length) {
      var list = document.createElement("ul");
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.textContent = item;
        list.appendChild(li);
      });
      status.appendChild(list);
    }
  }

  function check() {
    var lines = {};
    var complete = true;
    inputs.forEach(function (input) {
      lines[input.name] = input.value;
      if (!input.value.trim()) { complete = false; }
    });
    if (!complete) { say("", form.dataset.incomplete); return; }
    var mine = ++asked;
    fetch(form.dataset.check, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf },
      body: JSON.stringify({
        precinct: form.dataset.precinct, contest: form.dataset.contest,
        lang: form.dataset.lang, lines: lines
      })
    }).then(function (response) { return response.json(); }).then(function (answer) {
      if (mine !== asked) { return; }  // a later check is on its way
      if (answer.status === "acceptable") { say("ok", form.dataset.ok); return; }
      var items = (answer.shown || []).map(function (b) {
        return b.check ? b.line + ": " + b.check + " (" + form.dataset.found + ": " + b.found + ")"
                       : b.line;
      });
      say("failed", form.dataset.broken, items);
    }).catch(function () { /* the check is a help; the submission is checked anyway */ });
  }

  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
