// Keeps an open results page current while counting goes on: polls a small JSON and
// updates the numbers in place. Without JavaScript the page and its tables still work.
// The numbers come written by the server as the page's language writes them ("shown"):
// the browser's own formats are not used, since a browser may lack a language's data
// (Chromium writes Kazakh numbers the English way) and the page would change its style.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-source]");
  if (!box || !window.fetch) { return; }
  var source = box.getAttribute("data-live-source");
  var lastSize = null;

  function set(root, field, text) {
    var nodes = root.querySelectorAll('[data-live="' + field + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = text; }
  }

  function apply(data) {
    if (data.tree_size === lastSize || !data.shown) { return; }
    lastSize = data.tree_size;
    var shown = data.shown;
    set(document, "reported", shown.precincts_reported);
    set(document, "participated", shown.participated);
    set(document, "voters", shown.voters);
    set(document, "turnout", shown.turnout);
    set(document, "tree_size", shown.tree_size);
    var bar = box.querySelector("progress");
    if (bar) { bar.value = data.precincts_reported; }
    Object.keys(data.votes).forEach(function (option) {
      var row = document.querySelector('#results tr[data-option="' + option + '"]');
      if (!row) { return; }
      set(row, "votes", shown.votes[option]);
      set(row, "percent", shown.percent[option]);
    });
    if (data.status !== box.getAttribute("data-status")) {
      box.setAttribute("data-status", data.status);
    }
  }

  function poll() {
    fetch(source, { cache: "no-cache" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
