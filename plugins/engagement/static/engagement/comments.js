/* Comment form enhancement: post with fetch, show the pending comment in place, reply in place,
   and find comments whose permalink moved to another page. Without this script the form still
   works (a plain POST and a 303 back to #comment-pending). No dependencies. */
(function () {
  "use strict";
  var form = document.getElementById("comment-form");
  var section = document.getElementById("comments");
  var ALLOWED = { A: 1, P: 1, EM: 1, STRONG: 1, CODE: 1, PRE: 1, BLOCKQUOTE: 1, UL: 1, OL: 1, LI: 1, BR: 1 };

  /* The endpoint sanitizes body_html already; rebuild it from an allow-list anyway, so a
     compromised or misconfigured endpoint still cannot run script in our page. */
  function safeFragment(html) {
    var doc = new DOMParser().parseFromString("<body>" + html, "text/html");
    var out = document.createDocumentFragment();
    function copy(node, parent) {
      if (node.nodeType === 3) { parent.appendChild(document.createTextNode(node.data)); return; }
      if (node.nodeType !== 1) return;
      var target = parent;
      if (ALLOWED[node.tagName]) {
        target = document.createElement(node.tagName.toLowerCase());
        var href = node.tagName === "A" && node.getAttribute("href");
        if (href && /^(https?:|mailto:)/i.test(href)) {
          target.setAttribute("href", href);
          target.setAttribute("rel", "nofollow ugc noopener noreferrer");
        }
        parent.appendChild(target);
      }
      for (var i = 0; i < node.childNodes.length; i++) copy(node.childNodes[i], target);
    }
    for (var i = 0; i < doc.body.childNodes.length; i++) copy(doc.body.childNodes[i], out);
    return out;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  function clearErrors() {
    var errors = form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < errors.length; i++) errors[i].textContent = "";
    var invalid = form.querySelectorAll("[aria-invalid]");
    for (var j = 0; j < invalid.length; j++) invalid[j].removeAttribute("aria-invalid");
  }

  function status(text) { form.querySelector(".eg-status").textContent = text; }

  function showError(data) {
    var field = data && data.field && form.elements[data.field];
    var slot = data && data.field && form.querySelector('[data-error-for="' + data.field + '"]');
    var message = (data && data.error) || "Your comment could not be sent. Please try again.";
    if (field && slot && field.type !== "hidden") {
      slot.textContent = message;
      field.setAttribute("aria-invalid", "true");
      field.focus();
    } else {
      status(message);
    }
  }

  function pendingComment(data) {
    var item = el("li", "eg-comment eg-pending-comment");
    if (data.id) item.id = "comment-" + data.id;
    var article = el("article", "h-cite p-comment");
    var meta = el("footer", "eg-meta");
    meta.appendChild(el("span", "p-author h-card eg-author", data.author_name || ""));
    if (data.created_at) {
      var time = el("time", "dt-published", new Date(data.created_at).toLocaleString());
      time.setAttribute("datetime", data.created_at);
      meta.appendChild(document.createTextNode(" "));
      meta.appendChild(time);
    }
    article.appendChild(meta);
    var body = el("div", "e-content eg-body");
    body.appendChild(safeFragment(data.body_html || ""));
    article.appendChild(body);
    article.appendChild(el("p", "eg-awaiting", data.message || "Your comment is awaiting moderation."));
    item.appendChild(article);
    return item;
  }

  function listFor(parentId) {
    if (parentId) {
      var parent = document.getElementById("comment-" + parentId);
      if (parent) {
        var replies = parent.querySelector(":scope > .eg-replies");
        if (!replies) { replies = el("ol", "eg-replies"); parent.appendChild(replies); }
        return replies;
      }
    }
    var list = section.querySelector(".eg-thread");
    if (!list) {
      list = el("ol", "eg-thread");
      section.insertBefore(list, document.getElementById("respond"));
    }
    return list;
  }

  function payload() {
    var data = {};
    ["thread", "name", "email", "website", "body", "homepage"].forEach(function (name) {
      if (form.elements[name]) data[name] = form.elements[name].value;
    });
    /* The same text values the plain form sends (the endpoint reads both alike). */
    data.parent = (form.elements.parent && form.elements.parent.value) || "";
    data.notify = form.elements.notify && form.elements.notify.checked ? "1" : "";
    return data;
  }

  function submit(event) {
    event.preventDefault();
    clearErrors();
    if (form.reportValidity && !form.reportValidity()) return;
    var button = form.querySelector("[type=submit]");
    var data = payload();
    button.disabled = true;
    status("Sending…");
    fetch(form.getAttribute("data-api"), {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify(data),
      credentials: "omit"
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) { showError(body); status(""); if (!body.field) status(body.error || "Your comment could not be sent (" + response.status + ")."); return; }
        var item = pendingComment(body);
        listFor(body.parent || data.parent).appendChild(item);
        form.elements.body.value = "";
        cancelReply();
        status(body.message || "Thank you — your comment is awaiting moderation.");
        item.scrollIntoView({ block: "nearest" });
      });
    }).catch(function () {
      status("The comment server could not be reached. Please try again in a moment.");
    }).then(function () { button.disabled = false; });
  }

  /* Reply in place: the form moves under the comment and the reply-to choice follows. */
  var home = form && form.parentNode && document.getElementById("respond");
  var homeParent = home && home.parentNode, homeNext = home && home.nextSibling;
  var cancel;

  function cancelReply(event) {
    if (event) event.preventDefault();
    if (form.elements.parent) form.elements.parent.value = "";
    if (cancel) { cancel.remove(); cancel = null; }
    if (home.parentNode !== homeParent) homeParent.insertBefore(home, homeNext);
  }

  function reply(link) {
    var id = link.getAttribute("data-reply-to");
    form.elements.parent.value = id;
    link.closest("article").after(home);
    if (!cancel) {
      cancel = el("a", "eg-cancel", "");
      cancel.href = "#comments";
      cancel.addEventListener("click", cancelReply);
      home.querySelector("#reply-title").after(cancel);
    }
    var author = link.closest("article").querySelector(".eg-author");
    cancel.textContent = "Cancel reply to " + (author ? author.textContent : "this comment");
    (form.elements.name.value ? form.elements.body : form.elements.name).focus();
  }

  /* A permalink to a comment that has moved to another page: look it up and go there. */
  function followMovedComment() {
    var match = /^#comment-(\d+)$/.exec(location.hash);
    var index = section && section.getAttribute("data-comment-index");
    if (!match || !index || document.getElementById("comment-" + match[1])) return;
    fetch(index).then(function (r) { return r.ok ? r.json() : {}; }).then(function (pages) {
      var path = pages[match[1]];
      if (path) location.replace(path + location.hash);
    }).catch(function () {});
  }

  if (section) followMovedComment();
  if (!form || !window.fetch) return;
  document.documentElement.classList.add("eg-js");
  form.addEventListener("submit", submit);
  section.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".eg-reply");
    if (link) { event.preventDefault(); reply(link); }
  });
})();
