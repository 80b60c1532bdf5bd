/*
 * Healthy use (健康使用): the foreground heartbeat and the nudges on the request form.
 *
 * While the page is visible and the member is not idle (no input for the idle limit), it tells
 * the server "still here" every few seconds (data-interval); the server counts the time between
 * heartbeats. A hidden tab or an idle member sends nothing, so the clock stops. The answer may
 * carry a budget reminder (shown in #flash), a "locked until tomorrow" (go to the rest page) or
 * news of a digest.
 */
(function () {
  "use strict";

  var script = document.getElementById("wellbeing-script");
  if (!script) return;
  var beatUrl = script.getAttribute("data-beat-url");
  var nudgeUrl = script.getAttribute("data-nudge-url");
  var interval = parseInt(script.getAttribute("data-interval"), 10) || 0;  // 0: no heartbeats
  var intervalMs = Math.max(1, interval) * 1000;
  var idleMs = Math.max(10, parseInt(script.getAttribute("data-idle"), 10) || 120) * 1000;
  var resting = script.getAttribute("data-resting") === "1";
  var lastInput = Date.now();

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : "";
  }

  ["pointerdown", "keydown", "scroll", "touchstart", "mousemove", "wheel"].forEach(function (name) {
    window.addEventListener(name, function () { lastInput = Date.now(); }, { passive: true });
  });

  function active() {
    return document.visibilityState === "visible" && Date.now() - lastInput < idleMs;
  }

  function show(text, linkUrl, linkText) {
    var flash = document.getElementById("flash");
    if (!flash || !text) return;
    var box = document.createElement("div");
    box.className = "notice notice-warning wellbeing-reminder";
    box.setAttribute("role", "status");
    box.setAttribute("data-testid", "wellbeing-reminder");
    box.appendChild(document.createTextNode(text + " "));
    if (linkUrl) {
      var a = document.createElement("a");
      a.href = linkUrl;
      a.textContent = linkText || linkUrl;
      box.appendChild(a);
    }
    flash.appendChild(box);
  }

  function handle(data) {
    if (!data) return;
    if (data.locked && !resting) {
      window.location.assign(data.rest_url);
      return;
    }
    if (data.reminder_text) show(data.reminder_text, data.reminder_link, data.reminder_link_text);
    if (data.digest_text) show(data.digest_text, "/notifications/", "");
  }

  function beat(keepalive) {
    if (!beatUrl || resting || !interval) return;
    fetch(beatUrl, {
      method: "POST",
      credentials: "same-origin",
      keepalive: !!keepalive,
      headers: { "X-CSRFToken": csrfToken(), "X-Requested-With": "fetch" }
    })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(handle)
      .catch(function () { /* offline: the next heartbeat restarts the clock */ });
  }

  window.setInterval(function () {
    if (active()) beat(false);
  }, intervalMs);
  document.addEventListener("visibilitychange", function () {
    // The last stretch before hiding counts too; showing again restarts the clock.
    if (document.visibilityState === "hidden") beat(true);
    else { lastInput = Date.now(); beat(false); }
  });
  if (document.visibilityState === "visible") beat(false);

  // --- nudges on the request form: matching answers before the N-th question of the day ---------
  var form = document.querySelector("form.aid-post-form");
  if (!form || !nudgeUrl) return;
  var match = window.location.pathname.match(/\/groups\/(\d+)\//);
  var groupId = match ? match[1] : "";
  var box = document.createElement("div");
  box.className = "wellbeing-nudges";
  box.setAttribute("aria-live", "polite");
  form.parentNode.insertBefore(box, form);
  var title = form.querySelector('[name="title"]');
  var kind = form.querySelector('[name="kind"]');
  var timer = null;

  function load() {
    var q = title && kind && kind.value === "question" ? title.value : "";
    var url = nudgeUrl + "?group=" + encodeURIComponent(groupId) + "&q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { box.innerHTML = html; })
      .catch(function () {});
  }
  function later() {
    window.clearTimeout(timer);
    timer = window.setTimeout(load, 500);
  }
  if (title) title.addEventListener("input", later);
  if (kind) kind.addEventListener("change", later);
  load();
})();
