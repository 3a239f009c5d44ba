// Optional enhancements for case cards and galleries; every page works without this file.
// 1. Screenshots open in a <dialog> lightbox (Esc and the Close button close it; focus returns).
// 2. Click-to-play video cards load the platform's player only after the click.
// 3. The gallery gets in-page filters (brand, platform, verdict) and ordering by response time.
(function () {
  "use strict";

  function lightboxes() {
    document.querySelectorAll("a[data-engagement-lightbox]").forEach(function (link) {
      var dialog = document.getElementById(link.getAttribute("data-engagement-lightbox"));
      if (!dialog || typeof dialog.showModal !== "function") return;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
      });
      dialog.addEventListener("close", function () { link.focus(); });
      dialog.querySelectorAll(".case-lightbox-close").forEach(function (button) {
        button.addEventListener("click", function () { dialog.close(); });
      });
      dialog.addEventListener("click", function (event) {
        if (event.target === dialog) dialog.close();  // a click on the backdrop
      });
    });
  }

  function videos() {
    document.querySelectorAll("button[data-embed-src]").forEach(function (button) {
      button.addEventListener("click", function () {
        var frame = document.createElement("iframe");
        frame.src = button.getAttribute("data-embed-src");
        frame.title = button.textContent;
        frame.allow = "fullscreen; picture-in-picture";
        frame.width = "560";
        frame.height = "315";
        button.parentNode.replaceWith(frame);
      });
    });
  }

  function option(select, value, label) {
    var item = document.createElement("option");
    item.value = value;
    item.textContent = label;
    select.appendChild(item);
  }

  function galleryFilters() {
    var gallery = document.querySelector("[data-engagement-gallery]");
    if (!gallery) return;
    var items = Array.prototype.slice.call(gallery.querySelectorAll(".gallery-item"));
    var form = document.createElement("form");
    form.className = "case-filter";
    form.setAttribute("aria-label", "Filter and order the cases on this page");
    var selects = {};
    ["brand", "platform", "verdict"].forEach(function (facet) {
      var label = document.createElement("label");
      label.textContent = facet.charAt(0).toUpperCase() + facet.slice(1) + " ";
      var select = document.createElement("select");
      select.name = facet;
      option(select, "", "any");
      var seen = {};
      items.forEach(function (item) {
        var value = item.getAttribute("data-" + facet);
        if (value && !seen[value]) { seen[value] = true; option(select, value, value); }
      });
      label.appendChild(select);
      form.appendChild(label);
      selects[facet] = select;
    });
    var orderLabel = document.createElement("label");
    orderLabel.textContent = "Order ";
    var order = document.createElement("select");
    option(order, "position", "newest article first");
    option(order, "response", "fastest reply first");
    orderLabel.appendChild(order);
    form.appendChild(orderLabel);
    var status = document.createElement("p");
    status.setAttribute("role", "status");
    form.appendChild(status);

    function apply() {
      var shown = 0;
      items.forEach(function (item) {
        var visible = Object.keys(selects).every(function (facet) {
          var wanted = selects[facet].value;
          return !wanted || item.getAttribute("data-" + facet) === wanted;
        });
        item.hidden = !visible;
        if (visible) shown += 1;
      });
      var key = order.value === "response" ? "data-response-seconds" : "data-position";
      items.slice().sort(function (a, b) {
        var x = a.getAttribute(key), y = b.getAttribute(key);
        x = x === null ? Infinity : Number(x);
        y = y === null ? Infinity : Number(y);
        return x - y || Number(a.getAttribute("data-position")) - Number(b.getAttribute("data-position"));
      }).forEach(function (item) { item.parentNode.appendChild(item); });
      gallery.querySelectorAll(".case-column").forEach(function (column) {
        column.hidden = !column.querySelector(".gallery-item:not([hidden])");
      });
      status.textContent = shown + " of " + items.length + " cases shown";
    }
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var facets = gallery.querySelector(".case-facets");
    facets.parentNode.insertBefore(form, facets.nextSibling);
    apply();
  }

  lightboxes();
  videos();
  galleryFilters();
})();
