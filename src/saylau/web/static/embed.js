// Pasted with a Saylau widget's iframe into any page: sets each widget's height to what the
// widget reports, so every option shows whatever the page's width. Only messages from the
// site this script came from are read; no cookie, no other request. The script may run
// after a widget has already reported, so it asks each widget to report again.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.postMessage) { return; }
  var origin = new URL(me.src, document.baseURI).origin;
  if (window.__saylauEmbed) { return; }
  window.__saylauEmbed = true;
  function frames() { return document.querySelectorAll("iframe[data-saylau-embed]"); }
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "saylau-widget-height") { return; }
    var found = frames();
    for (var i = 0; i < found.length; i++) {
      if (found[i].contentWindow === event.source) {
        var height = Math.ceil(Number(data.height));
        if (height > 0 && height < 20000) { found[i].style.height = height + "px"; }
      }
    }
  });
  function ask(frame) {
    if (frame.contentWindow) {
      frame.contentWindow.postMessage({ type: "saylau-embed-ask" }, origin);
    }
  }
  var found = frames();
  for (var i = 0; i < found.length; i++) {
    ask(found[i]);
    found[i].addEventListener("load", ask.bind(null, found[i]));
  }
})();
