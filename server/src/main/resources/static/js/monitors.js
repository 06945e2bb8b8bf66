// The monitor form: only the chosen kind's fields (heartbeat, http, tcp) and the chosen way of
// expecting pings (period or cron) show; header rows are removed; after a refused save the first
// field with a mistake has the focus. Without it, every field shows and blank ones are ignored.
(function () {
  "use strict";
  function form() {
    return document.querySelector(".monitor-form");
  }
  function sync() {
    var f = form();
    if (!f) {
      return;
    }
    var kind = f.querySelector('input[name="kind"]:checked') || f.querySelector('input[name="kind"][type="hidden"]');
    if (kind) {
      f.setAttribute("data-kind", kind.value);
    }
    var every = f.querySelector('input[name="every"]:checked');
    if (every) {
      f.setAttribute("data-every", every.value);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    sync();
    var f = form();
    var invalid = f && f.querySelector('[aria-invalid="true"]');
    if (invalid) {
      invalid.focus();
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches('.monitor-form input[name="kind"], .monitor-form input[name="every"]')) {
      sync();
    }
  });
  document.addEventListener("click", function (e) {
    var remove = e.target.closest(".monitor-form [data-remove-row]");
    if (!remove) {
      return;
    }
    var row = remove.closest(".header-row");
    if (row.parentNode.querySelectorAll(".header-row").length > 1) {
      row.remove();
    } else {
      row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
    }
  });
})();
