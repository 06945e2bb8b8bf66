// Runlater's only hand-written script: CSRF on htmx requests, self-submitting selects, copy
// buttons and confirmations. Pages work without it, except live updates.
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
  document.addEventListener("click", function (e) {
    var copy = e.target.closest("[data-copy]");
    if (copy) {
      var source = document.getElementById(copy.getAttribute("data-copy"));
      var text = source.value !== undefined ? source.value : source.textContent;
      navigator.clipboard.writeText(text.trim()).then(function () {
        copy.textContent = "Copied";
      });
    }
  });
  document.addEventListener("submit", function (e) {
    var message = e.target.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      e.preventDefault();
    }
  });
})();
