// The source form: show only the fields the chosen verification uses (data-show lists the
// types; "verified" means any type but none). Without script every field shows, and the
// server ignores those the type does not use.
(function () {
  "use strict";
  var type = document.getElementById("type");
  if (!type) {
    return;
  }
  function sync() {
    document.querySelectorAll("[data-show]").forEach(function (field) {
      var wanted = field.getAttribute("data-show").split(" ");
      var shown = wanted.indexOf(type.value) >= 0 || (wanted.indexOf("verified") >= 0 && type.value !== "none");
      field.hidden = !shown;
    });
  }
  type.addEventListener("change", sync);
  sync();
})();
