// The job form: cron quick picks, header rows, and showing only the chosen kind of schedule and of
// target (HTTP request or workflow); the job page: the planned-vs-actual squares' details. Both
// work without it (the form shows both schedule kinds and both targets, the chosen one decides,
// and blank header rows are ignored; each square still names its occurrence).
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
  function showTarget() {
    var f = form();
    var checked = f && f.querySelector('input[name="target"]:checked');
    if (checked) {
      f.setAttribute("data-target", checked.value);
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    showSchedule();
    showTarget();
    var f = form();
    if (!f) {
      return;
    }
    // A new job starts in the browser's zone, not UTC (only on the first showing: a form shown
    // again with errors keeps what was sent).
    var zone = document.getElementById("timezone");
    var browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (f.hasAttribute("data-new") && zone && zone.value === "UTC" && browserZone
        && !document.querySelector(".flash.error")) {
      zone.value = browserZone;
      zone.dispatchEvent(new Event("change", { bubbles: true }));
    }
    echoAt();
    // After a failed submit, the first field with a mistake has the focus.
    var invalid = f.querySelector('[aria-invalid="true"]');
    if (invalid) {
      var target = invalid.matches("input, select, textarea") ? invalid : invalid.querySelector("input");
      if (target) {
        target.focus();
      }
    }
  });

  // ---- Time zones: "oslo" means Europe/Oslo.
  function zoneIds() {
    return Array.prototype.map.call(document.querySelectorAll("#zones option"), function (o) {
      return o.value;
    });
  }
  function squash(s) {
    return s.toLowerCase().replace(/[_-]/g, " ").trim();
  }
  function resolveZone(typed) {
    var wanted = typed.trim();
    if (!wanted) {
      return null;
    }
    var ids = zoneIds();
    var found = null;
    for (var i = 0; i < ids.length; i++) {
      if (ids[i].toLowerCase() === wanted.toLowerCase()) {
        return ids[i];
      }
      if (squash(ids[i].substring(ids[i].lastIndexOf("/") + 1)) === squash(wanted)) {
        if (found) {
          return null;
        }
        found = ids[i];
      }
    }
    return found;
  }
  function currentZone() {
    var z = document.getElementById("timezone");
    var id = z && resolveZone(z.value);
    return id || Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  }

  // ---- One-time jobs: quick picks, and the chosen time echoed in words.
  function parts(date, zone) {
    var out = {};
    new Intl.DateTimeFormat("en-CA", {
      timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).formatToParts(date).forEach(function (p) { out[p.type] = p.value; });
    return out;
  }
  function localValue(date, zone) {
    var p = parts(date, zone);
    return p.year + "-" + p.month + "-" + p.day + "T" + p.hour + ":" + p.minute;
  }
  /** The instant a wall-clock time "YYYY-MM-DDTHH:MM" names in a zone. */
  function instantOf(value, zone) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
    if (!m) {
      return null;
    }
    var guess = Date.UTC(+m[1], m[2] - 1, +m[3], +m[4], +m[5]);
    var p = parts(new Date(guess), zone);
    var shown = Date.UTC(+p.year, p.month - 1, +p.day, +p.hour, +p.minute);
    return new Date(guess - (shown - guess));
  }
  function echoAt() {
    var at = document.getElementById("at");
    var echo = document.getElementById("at-echo");
    if (!at || !echo) {
      return;
    }
    var zone = currentZone();
    var when = at.value && instantOf(at.value, zone);
    if (!when) {
      echo.textContent = "Read in the time zone below (" + zone + ").";
      return;
    }
    var words = new Intl.DateTimeFormat("en-GB", {
      timeZone: zone, weekday: "long", day: "numeric", month: "long", year: "numeric",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    }).format(when);
    // Whole minutes from now: a pick made "in 5 min" (rounded up to the minute) reads so.
    var minutes = Math.trunc((when.getTime() - Date.now()) / 60000);
    var rel = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
    var away = Math.abs(minutes) < 60 ? rel.format(minutes, "minute")
      : Math.abs(minutes) < 48 * 60 ? rel.format(Math.round(minutes / 60), "hour")
      : rel.format(Math.round(minutes / 1440), "day");
    echo.textContent = minutes < 0
      ? "That is " + words + " (" + zone + "), " + away + ": the time has passed."
      : "Runs " + words + " (" + zone + "), " + away + ".";
  }
  document.addEventListener("input", function (e) {
    if (e.target.id === "at") {
      echoAt();
    }
    // A GET (or HEAD) request carries no body: typing one makes the job a POST, and says so.
    if (e.target.id === "body" && e.target.value.trim() !== "") {
      var method = document.getElementById("method");
      if (method && (method.value === "GET" || method.value === "HEAD")) {
        var was = method.value;
        method.value = "POST";
        var note = document.getElementById("method-note");
        if (note) {
          note.textContent = "The method is now POST: a " + was + " request carries no body.";
        }
      }
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches('input[name="scheduleType"]')) {
      showSchedule();
    }
    if (e.target.matches('input[name="target"]')) {
      showTarget();
    }
    if (e.target.id === "timezone") {
      var id = resolveZone(e.target.value);
      if (id && id !== e.target.value) {
        e.target.value = id;
      }
      echoAt();
    }
    if (e.target.id === "at") {
      echoAt();
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
    var soon = e.target.closest("[data-at-minutes], [data-at-tomorrow]");
    if (soon) {
      var at = document.getElementById("at");
      var zone = currentZone();
      if (soon.hasAttribute("data-at-minutes")) {
        var t = Date.now() + soon.getAttribute("data-at-minutes") * 60000;
        at.value = localValue(new Date(Math.ceil(t / 60000) * 60000), zone);
      } else {
        var p = parts(new Date(), zone);
        var tomorrow = new Date(Date.UTC(+p.year, p.month - 1, +p.day + 1));
        at.value = tomorrow.toISOString().substring(0, 10) + "T" + soon.getAttribute("data-at-tomorrow");
      }
      at.dispatchEvent(new Event("change", { bubbles: true }));
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
