/* Comments, posting: the form sent with fetch (JSON to the endpoint's API, a form token, one
   Idempotency-Key per comment), the comment shown in place as awaiting moderation, errors put next
   to their field. Loaded by comments.js when the reader first touches the form; it tells
   comments.js when a comment went through ("engagement:posted"), which puts the form back under
   the thread. What it shows is styled by comment-post.css (and a reply, in a thread that had none,
   by comment-extras.css), asked for here and waited for before the comment shows. No dependencies. */
(() => {
  "use strict";
  const form = document.getElementById("comment-form");
  const section = document.getElementById("comments");
  if (!form || !section) return;
  const self = document.currentScript || document.querySelector('script[src*="/engagement/comment-post.js"]');
  const HERE = self ? self.src : location.href; /* the plugin's folder of scripts and stylesheets */
  const TAGS = ["A", "P", "EM", "STRONG", "CODE", "PRE", "BLOCKQUOTE", "UL", "OL", "LI", "BR"];

  /* body_html comes sanitized from the endpoint; rebuild it from an allow-list anyway, so even a
     misbehaving endpoint cannot put script into the page. */
  const safeFragment = (html) => {
    const out = document.createDocumentFragment();
    const copy = (node, parent) => {
      if (node.nodeType === 3) return void parent.append(node.data);
      if (node.nodeType !== 1) return;
      let target = parent;
      if (TAGS.includes(node.tagName)) {
        target = parent.appendChild(document.createElement(node.tagName));
        const href = node.tagName === "A" && node.getAttribute("href");
        if (href && /^(https?:|mailto:)/i.test(href)) {
          target.href = href;
          target.rel = "nofollow ugc noreferrer";
        }
      }
      node.childNodes.forEach((child) => copy(child, target));
    };
    new DOMParser().parseFromString(html, "text/html").body.childNodes.forEach((n) => copy(n, out));
    return out;
  };

  const el = (tag, className, text) => {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  };

  /* A stylesheet of this folder, linked once (unless the page already links it); the promise settles
     when it has loaded or failed (a comment is shown either way). */
  const sheets = {};
  const stylesheet = (name) => {
    if (!sheets[name]) {
      const href = new URL(`${name}.css`, HERE).href;
      const linked = Array.from(document.querySelectorAll("link[rel=stylesheet]")).some((l) => l.href === href);
      sheets[name] = linked ? Promise.resolve() : new Promise((resolve) => {
        const link = document.createElement("link");
        link.rel = "stylesheet";
        link.href = href;
        link.onload = link.onerror = resolve;
        document.head.append(link);
      });
    }
    return sheets[name];
  };
  stylesheet("comment-post"); /* loaded on the reader's first touch of the form, long before a comment is sent */

  const status = (text, quiet = false) => {
    const line = form.querySelector(".eg-status");
    line.textContent = text;
    line.classList.toggle("visually-hidden", quiet);
  };
  /* A field's error slot, made the first time the endpoint blames that field (the static page
     carries none): the last part of its .eg-field, and named in the field's aria-describedby, so
     the message is read out when the field takes the focus. */
  const SLOTTED = ["name", "email", "website", "body"];
  const errorSlot = (field) => {
    const id = `cf-${field.name}-error`;
    let slot = document.getElementById(id);
    if (!slot) {
      slot = el("span", "eg-error");
      slot.id = id;
      field.closest(".eg-field").append(slot);
      const described = field.getAttribute("aria-describedby");
      field.setAttribute("aria-describedby", described ? `${described} ${id}` : id);
    }
    return slot;
  };
  const showError = (data, code) => {
    const field = SLOTTED.includes(data.field) && form.elements[data.field];
    const message = data.error || `Your comment could not be sent (error ${code}). Please try again.`;
    if (field) {
      errorSlot(field).textContent = message;
      field.setAttribute("aria-invalid", "true");
      field.focus();
    } else {
      status(message);
    }
  };

  /* The monogram avatar, exactly as comments/monogram.py draws it for the static page (comments.css
     draws it from the <li>'s data-initials and eg-hue-N). */
  const HUES = 8;
  const firstSign = (word) => Array.from(word).find((c) => /[\p{L}\p{N}]/u.test(c)) || "";
  const monogram = (name) => {
    const words = name.split(/\s+/).filter(firstSign);
    const initials = words.length
      ? (firstSign(words[0]) + (words.length > 1 ? firstSign(words[words.length - 1]) : "")).toUpperCase()
      : "?";
    let hash = 0;
    for (const c of name.trim()) hash = (Math.imul(hash, 31) + c.codePointAt(0)) >>> 0;
    return { initials, hue: hash % HUES };
  };

  const pendingComment = (data) => {
    const name = data.author_name || "";
    const mono = monogram(name);
    const item = el("li", `h-cite p-comment eg-hue-${mono.hue} eg-pending-comment`);
    if (data.id) item.id = `comment-${data.id}`;
    item.dataset.initials = mono.initials;
    const meta = item.appendChild(el("p"));
    const website = /^https?:\/\//i.test(data.author_url || "") ? data.author_url : "";
    const author = meta.appendChild(el(website ? "a" : "span", "p-author h-card", name));
    if (website) {
      author.href = website;
      author.rel = "nofollow ugc noopener";
    }
    /* Dated by the endpoint in the page's own format and time zone (created_at_text). */
    if (data.created_at && data.created_at_text) {
      const time = el("time", "dt-published", data.created_at_text);
      time.dateTime = data.created_at;
      meta.append(" ", time);
    }
    item.appendChild(el("div", "e-content")).append(safeFragment(data.body_html || ""));
    item.append(el("div", "eg-awaiting", data.message || "Your comment is awaiting moderation."));
    return item;
  };

  /* "No replies yet" no longer holds once the reader sees their own comment in the thread; under
     linkbacks (the count heads them, thread.html) the hidden "Comments" heading now heads one. */
  const notEmptyAnyMore = () => {
    const heading = section.querySelector(".eg-none-yet");
    if (heading) {
      heading.textContent = "Replies";
      heading.classList.remove("eg-none-yet");
    }
    section.querySelector("h3#comments-title")?.classList.remove("visually-hidden");
  };

  const listFor = (parentId) => {
    const parent = parentId && document.getElementById(`comment-${parentId}`);
    const selector = parent ? ":scope > .eg-replies, :scope > details > .eg-replies" : ".eg-thread";
    let list = (parent || section).querySelector(selector);
    if (list && list.parentElement.tagName === "DETAILS") list.parentElement.open = true;
    if (!list) {
      list = el("ol", parent ? "eg-replies" : "eg-thread");
      parent ? parent.append(list) : section.insertBefore(list, document.getElementById("respond"));
    }
    return list;
  };

  /* The form token (see README, "Spam rules"): asked for when the reader first touches the form,
     so the endpoint can tell a person (who takes a while to write) from a robot (who does not). */
  let token = null;
  const fetchToken = () => {
    const url = form.dataset.api.replace(/comments$/, "form-token") +
      `?thread=${encodeURIComponent(form.elements.thread.value)}`;
    const asked = Date.now();
    token = fetch(url, { credentials: "omit" })
      .then((r) => (r.ok ? r.json() : {}))
      .then((d) => ({ value: d.token || "", ready: asked + 1000 * ((d.min_seconds || 0) + 1) }))
      .catch(() => ({ value: "", ready: 0 }));
    return token;
  };
  /* A very quick writer (or a pasted comment) waits out the token's minimum age while "Sending…". */
  const tokenWhenReady = async () => {
    const t = await (token || fetchToken());
    const wait = t.ready - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return t.value;
  };
  fetchToken(); /* loaded on the reader's first touch of the form: the moment the token is asked for */

  /* One Idempotency-Key per comment (README, "Retries never store a comment twice"), kept while that
     comment is retried: by this script when the endpoint cannot be reached, or by the reader pressing
     the button again for the same, unchanged comment. The endpoint stores it once however often it
     arrives. randomUUID needs a secure context; elsewhere the same v4 UUID from getRandomValues. */
  const newKey = () => {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  };
  let unanswered = null; /* { payload, key } of the comment whose answer has not come yet */
  const RETRY_DELAYS = [1000, 3000];
  const send = async (payload, key) => {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await fetch(form.dataset.api, {
          method: "POST",
          headers: { "Content-Type": "application/json", Accept: "application/json",
                     "Idempotency-Key": `"${key}"` },
          body: payload,
          credentials: "omit",
        });
      } catch (error) {
        if (attempt >= RETRY_DELAYS.length) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_DELAYS[attempt]));
      }
    }
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    form.querySelectorAll(".eg-error").forEach((slot) => { slot.textContent = ""; });
    form.querySelectorAll("[aria-invalid]").forEach((field) => field.removeAttribute("aria-invalid"));
    if (!form.reportValidity()) return;
    /* The same text values the plain form sends; the endpoint reads both alike. */
    const data = {};
    for (const name of ["thread", "parent", "name", "email", "website", "body", "homepage"]) {
      if (form.elements[name]) data[name] = form.elements[name].value;
    }
    data.notify = form.elements.notify && form.elements.notify.checked ? "1" : "";

    // A minified page (ENGAGEMENT_MINIFY_HTML) drops type="submit", the button's default.
    const button = form.querySelector("button:not([type]), [type=submit]");
    button.disabled = true;
    status("Sending…");
    /* A reply needs comment-extras.css where the thread has no replies yet: asked for while sending. */
    const styled = Promise.all([stylesheet("comment-post"), data.parent && stylesheet("comment-extras")]);
    try {
      data.form_token = await tokenWhenReady();
      const payload = JSON.stringify(data);
      if (!unanswered || unanswered.payload !== payload) unanswered = { payload, key: newKey() };
      const response = await send(payload, unanswered.key);
      const body = await response.json().catch(() => ({}));
      if (response.ok || response.status < 500) unanswered = null; /* its fate is known */
      if (!response.ok) {
        status("");
        showError(body, response.status);
        return;
      }
      fetchToken(); /* a token counts once */
      await styled;
      const item = pendingComment(body);
      listFor(body.parent || data.parent).append(item);
      notEmptyAnyMore();
      form.elements.body.value = "";
      form.dispatchEvent(new Event("engagement:posted")); /* comments.js puts the form back */
      /* The comment itself carries the notice; the status line only tells screen readers. */
      status(body.message || "Thank you — your comment is awaiting moderation.", true);
      item.scrollIntoView({ block: "nearest" });
    } catch {
      status("The comment server could not be reached. Please try again in a moment.");
    } finally {
      button.disabled = false;
    }
  });

})();
