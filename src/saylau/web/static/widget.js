// The widget tells the page that frames it how tall it is, whenever that changes (a new
// number, a narrower screen), for the snippet's embed.js to size the iframe. The height is
// no secret, so any page may read it.
(function () {
  "use strict";
  if (window.parent === window) { return; }
  var last = 0;
  function report() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) {
      last = height;
      window.parent.postMessage({ type: "saylau-widget-height", height: height }, "*");
    }
  }
  if (window.ResizeObserver) { new ResizeObserver(report).observe(document.documentElement); }
  window.addEventListener("load", report);
  window.addEventListener("resize", report);
  report();
})();
