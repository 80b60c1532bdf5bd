/*
 * Huzhu page behaviour. Loaded as a static file because the Content Security Policy forbids
 * inline scripts. Everything here is progressive: pages work without it, only nicer with it.
 */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  // htmx requests carry Django's CSRF token in a header (the token is in a <meta> tag, so this
  // works even if the CSRF cookie is made HttpOnly later).
  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRFToken"] = csrfToken();
  });

  // Plain (non-htmx) forms that do something hard to undo ask first: <form data-confirm="…">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    var question = form.getAttribute("data-confirm");
    if (question && !form.hasAttribute("hx-post") && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  function flashCopied(button) {
    var label = button.getAttribute("data-copied") || "OK";
    var original = button.textContent;
    button.textContent = label;
    button.classList.add("is-done");
    window.setTimeout(function () {
      button.textContent = original;
      button.classList.remove("is-done");
    }, 1500);
  }

  function copyFallback(text) {
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    try {
      document.execCommand("copy");
    } finally {
      document.body.removeChild(field);
    }
  }

  // <button data-copy="text" data-copied="已复制">: copy to the clipboard (invite links).
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy]") : null;
    if (!button) return;
    event.preventDefault();
    var text = button.getAttribute("data-copy");
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(
        function () { flashCopied(button); },
        function () { copyFallback(text); flashCopied(button); }
      );
    } else {
      copyFallback(text);
      flashCopied(button);
    }
  });
})();
