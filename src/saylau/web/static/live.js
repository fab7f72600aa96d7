// Keeps an open results page current while counting goes on. Without JavaScript the page
// and its tables still work.
//
// A results page has one block (#live-results) holding every figure: counts, shares,
// turnout, seats, the map, the charts, the status and the last update. The server renders
// it from one read and says the ledger size it was read at (data-tree-size); the page
// polls for a block read at a larger size and swaps the whole block, so no figure is ever
// of another moment than the others. Polling stops once the contest is certified.
// The embedded widget has a block of its own and is kept current the same way.
(function () {
  "use strict";
  if (!window.fetch) { return; }
  var PERIOD = 3000;

  function setText(root, field, text) {
    var nodes = root.querySelectorAll('[data-live="' + field + '"]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = text; }
  }

  function pollBlock(block) {
    var source = block.getAttribute("data-live-block");
    var size = Number(block.getAttribute("data-tree-size"));
    if (block.getAttribute("data-status") === "certified") { return; }

    function swap(html) {
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var fresh = holder.querySelector("#live-results");
      if (!fresh) { return; }
      var freshSize = Number(fresh.getAttribute("data-tree-size"));
      if (!(freshSize > size)) { return; }  // another worker may lag: never go back
      var opened = block.querySelectorAll("details");
      var toOpen = fresh.querySelectorAll("details");
      for (var i = 0; i < opened.length && i < toOpen.length; i++) {
        toOpen[i].open = opened[i].open;  // a reader's open explanation stays open
      }
      var focused = document.activeElement;
      var refocus = null;
      if (focused && block.contains(focused) && focused.getAttribute("href")) {
        refocus = focused.getAttribute("href");  // a keyboard reader keeps their place
      }
      block.replaceWith(fresh);
      block = fresh;
      if (refocus) {
        var same = fresh.querySelector('a[href="' + refocus.replace(/"/g, '\\"') + '"]');
        if (same) { same.focus(); }
      }
      var note = document.getElementById("live-note");
      var progress = fresh.querySelector(".progress strong");
      if (note && progress) { note.textContent = progress.textContent; }
      size = freshSize;
      setText(document, "tree_size", fresh.getAttribute("data-tree-size-shown"));
    }

    function poll() {
      fetch(source + "&after=" + size, { cache: "no-store" })
        .then(function (r) { return r.status === 200 ? r.text() : null; })
        .then(function (html) { if (html) { swap(html); } })
        .catch(function () {})
        .then(function () {
          if (block.getAttribute("data-status") !== "certified") {
            window.setTimeout(poll, PERIOD);
          }
        });
    }
    window.setTimeout(poll, PERIOD);
  }

  var block = document.querySelector("#live-results[data-live-block]");
  if (block) { pollBlock(block); }
})();
