// Alerts forms: show the chosen channel kind's fields, the chosen trigger's parameters and the
// chosen kind of maintenance window. Hidden fields are disabled, so they are not sent.
(function () {
  function toggle(scope, selector, attr, value) {
    scope.querySelectorAll(selector).forEach(function (el) {
      var on = el.getAttribute(attr) === value;
      el.hidden = !on;
      el.querySelectorAll('input, select, textarea').forEach(function (i) { i.disabled = !on; });
    });
  }
  function wire() {
    document.querySelectorAll('[data-kind-select]').forEach(function (select) {
      var form = select.form;
      var show = function () { toggle(form, '.kind-fields', 'data-kind', select.value); };
      select.addEventListener('change', show);
      show();
    });
    document.querySelectorAll('[data-rule-trigger]').forEach(function (select) {
      var scope = select.closest('.rule-fields');
      var show = function () {
        scope.querySelectorAll('[data-for-trigger]').forEach(function (el) {
          var on = el.getAttribute('data-for-trigger') === select.value;
          el.hidden = !on;
          el.querySelectorAll('input').forEach(function (i) { i.disabled = !on || select.disabled; });
        });
      };
      select.addEventListener('change', show);
      show();
    });
    document.querySelectorAll('[data-window-form]').forEach(function (form) {
      var show = function () {
        var checked = form.querySelector('[data-window-type]:checked');
        toggle(form, '[data-window]', 'data-window', checked ? checked.value : 'once');
      };
      form.querySelectorAll('[data-window-type]').forEach(function (r) { r.addEventListener('change', show); });
      show();
    });
    document.querySelectorAll('[data-override-mode]').forEach(function (form) {
      var show = function () {
        var custom = form.querySelector('input[name=mode][value=custom]');
        var box = form.querySelector('.override-fields');
        if (box) { box.hidden = !(custom && custom.checked); }
      };
      form.querySelectorAll('input[name=mode]').forEach(function (r) { r.addEventListener('change', show); });
      show();
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', wire);
  } else {
    wire();
  }
})();
