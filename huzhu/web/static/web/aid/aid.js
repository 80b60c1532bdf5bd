/*
 * Mutual-aid pages: deadline countdowns, "one tap helps" (open the clean link in a new tab while
 * the help is recorded), and showing only the fields of the chosen request kind. A static file:
 * the Content Security Policy forbids inline scripts.
 */
(function () {
  "use strict";

  var lang = (document.documentElement.getAttribute("lang") || "zh").toLowerCase();
  var zh = lang.indexOf("zh") === 0;

  function format(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var d = Math.floor(s / 86400);
    var h = Math.floor((s % 86400) / 3600);
    var m = Math.floor((s % 3600) / 60);
    var sec = s % 60;
    function two(n) { return (n < 10 ? "0" : "") + n; }
    var clock = two(h) + ":" + two(m) + ":" + two(sec);
    if (d > 0) return zh ? d + " 天 " + clock : d + "d " + clock;
    return clock;
  }

  function tick() {
    var now = Date.now();
    var nodes = document.querySelectorAll("time[data-deadline]");
    for (var i = 0; i < nodes.length; i++) {
      var node = nodes[i];
      var left = Date.parse(node.getAttribute("data-deadline")) - now;
      if (left <= 0) {
        node.textContent = node.getAttribute("data-expired") || (zh ? "已到期" : "expired");
        node.classList.add("is-expired");
      } else {
        node.textContent = format(left);
        node.classList.toggle("is-urgent", left < 3600 * 1000);
      }
    }
  }

  // One tap helps: the shopping link opens in a new tab (inside the click, so pop-up blockers
  // allow it) and the form still posts the help.
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-open-link]") : null;
    if (!button) return;
    var url = button.getAttribute("data-open-link");
    if (url && /^https:\/\//.test(url)) {
      window.open(url, "_blank", "noopener,noreferrer");
    }
  });

  function syncKind(form) {
    var select = form.querySelector("select[name=kind]");
    if (select) form.setAttribute("data-kind", select.value);
  }

  document.addEventListener("change", function (event) {
    var form = event.target.closest ? event.target.closest(".aid-post-form") : null;
    if (form && event.target.name === "kind") syncKind(form);
  });

  function init() {
    var forms = document.querySelectorAll(".aid-post-form");
    for (var i = 0; i < forms.length; i++) syncKind(forms[i]);
    var key = document.querySelector(".aid-post-form input[name=idempotency_key]");
    // One key per form load: a double submit or a retry after a timeout posts once.
    if (key && !key.value && window.crypto && window.crypto.randomUUID) {
      key.value = window.crypto.randomUUID();
    }
    tick();
    window.setInterval(tick, 1000);
    live();
  }

  // Live progress: the one WebSocket (/ws/) announces "aid.updated" for the user's groups. On a
  // request's page, when it is this request, htmx fetches the fresh body; on a group's request
  // list, any request of that group changing refetches the list with its filters (at most once a
  // second, however many helps arrive). Pages work without it.
  var listTimer = null;
  function refreshList() {
    listTimer = null;
    if (!document.getElementById("aid-list")) return;
    window.htmx.ajax("GET", window.location.pathname + window.location.search, {
      target: "#aid-list", swap: "outerHTML"
    });
  }

  function live() {
    var box = document.getElementById("aid-detail");
    var list = document.getElementById("aid-list");
    if ((!box && !list) || !("WebSocket" in window) || !window.htmx) return;
    var requestId = box ? Number(box.getAttribute("data-request-id")) : null;
    var url = box ? box.getAttribute("data-refresh-url") : null;
    var groupId = list ? Number(list.getAttribute("data-group-id")) : null;
    var backoff = 1000;
    function connect() {
      var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
      var socket = new WebSocket(scheme + window.location.host + "/ws/");
      socket.onopen = function () { backoff = 1000; };
      socket.onmessage = function (event) {
        var frame;
        try { frame = JSON.parse(event.data); } catch (e) { return; }
        if (frame.type !== "aid.updated" || !frame.aid) return;
        if (box && frame.aid.id === requestId) {
          window.htmx.ajax("GET", url, { target: "#aid-detail", swap: "outerHTML" });
        } else if (list && frame.group_id === groupId && listTimer === null) {
          listTimer = window.setTimeout(refreshList, 1000);
        }
      };
      socket.onclose = function () {
        window.setTimeout(connect, backoff);
        backoff = Math.min(backoff * 2, 30000);
      };
    }
    connect();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  document.addEventListener("htmx:afterSwap", tick);
})();
