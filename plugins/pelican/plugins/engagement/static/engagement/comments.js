/* Comments, what every reader of a thread needs: follow a permalink into folded replies, and
   reply in place (the per-comment "Reply" buttons are added here: they only work with a script).
   Posting with fetch (the comment shown in place as pending, errors by their field) is
   comment-post.js, loaded when the reader first touches the form (most readers never do). Without
   scripts the form still works (plain POST, 303 back to #comment-pending; on a thread with
   comments the endpoint's "check and send" page asks whom it replies to). A permalink to a comment that moved to another page of a long thread is
   comment-index.js, linked by those pages only. No dependencies. */
(() => {
  "use strict";
  const form = document.getElementById("comment-form");
  const section = document.getElementById("comments");
  const self = document.currentScript || document.querySelector('script[src*="/engagement/comments.js"]');
  const POST_SCRIPT = self ? self.src.replace(/comments\.js(\?.*)?$/, "comment-post.js") : "";

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  /* A permalink into folded replies: unfold them (where the browser does not do it itself). */
  const unfold = () => {
    const target = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    const fold = target && target.closest("details:not([open])");
    if (!fold) return;
    for (let d = fold; d; d = d.parentElement.closest("details")) d.open = true;
    target.scrollIntoView();
  };
  window.addEventListener("hashchange", unfold);
  unfold();
  if (!form || !window.fetch) return;
  document.documentElement.classList.add("eg-js");

  const respond = document.getElementById("respond");
  const home = [respond.parentNode, respond.nextSibling];
  let cancel = null;

  const cancelReply = (event) => {
    if (event) event.preventDefault();
    if (form.elements.parent) form.elements.parent.value = "";
    if (cancel) cancel = void cancel.remove();
    if (respond.parentNode !== home[0]) home[0].insertBefore(respond, home[1]);
  };

  const reply = (button) => {
    const comment = button.closest(".p-comment");
    form.elements.parent.value = comment.id.replace("comment-", "");
    button.after(respond);
    if (!cancel) {
      cancel = el("a", "eg-cancel");
      cancel.href = "#comments";
      cancel.addEventListener("click", cancelReply);
      respond.querySelector("#reply-title").after(cancel);
    }
    const author = comment.querySelector(":scope > p > .p-author");
    cancel.textContent = `Cancel reply to ${author ? author.textContent : "this comment"}`;
    (form.elements.name.value ? form.elements.body : form.elements.name).focus();
  };

  form.addEventListener("engagement:posted", () => cancelReply());

  /* comment-post.js, once: asked for on the first focus in the form. A comment sent before it
     arrived waits for it; if it cannot load, the form is sent the plain way. */
  let loaded = false;
  let loading = null;
  const loadPosting = () => {
    loading = loading || new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = POST_SCRIPT;
      script.onload = () => { loaded = true; resolve(); };
      script.onerror = reject;
      document.head.append(script);
    });
    return loading;
  };
  form.addEventListener("focusin", () => { loadPosting().catch(() => {}); });
  form.addEventListener("submit", (event) => {
    if (loaded) return;
    event.preventDefault();
    loadPosting().then(() => form.requestSubmit(), () => form.submit());
  });

  /* A "Reply" button under each comment of the page as built (run once, before a comment pending
     moderation can be shown in place): all are approved, and the endpoint takes any as a parent,
     moving a reply deeper than COMMENT_MAX_DEPTH up beside its parent. */
  section.querySelectorAll(".p-comment > .e-content").forEach((content) => {
    const comment = content.parentElement;
    const button = el("button", "eg-reply", "Reply");
    button.type = "button";
    const author = comment.querySelector(":scope > p > .p-author");
    if (author) button.append(el("span", "visually-hidden", ` to ${author.textContent}`));
    content.after(button);
  });
  section.addEventListener("click", (event) => {
    const button = event.target.closest(".eg-reply");
    if (button) reply(button);
  });
})();
