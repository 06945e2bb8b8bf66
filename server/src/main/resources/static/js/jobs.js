// The job form: cron quick picks, header rows, and showing only the chosen kind of schedule; the
// job page: the planned-vs-actual squares' details. Both work without it (the form shows both
// schedule kinds and ignores blank header rows; each square still names its occurrence).
(function () {
  "use strict";
  function form() {
    return document.querySelector(".job-form");
  }
  function showSchedule() {
    var f = form();
    var checked = f && f.querySelector('input[name="scheduleType"]:checked');
    if (checked) {
      f.setAttribute("data-schedule", checked.value);
    }
  }
  document.addEventListener("DOMContentLoaded", showSchedule);
  document.addEventListener("change", function (e) {
    if (e.target.matches('input[name="scheduleType"]')) {
      showSchedule();
    }
  });
  // Planned vs actual: a square (a button) shows its occurrence's details in the panel below. The
  // details are rendered by the server into a <template> beside each square.
  var selectedAt = null;
  function showEntry(button) {
    var panel = document.getElementById("tl-panel");
    var template = document.getElementById(button.getAttribute("data-detail"));
    if (!panel || !template) {
      return;
    }
    document.querySelectorAll(".timeline .tl[aria-expanded=true]").forEach(function (b) {
      b.setAttribute("aria-expanded", "false");
    });
    button.setAttribute("aria-expanded", "true");
    panel.replaceChildren(template.content.cloneNode(true));
    selectedAt = button.getAttribute("data-at");
  }
  // The live region re-renders the strip; keep the chosen occurrence open.
  document.addEventListener("htmx:afterSettle", function () {
    if (selectedAt) {
      var again = document.querySelector('.timeline .tl[data-at="' + selectedAt + '"]');
      if (again) {
        showEntry(again);
      }
    }
  });
  document.addEventListener("click", function (e) {
    var entry = e.target.closest(".timeline .tl[data-detail]");
    if (entry) {
      showEntry(entry);
      return;
    }
    var pick = e.target.closest("[data-cron]");
    if (pick) {
      var input = document.getElementById("cron");
      input.value = pick.getAttribute("data-cron");
      input.dispatchEvent(new Event("change", { bubbles: true }));
      input.focus();
      return;
    }
    var remove = e.target.closest("[data-remove-row]");
    if (remove) {
      var row = remove.closest(".header-row");
      var rows = row.parentNode;
      if (rows.querySelectorAll(".header-row").length > 1) {
        row.remove();
      } else {
        row.querySelectorAll("input").forEach(function (i) { i.value = ""; });
      }
    }
  });
})();
