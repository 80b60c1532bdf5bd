/*
 * Huzhu group chat client (static file: the Content Security Policy forbids inline scripts).
 *
 * One WebSocket per browser (/ws/) carries events for all of the user's groups. The page starts
 * from the last 50 messages rendered by the server; this script then:
 *   - applies live events (message.created / edited / deleted, presence.changed, member.removed);
 *   - keeps a cursor (the last change number seen) per group in localStorage, and asks the server
 *     for everything after it when a gap shows, on "sync.required" and after every reconnect —
 *     so a dropped socket or a Redis outage loses nothing;
 *   - drops duplicates by message id and keeps messages ordered by their sequence number;
 *   - sends with a client idempotency key that is reused for retries, and keeps the text in the
 *     composer when a message is blocked.
 */
(function () {
  "use strict";

  var root = document.getElementById("chat");
  if (!root) return;

  var groupId = Number(root.getAttribute("data-group-id"));
  var userId = Number(root.getAttribute("data-user-id"));
  var role = root.getAttribute("data-role");
  var reportUrl = root.getAttribute("data-report-url") || ""; // …/report/message/0/
  var isModerator = role === "owner" || role === "admin";
  var list = document.getElementById("chat-list");
  var scroller = document.getElementById("chat-scroll");
  var input = document.getElementById("chat-input");
  var sendButton = document.getElementById("chat-send");
  var form = document.getElementById("chat-composer");
  var noticeBox = document.getElementById("chat-notice");
  var errorBox = document.getElementById("chat-error");
  var connBox = document.getElementById("chat-conn");
  var onlineBox = document.getElementById("chat-online");
  var replyBox = document.getElementById("chat-replying");
  var replyText = document.getElementById("chat-replying-text");
  var mentionBox = document.getElementById("chat-mentions");
  var olderButton = document.getElementById("chat-older");
  var t = document.getElementById("chat-i18n").dataset;
  var members = JSON.parse(document.getElementById("chat-members").textContent || "[]");
  var cardLabelsEl = document.getElementById("chat-card-labels");
  var cardLabels = JSON.parse((cardLabelsEl && cardLabelsEl.textContent) || "{}");

  var STORAGE_KEY = "huzhu.chat.cursor." + groupId;
  var GAP_DELAY = 300;

  var byId = new Map(); // message id -> {seq, cursor, el}
  var cursor = Number(root.getAttribute("data-last-seq")) || 0;
  var socket = null;
  var reqCounter = 0;
  var waiting = new Map(); // req -> callback
  var gapTimer = null;
  var syncing = false;
  var syncAgain = false;
  var backoff = 500;
  var pending = null; // the message being sent: {text, key, replyTo}
  var replyTo = null;
  var removed = false;

  // --- state from the server-rendered page -------------------------------------------------------
  Array.prototype.forEach.call(list.children, function (el) {
    byId.set(Number(el.getAttribute("data-id")), {
      seq: Number(el.getAttribute("data-seq")),
      cursor: Number(el.getAttribute("data-cursor")),
      el: el
    });
    decorate(el, Number(el.getAttribute("data-sender")), el.getAttribute("data-status"));
  });
  formatTimes(list);
  saveCursor();
  scrollToEnd();

  function saveCursor() {
    try {
      window.localStorage.setItem(STORAGE_KEY, String(cursor));
    } catch (e) { /* private mode: the in-memory cursor still works */ }
  }

  function formatTimes(scope) {
    Array.prototype.forEach.call(scope.querySelectorAll("time.msg-time"), function (el) {
      if (el.textContent) return;
      var d = new Date(el.getAttribute("datetime"));
      if (!isNaN(d)) {
        el.textContent = d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
      }
    });
  }

  function nearBottom() {
    return scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  }

  function scrollToEnd() {
    scroller.scrollTop = scroller.scrollHeight;
  }

  function show(box, text) {
    box.textContent = text || "";
    box.hidden = !text;
  }

  // --- rendering -----------------------------------------------------------------------------------
  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "linklike msg-action";
    b.textContent = label;
    b.setAttribute("data-action", action);
    return b;
  }

  // The same 举报 link as web/moderation/_report_link.html: an htmx dialog in the slot after it,
  // or the report page without htmx. Only others' published messages can be reported.
  function reportLink(m) {
    var url = reportUrl.replace(/\/0\/$/, "/" + m.id + "/");
    var a = document.createElement("a");
    a.className = "linklike report-link";
    a.href = url;
    a.textContent = t.report;
    a.setAttribute("hx-get", url);
    a.setAttribute("hx-target", "next .report-slot");
    a.setAttribute("hx-swap", "innerHTML");
    var slot = document.createElement("div");
    slot.className = "report-slot";
    return [a, slot];
  }

  function decorate(el, senderId, status) {
    var foot = el.querySelector(".msg-foot");
    if (!foot || el.classList.contains("msg-deleted") || foot.querySelector(".msg-action")) return;
    if (status === "held" && isModerator) {
      foot.appendChild(button(t.approve, "approve"));
      foot.appendChild(button(t.reject, "reject"));
    }
    if (status === "rejected") return;
    foot.appendChild(button(t.reply, "reply"));
    if (senderId === userId) foot.appendChild(button(t.edit, "edit"));
    if (senderId === userId || isModerator) foot.appendChild(button(t.delete, "delete"));
  }

  function build(m) {
    var li = document.createElement("li");
    li.className = "msg";
    if (m.sender.id === userId) li.classList.add("msg-mine");
    if (m.deleted) li.classList.add("msg-deleted");
    if (m.status === "held" || m.status === "rejected") li.classList.add("msg-held");
    li.id = "m" + m.seq;
    li.setAttribute("data-id", m.id);
    li.setAttribute("data-seq", m.seq);
    li.setAttribute("data-cursor", m.cursor);
    li.setAttribute("data-sender", m.sender.id);
    li.setAttribute("data-status", m.status);

    var meta = document.createElement("div");
    meta.className = "msg-meta";
    var name = document.createElement("span");
    name.className = "msg-sender";
    name.textContent = m.sender.name;
    var time = document.createElement("time");
    time.className = "msg-time";
    time.setAttribute("datetime", m.created_at);
    meta.appendChild(name);
    meta.appendChild(document.createTextNode(" "));
    meta.appendChild(time);
    if (m.status === "held" || m.status === "rejected") {
      var held = document.createElement("span");
      held.className = "badge msg-held-badge " + (m.status === "held" ? "badge-warn" : "badge-off");
      held.textContent = m.status === "held" ? t.held : t.rejected;
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(held);
    }
    li.appendChild(meta);

    if (m.reply_to) {
      var reply = document.createElement("div");
      reply.className = "msg-reply";
      if (m.reply_to.deleted) {
        reply.textContent = t.replyDeleted;
      } else {
        var rn = document.createElement("span");
        rn.className = "msg-reply-name";
        rn.textContent = m.reply_to.sender_name;
        reply.appendChild(rn);
        reply.appendChild(document.createTextNode("：" + m.reply_to.excerpt));
      }
      li.appendChild(reply);
    }

    var text = document.createElement("div");
    text.className = "msg-text";
    text.textContent = m.deleted ? t.deleted : m.text;
    li.appendChild(text);

    if (m.card && !m.deleted) li.appendChild(cardNode(m.card));

    var foot = document.createElement("div");
    foot.className = "msg-foot";
    if (m.edited && !m.deleted) {
      var edited = document.createElement("span");
      edited.className = "msg-edited";
      edited.textContent = t.edited;
      foot.appendChild(edited);
    }
    if (reportUrl && m.status === "published" && !m.deleted && m.sender.id !== userId) {
      reportLink(m).forEach(function (node) { foot.appendChild(node); });
    }
    li.appendChild(foot);
    decorate(li, m.sender.id, m.status);
    formatTimes(li);
    return li;
  }

  // --- shared cards (web/chat/_card.html builds the same markup) -------------------------------------
  function span(cls, text) {
    var el = document.createElement("span");
    el.className = cls;
    el.textContent = text;
    return el;
  }

  function fill(template, values) {
    return String(template || "").replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined || values[key] === null ? "" : String(values[key]);
    });
  }

  function cardNode(card) {
    var a = document.createElement("a");
    a.className = "chat-card chat-card-" + card.type + (card.available ? "" : " chat-card-gone");
    a.href = card.available ? card.url : "#";
    a.setAttribute("data-card-type", card.type);
    a.setAttribute("data-card-id", card.id);
    a.setAttribute("data-card", JSON.stringify(card));
    a.setAttribute("data-status", card.status || "");
    if (!card.available) {
      a.appendChild(span("chat-card-title", cardLabels.unavailable || ""));
      return a;
    }
    var kinds = cardLabels[card.type + "_kind"] || {};
    var statuses = cardLabels[card.type + "_status"] || {};
    var head = span("chat-card-head", "");
    head.appendChild(span("chat-card-kind", kinds[card.kind] || ""));
    head.appendChild(document.createTextNode(" "));
    var status = statuses[card.status] || "";
    if (card.type === "aid" && card.kind === "groupbuy" && card.status === "completed") {
      status = cardLabels.groupbuy_completed || status;
    }
    head.appendChild(span("chat-card-status", status));
    a.appendChild(head);
    a.appendChild(span("chat-card-title", card.title || ""));
    var progress = "";
    if (card.type === "aid" && card.target) {
      progress = fill(
        cardLabels[card.kind === "groupbuy" ? "groupbuy_progress" : "boost_progress"],
        { done: card.helps_count, total: card.target }
      );
    } else if (card.type === "resource") {
      progress = fill(cardLabels.resource_votes, {
        valid: card.valid_votes || 0, expired: card.expired_votes || 0
      });
    }
    if (progress) a.appendChild(span("chat-card-progress", progress));
    return a;
  }

  // aid.updated / resource.updated: every card of that request or resource re-renders.
  function updateCards(type, change) {
    if (!change || !change.id) return;
    var selector = '.chat-card[data-card-type="' + type + '"][data-card-id="' + Number(change.id) + '"]';
    Array.prototype.forEach.call(list.querySelectorAll(selector), function (el) {
      var card;
      try { card = JSON.parse(el.getAttribute("data-card") || "{}"); } catch (e) { card = {}; }
      if (change.available === false) card = change;
      else card = Object.assign(card, change);
      if (!card.title && card.available !== false) return; // shared while unavailable: resync shows it
      el.replaceWith(cardNode(card));
    });
  }

  // Insert or update one message, keeping the list ordered by seq and free of duplicates.
  function apply(m, fromHistory) {
    if (m.group_id !== groupId) return;
    var known = byId.get(m.id);
    if (known && known.cursor > m.cursor) return; // an older version arriving late
    var first = list.firstElementChild;
    if (!known && !fromHistory && first && m.seq < Number(first.getAttribute("data-seq"))) {
      return; // an edit of a message above the loaded history: shown when history loads
    }
    var stick = nearBottom();
    var el = build(m);
    if (known) {
      known.el.replaceWith(el);
      if (window.htmx) window.htmx.process(el); // the report link's hx-get, once in the page
      known.el = el;
      known.cursor = m.cursor;
      return;
    }
    var empty = document.getElementById("chat-empty");
    if (empty) empty.remove();
    var after = null;
    for (var node = list.lastElementChild; node; node = node.previousElementSibling) {
      if (Number(node.getAttribute("data-seq")) < m.seq) { after = node; break; }
    }
    if (after) after.after(el); else list.prepend(el);
    if (window.htmx) window.htmx.process(el);
    byId.set(m.id, { seq: m.seq, cursor: m.cursor, el: el });
    if (stick || m.sender.id === userId) scrollToEnd();
  }

  function advance(eventCursor) {
    if (eventCursor === cursor + 1) {
      cursor = eventCursor;
      saveCursor();
    } else if (eventCursor > cursor + 1 && !gapTimer) {
      // Something is missing (another server's event still on its way, or lost): wait briefly,
      // then ask the database.
      gapTimer = window.setTimeout(resync, GAP_DELAY);
    }
  }

  // --- the socket ------------------------------------------------------------------------------------
  function connect() {
    if (removed) return;
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/");
    socket.onopen = function () {
      backoff = 500;
      show(connBox, t.connected);
      root.classList.remove("is-offline");
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      onFrame(frame);
    };
    socket.onclose = function () {
      socket = null;
      waiting.forEach(function (callback) { callback(null); });
      waiting.clear();
      if (removed) return;
      root.classList.add("is-offline");
      show(connBox, t.reconnecting);
      window.setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, 5000);
    };
  }

  function request(action, fields, callback) {
    if (!socket || socket.readyState !== WebSocket.OPEN) { callback(null); return; }
    reqCounter += 1;
    var payload = Object.assign({ action: action, req: reqCounter }, fields);
    waiting.set(reqCounter, callback);
    socket.send(JSON.stringify(payload));
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "reply": {
        var callback = waiting.get(frame.req);
        waiting.delete(frame.req);
        if (callback) callback(frame);
        break;
      }
      case "hello": {
        var mine = frame.groups[String(groupId)];
        if (!mine) { onRemoved(); break; }
        if (mine.last_seq > cursor) resync();
        if (pending) sendPending(); // the socket dropped before the reply: resend, same key
        break;
      }
      case "sync.required":
        resync();
        break;
      case "message.created":
      case "message.edited":
      case "message.deleted":
        if (frame.group_id !== groupId) break;
        apply(frame.message);
        advance(frame.cursor);
        break;
      case "aid.updated":
        if (frame.group_id === groupId) updateCards("aid", frame.aid);
        break;
      case "resource.updated":
        if (frame.group_id === groupId) updateCards("resource", frame.resource);
        break;
      case "presence.changed":
        if (frame.group_id === groupId) setOnline(frame.online);
        break;
      case "member.removed":
        if (frame.group_id === groupId && frame.user_id === userId) onRemoved();
        break;
      default:
        break;
    }
  }

  function setOnline(n) {
    onlineBox.textContent = (n === 1 ? t.onlineOne : t.onlineMany).replace(/\d+/, String(n));
  }

  function onRemoved() {
    removed = true;
    input.disabled = true;
    sendButton.disabled = true;
    show(errorBox, t.removed);
    if (socket) socket.close();
  }

  // Ask for every change after the cursor, page by page.
  function resync() {
    if (gapTimer) { window.clearTimeout(gapTimer); gapTimer = null; }
    if (syncing) { syncAgain = true; return; }
    syncing = true;
    syncAgain = false;
    request("resync", { group_id: groupId, after: cursor, limit: 100 }, function (page) {
      syncing = false;
      if (!page || !page.ok) return; // the next hello resyncs
      page.messages.forEach(function (m) { apply(m); });
      if (page.cursor > cursor) { cursor = page.cursor; saveCursor(); }
      if (page.more || syncAgain) resync();
    });
  }

  // --- older history -------------------------------------------------------------------------------
  function loadOlder() {
    var first = list.firstElementChild;
    var before = first ? Number(first.getAttribute("data-seq")) : null;
    olderButton.disabled = true;
    request("history", { group_id: groupId, before_seq: before, limit: 50 }, function (reply) {
      olderButton.disabled = false;
      if (!reply || !reply.ok) return;
      var height = scroller.scrollHeight;
      reply.messages.forEach(function (m) { apply(m, true); });
      scroller.scrollTop += scroller.scrollHeight - height; // keep what the reader was looking at
      if (!reply.messages.length || reply.messages[0].seq <= 1) olderButton.remove();
    });
  }
  if (olderButton) {
    olderButton.addEventListener("click", loadOlder);
    scroller.addEventListener("scroll", function () {
      if (scroller.scrollTop < 20 && document.body.contains(olderButton) && !olderButton.disabled) {
        loadOlder();
      }
    });
  }

  // --- sending -------------------------------------------------------------------------------------
  function newKey() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    return String(Date.now()) + "-" + Math.random().toString(36).slice(2);
  }

  function sendPending() {
    if (!pending) return;
    sendButton.disabled = true;
    request(
      "send",
      { group_id: groupId, text: pending.text, client_key: pending.key, reply_to: pending.replyTo },
      onSent
    );
  }

  function onSent(reply) {
    if (!reply) return; // socket closed: resent with the same key after reconnecting
    if (reply.ok) {
      if (pending && input.value === pending.text) input.value = "";
      pending = null;
      sendButton.disabled = false;
      setReply(null);
      show(errorBox, "");
      show(noticeBox, reply.notice || "");
      apply(reply.message);
      return;
    }
    if (reply.code === "retry" || reply.code === "error") {
      // Nothing was saved; try again with the same key, so it can only land once.
      show(errorBox, t.retrying);
      window.setTimeout(sendPending, 1000);
      return;
    }
    // Blocked, muted, too fast …: say why and keep the text in the composer.
    pending = null;
    sendButton.disabled = false;
    show(errorBox, reply.message || t.error);
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (pending || removed) return;
    var text = input.value.trim();
    if (!text) { show(errorBox, t.empty); return; }
    show(errorBox, "");
    show(noticeBox, "");
    pending = { text: text, key: newKey(), replyTo: replyTo ? replyTo.id : null };
    sendPending();
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  // --- reply, edit, delete -------------------------------------------------------------------------
  function setReply(target) {
    replyTo = target;
    replyBox.hidden = !target;
    if (target) {
      replyText.textContent = t.replying.replace("%(name)s", target.name) + target.excerpt;
      input.focus();
    }
  }
  document.getElementById("chat-reply-cancel").addEventListener("click", function () {
    setReply(null);
  });

  list.addEventListener("click", function (event) {
    var target = event.target.closest(".msg-action");
    if (!target) return;
    var el = target.closest(".msg");
    var id = Number(el.getAttribute("data-id"));
    var action = target.getAttribute("data-action");
    var text = el.querySelector(".msg-text").textContent;
    if (action === "reply") {
      setReply({ id: id, name: el.querySelector(".msg-sender").textContent, excerpt: text.slice(0, 40) });
    } else if (action === "edit") {
      var changed = window.prompt(t.editPrompt, text);
      if (changed === null || !changed.trim() || changed === text) return;
      request("edit", { message_id: id, text: changed.trim() }, function (reply) {
        if (!reply) return;
        if (reply.ok) { apply(reply.message); show(noticeBox, reply.notice || ""); }
        else show(errorBox, reply.message || t.error);
      });
    } else if (action === "approve" || action === "reject") {
      request("review", { message_id: id, approve: action === "approve" }, function (reply) {
        if (!reply) return;
        if (reply.ok) apply(reply.message);
        else show(errorBox, reply.message || t.error);
      });
    } else if (action === "delete") {
      if (!window.confirm(t.deleteConfirm)) return;
      request("delete", { message_id: id }, function (reply) {
        if (!reply) return;
        if (reply.ok) apply(reply.message);
        else show(errorBox, reply.message || t.error);
      });
    }
  });

  // --- @mentions -----------------------------------------------------------------------------------
  function mentionQuery() {
    var upto = input.value.slice(0, input.selectionStart);
    var match = /@([^\s@]{0,20})$/.exec(upto);
    return match ? match[1] : null;
  }

  input.addEventListener("input", function () {
    var query = mentionQuery();
    mentionBox.textContent = "";
    if (query === null) { mentionBox.hidden = true; return; }
    var found = members.filter(function (name) { return name.indexOf(query) !== -1; }).slice(0, 6);
    found.forEach(function (name) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "button button-secondary button-small";
      b.textContent = "@" + name;
      b.addEventListener("click", function () {
        var pos = input.selectionStart;
        var before = input.value.slice(0, pos).replace(/@([^\s@]{0,20})$/, "@" + name + " ");
        input.value = before + input.value.slice(pos);
        input.focus();
        input.setSelectionRange(before.length, before.length);
        mentionBox.hidden = true;
      });
      mentionBox.appendChild(b);
    });
    mentionBox.hidden = found.length === 0;
  });

  show(connBox, t.connecting);
  connect();
})();
