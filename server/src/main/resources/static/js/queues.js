// Dead letters: "select all" and the selected count for the bulk bar, and a confirmation before a
// bulk delete (which then skips the server's own confirmation page). Without script, the bar is a
// plain form and the server asks before deleting.
(function () {
  "use strict";
  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll("input.dl-pick"));
  }
  function update() {
    var count = picks().filter(function (p) { return p.checked; }).length;
    var label = document.getElementById("dl-selected");
    if (label) {
      label.textContent = count === 0 ? "Select rows to act on them:" : count + " selected:";
    }
    var all = document.getElementById("dl-all");
    if (all) {
      all.checked = count > 0 && count === picks().length;
      all.indeterminate = count > 0 && count < picks().length;
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    var all = document.getElementById("dl-all");
    if (all) {
      all.hidden = false;
      all.addEventListener("change", function () {
        picks().forEach(function (p) { p.checked = all.checked; });
        update();
      });
    }
    update();
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("input.dl-pick")) {
      update();
    }
  });
  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-bulk-delete]");
    if (!button) {
      return;
    }
    var count = picks().filter(function (p) { return p.checked; }).length;
    if (count === 0) {
      return; // the server says to select some first
    }
    if (!window.confirm("Delete " + count + (count === 1 ? " dead letter" : " dead letters") + "? They cannot be redriven afterwards.")) {
      e.preventDefault();
      return;
    }
    var form = button.form;
    var confirmed = form.querySelector("input[name=confirm]");
    if (!confirmed) {
      confirmed = document.createElement("input");
      confirmed.type = "hidden";
      confirmed.name = "confirm";
      form.appendChild(confirmed);
    }
    confirmed.value = "true";
  });
})();
