/*
 * Resource pages: show the deal fields only for deals, and copy the WeChat share text. A static
 * file: the Content Security Policy forbids inline scripts.
 */
(function () {
  "use strict";

  function syncKind(form) {
    var kind = form.querySelector("select[name=kind]") || form.querySelector("input[name=kind]");
    if (!kind) return;
    form.classList.toggle("is-not-deal", kind.value !== "deal");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var forms = document.querySelectorAll("form.resource-form");
    for (var i = 0; i < forms.length; i++) {
      (function (form) {
        syncKind(form);
        form.addEventListener("change", function () { syncKind(form); });
      })(forms[i]);
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    var source = document.querySelector(button.getAttribute("data-copy"));
    if (!source) return;
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-copied") || label;
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(source.value || source.textContent).then(done, function () {
        source.select();
      });
    } else {
      source.select();
      document.execCommand("copy");
      done();
    }
  });
})();
