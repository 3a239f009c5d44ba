/* The moderation page's keyboard and in-place updates. Everything works without this file: the
   forms post and the page comes back. With it: j/k move between entries, x selects, a/s/r
   approve/mark spam/reject the current entry, "select all" ticks the page, and every action is
   sent with fetch and updates the list and the counts in place. */
(function () {
  "use strict";
  const form = document.getElementById("mq-bulk");
  if (!form || !window.fetch) return;
  const status = document.getElementById("mq-status");
  const list = form.querySelector(".mq-list");
  document.querySelectorAll(".mq-keys, .mq-select-all").forEach((el) => { el.hidden = false; });
  const entries = () => Array.from(form.querySelectorAll(".mq-entry"));
  let current = null;

  const say = (text) => {
    status.textContent = "";
    const p = document.createElement("p");
    p.textContent = text;
    status.append(p);
  };

  const setCurrent = (entry) => {
    if (current) current.classList.remove("mq-current");
    current = entry || null;
    if (current) {
      current.classList.add("mq-current");
      current.focus({ preventScroll: true });
      current.scrollIntoView({ block: "nearest" });
    }
  };

  const all = document.getElementById("mq-all");
  if (all) {
    all.addEventListener("change", () => {
      form.querySelectorAll('input[name="ids"]').forEach((box) => { box.checked = all.checked; });
    });
  }

  const updateCounts = (counts) => {
    document.querySelectorAll(".mq-tabs a[data-status]").forEach((tab) => {
      const count = tab.querySelector(".mq-count");
      if (count && counts[tab.dataset.status] !== undefined) count.textContent = counts[tab.dataset.status];
    });
  };

  const removeEntries = (ids) => {
    const gone = new Set(ids.map(String));
    let next = null;
    entries().forEach((entry, index, items) => {
      if (!gone.has(entry.dataset.id)) return;
      if (entry === current || !next) next = items.slice(index + 1).find((e) => !gone.has(e.dataset.id)) || null;
      form.querySelectorAll(`input[name="page_ids"][value="${entry.dataset.id}"]`).forEach((i) => i.remove());
      entry.remove();
    });
    if (!entries().length && list) {
      const empty = document.createElement("p");
      empty.className = "mq-empty";
      empty.textContent = "Nothing left on this page. Reload for more.";
      list.replaceWith(empty);
      form.querySelector(".mq-bar")?.remove();
    }
    if (all) all.checked = false;
    setCurrent(next || entries()[0]);
  };

  form.addEventListener("submit", async (event) => {
    const button = event.submitter;
    event.preventDefault();
    const data = new FormData(form, button);
    const url = (button && button.getAttribute("formaction")) || form.getAttribute("action");
    const keep = button && button.dataset.action === "reply" && data.get("status") === "approved";
    const affected = button && button.dataset.action
      ? [button.closest(".mq-entry")] : entries().filter((e) => data.getAll(
        data.get("scope") === "page" ? "page_ids" : "ids").includes(e.dataset.id));
    affected.forEach((entry) => entry && entry.classList.add("mq-leaving"));
    try {
      const response = await fetch(url, {
        method: "POST", body: new URLSearchParams(data), credentials: "same-origin",
        headers: { Accept: "application/json" },
      });
      const body = await response.json().catch(() => ({}));
      if (!response.ok) {
        say(body.error || `That did not work (error ${response.status}). Reload the page and try again.`);
        affected.forEach((entry) => entry && entry.classList.remove("mq-leaving"));
        return;
      }
      say(body.message);
      updateCounts(body.counts || {});
      if (keep) {
        affected.forEach((entry) => entry && entry.classList.remove("mq-leaving"));
        button.closest("details").open = false;
        button.closest("details").querySelector("textarea").value = "";
      } else {
        removeEntries(body.ids || []);
      }
    } catch {
      say("The endpoint could not be reached. Nothing was changed; try again.");
      affected.forEach((entry) => entry && entry.classList.remove("mq-leaving"));
    }
  });

  document.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const items = entries();
    if (!items.length) return;
    const index = current ? items.indexOf(current) : -1;
    const key = event.key;
    if (key === "j" || key === "k") {
      const to = key === "j" ? Math.min(index + 1, items.length - 1) : Math.max(index - 1, 0);
      setCurrent(items[index === -1 ? 0 : to]);
    } else if (key === "x" && current) {
      const box = current.querySelector('input[name="ids"]');
      box.checked = !box.checked;
    } else if (current && (key === "a" || key === "s" || key === "r")) {
      const button = current.querySelector(`button[data-key="${key}"]`);
      if (button) form.requestSubmit(button);
    } else {
      return;
    }
    event.preventDefault();
  });

  form.addEventListener("focusin", (event) => {
    const entry = event.target.closest(".mq-entry");
    if (entry && entry !== current) {
      if (current) current.classList.remove("mq-current");
      current = entry;
      current.classList.add("mq-current");
    }
  });
})();
