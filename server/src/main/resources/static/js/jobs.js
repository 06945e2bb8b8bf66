// The job form: cron quick picks, header rows, and showing only the chosen kind of schedule.
// The form works without it (both schedule kinds show; blank header rows are ignored).
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
  document.addEventListener("click", function (e) {
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
