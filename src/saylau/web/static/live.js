// Keeps an open results page current while counting goes on: polls a small JSON and
// updates the numbers in place. Without JavaScript the page and its tables still work.
(function () {
  "use strict";
  var box = document.querySelector("[data-live-source]");
  if (!box || !window.fetch) { return; }
  var source = box.getAttribute("data-live-source");
  var lang = document.documentElement.lang || "kk";
  var whole = new Intl.NumberFormat(lang);
  var share = new Intl.NumberFormat(lang, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  var lastSize = null;

  function set(root, field, text) {
    var nodes = root.querySelectorAll('[data-live="' + field + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = text; }
  }

  function apply(data) {
    if (data.tree_size === lastSize) { return; }
    lastSize = data.tree_size;
    set(document, "reported", whole.format(data.precincts_reported));
    set(document, "participated", whole.format(data.participated));
    set(document, "tree_size", whole.format(data.tree_size));
    var bar = box.querySelector("progress");
    if (bar) { bar.value = data.precincts_reported; }
    Object.keys(data.votes).forEach(function (option) {
      var row = document.querySelector('#results tr[data-option="' + option + '"]');
      if (!row) { return; }
      set(row, "votes", whole.format(data.votes[option]));
      var pct = data.percent[option];
      set(row, "percent", pct === null ? "—" : share.format(pct) + " %");
    });
    if (data.status !== box.getAttribute("data-status")) {
      box.setAttribute("data-status", data.status);
    }
  }

  function poll() {
    fetch(source, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { apply(data); } })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 3000);
})();
