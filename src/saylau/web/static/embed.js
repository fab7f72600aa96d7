// Pasted with a Saylau widget's iframe into any page: sets each widget's height to what the
// widget reports, so every option shows whatever the page's width. Only messages from the
// site this script came from are read; no cookie, no other request.
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !window.postMessage) { return; }
  var origin = new URL(me.src, document.baseURI).origin;
  if (window.__saylauEmbed) { return; }
  window.__saylauEmbed = true;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== origin || !data || data.type !== "saylau-widget-height") { return; }
    var frames = document.querySelectorAll("iframe[data-saylau-embed]");
    for (var i = 0; i < frames.length; i++) {
      if (frames[i].contentWindow === event.source) {
        var height = Math.ceil(Number(data.height));
        if (height > 0 && height < 20000) { frames[i].style.height = height + "px"; }
      }
    }
  });
})();
