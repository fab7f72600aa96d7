// The widget tells the page that frames it how tall it is, whenever that changes (a new
// number, a narrower screen) and whenever the page's embed.js asks, for it to size the
// iframe. The height is no secret, so any page may read it.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  function report(again) {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last || again === true) {
      last = height;
      window.parent.postMessage({ type: "saylau-widget-height", height: height }, "*");
    }
  }
  window.addEventListener("message", function (event) {
    if (event.source === window.parent && event.data && event.data.type === "saylau-embed-ask") {
      report(true);
    }
  });
  if (window.ResizeObserver) { new ResizeObserver(function () { report(); }).observe(document.documentElement); }
  window.addEventListener("load", function () { report(); });
  window.addEventListener("resize", function () { report(); });
  report();
})();
