// Runlater's shared script: CSRF on htmx requests, self-submitting selects, copy buttons,
// confirmations and row menus. Pages work without it, except live updates.
(function () {
  "use strict";
  document.addEventListener("htmx:configRequest", function (e) {
    var header = document.querySelector('meta[name="csrf-header"]');
    var token = document.querySelector('meta[name="csrf-token"]');
    if (header && token) {
      e.detail.headers[header.content] = token.content;
    }
  });
  document.addEventListener("change", function (e) {
    if (e.target.matches("select[data-autosubmit]")) {
      e.target.form.submit();
    }
  });
  // Copy buttons (data-copy: the id of what they copy). The Clipboard API exists only in a secure
  // context (HTTPS, or localhost): an instance served over plain HTTP at another name has none, so
  // there the text is selected and copied the older way, and left selected to copy by hand when
  // even that is refused.
  function copyBySelection(button, source) {
    if (source.select) {
      source.focus();
      source.select();
    } else {
      var range = document.createRange();
      range.selectNodeContents(source);
      window.getSelection().removeAllRanges();
      window.getSelection().addRange(range);
    }
    var copied = false;
    try {
      copied = document.execCommand("copy");
    } catch (refused) {
      copied = false;
    }
    button.textContent = copied ? "Copied" : "Selected: copy it";
  }
  document.addEventListener("click", function (e) {
    var copy = e.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      var text = source.value !== undefined ? source.value : source.textContent;
      if (!navigator.clipboard) {
        copyBySelection(copy, source);
        return;
      }
      navigator.clipboard.writeText(text.trim()).then(
        function () {
          copy.textContent = "Copied";
        },
        function () {
          copyBySelection(copy, source);
        });
    }
  });
  document.addEventListener("submit", function (e) {
    var message = e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      e.preventDefault();
    }
  });
  // Row menus (details.row-menu): one open at a time; Escape or a click elsewhere closes it,
  // and Escape puts the focus back on its button.
  document.addEventListener("toggle", function (e) {
    if (e.target.matches && e.target.matches("details.row-menu[open], details.user-menu[open]")) {
      document.querySelectorAll("details.row-menu[open], details.user-menu[open]").forEach(function (d) {
        if (d !== e.target) {
          d.removeAttribute("open");
        }
      });
    }
  }, true);
  document.addEventListener("click", function (e) {
    document.querySelectorAll("details.row-menu[open], details.user-menu[open]").forEach(function (d) {
      if (!d.contains(e.target)) {
        d.removeAttribute("open");
      }
    });
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") {
      var open = document.querySelector("details.row-menu[open], details.user-menu[open]");
      if (open) {
        open.removeAttribute("open");
        open.querySelector("summary").focus();
      }
    }
  });
})();
