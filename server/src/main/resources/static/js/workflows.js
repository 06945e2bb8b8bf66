// A run's page: the waterfall re-renders on the live stream as steps finish; the rows the reader
// opened stay open across the swap. Without script the page is complete, only not live.
(function () {
  "use strict";
  var open = [];
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.target && e.detail.target.id === "waterfall") {
      open = Array.prototype.map.call(
        e.detail.target.querySelectorAll(".wf-row > details[open]"),
        function (d) { return d.parentElement.getAttribute("data-step"); });
    }
  });
  document.addEventListener("htmx:afterSettle", function () {
    var waterfall = document.getElementById("waterfall");
    if (!waterfall || open.length === 0) {
      return;
    }
    open.forEach(function (name) {
      var row = waterfall.querySelector('.wf-row[data-step="' + CSS.escape(name) + '"] > details');
      if (row) {
        row.open = true;
      }
    });
    open = [];
  });
})();
