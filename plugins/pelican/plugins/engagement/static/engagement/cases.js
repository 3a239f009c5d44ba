// Optional enhancements for case cards and galleries; every page works without this file.
// 1. Screenshots open in a <dialog> lightbox (Esc and the Close button close it; focus returns).
// 2. Click-to-play video cards load the platform's player only after the click.
// 3. On a gallery page holding every case, facet and order links filter and sort in place.
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

  // The gallery's facet and order links are real links to generated pages. On a page that holds
  // every case (data-complete), a click filters and orders the cards in place instead, marks the
  // link current and puts the link's URL in the address bar (history.replaceState): a reload or a
  // shared link opens the same generated page.
  function galleryFilters() {
    var gallery = document.querySelector("[data-engagement-gallery][data-complete]");
    if (!gallery || !window.history || !history.replaceState) return;
    var grid = gallery.querySelector(".case-grid");
    if (!grid) return;
    var items = Array.prototype.slice.call(grid.children);
    var heading = gallery.querySelector("h1");
    var status = gallery.querySelector(".case-filter-status");
    var root = gallery.getAttribute("data-root");
    var state = { facet: "", value: "", slug: "", order: "" };
    var current = gallery.querySelector('.case-order [aria-current]');
    if (current) state.order = current.getAttribute("data-order");
    var baseHeading = gallery.querySelector('a[data-facet=""]').getAttribute("data-heading");

    function number(item, key) {
      var value = item.getAttribute(key);
      return value === null ? Infinity : Number(value);
    }
    function balanced(list) {  // beauties and beasts in turn, as the generated pages order them
      var groups = { beauty: [], beast: [], other: [] };
      list.forEach(function (item) {
        var verdict = item.getAttribute("data-verdict");
        (groups[verdict] || groups.other).push(item);
      });
      var mixed = [];
      for (var i = 0; i < Math.max(groups.beauty.length, groups.beast.length); i += 1) {
        if (groups.beauty[i]) mixed.push(groups.beauty[i]);
        if (groups.beast[i]) mixed.push(groups.beast[i]);
      }
      return mixed.concat(groups.other);
    }
    function matches(element) {
      return !state.facet || element.getAttribute("data-" + state.facet) === state.value;
    }
    function apply() {
      var byPosition = items.slice().sort(function (a, b) {
        return number(a, "data-position") - number(b, "data-position");
      });
      var ordered = state.order ? byPosition.sort(function (a, b) {
        return number(a, "data-response-seconds") - number(b, "data-response-seconds")
          || number(a, "data-position") - number(b, "data-position");
      }) : balanced(byPosition);
      var shown = 0;
      ordered.forEach(function (item) {
        item.hidden = !matches(item);
        if (!item.hidden) shown += 1;
        grid.appendChild(item);
      });
      gallery.querySelectorAll(".case-chart circle").forEach(function (dot) {
        dot.style.display = matches(dot) ? "" : "none";
      });
      var facetPath = state.facet ? state.facet + "/" + state.slug + "/" : "";
      gallery.querySelectorAll(".case-filter a").forEach(function (link) {
        var facet = link.getAttribute("data-facet");
        var isOrder = link.hasAttribute("data-order");
        var path = isOrder ? facetPath + link.getAttribute("data-order")
          : (facet ? facet + "/" + link.getAttribute("data-slug") + "/" : "") + state.order;
        link.href = root + path;
        var on = isOrder ? link.getAttribute("data-order") === state.order
          : facet === state.facet && (!facet || link.getAttribute("data-value") === state.value);
        if (on) link.setAttribute("aria-current", "page"); else link.removeAttribute("aria-current");
      });
      var active = gallery.querySelector('.case-facet:not(.case-order) a[aria-current]');
      var text = (active ? active.getAttribute("data-heading") : baseHeading)
        + (state.order ? ", fastest reply first" : "");
      heading.textContent = text;
      document.title = text + document.title.slice(document.title.indexOf(" · "));
      status.textContent = shown + (shown === 1 ? " case" : " cases") + " shown";
      return root + facetPath + state.order;
    }
    gallery.querySelector(".case-filter").addEventListener("click", function (event) {
      var link = event.target.closest("a");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button) return;
      event.preventDefault();
      if (link.hasAttribute("data-order")) {
        state.order = link.getAttribute("data-order");
      } else {
        state.facet = link.getAttribute("data-facet");
        state.value = link.getAttribute("data-value") || "";
        state.slug = link.getAttribute("data-slug") || "";
      }
      history.replaceState(null, "", apply());
      link.focus();
    });
  }

  lightboxes();
  videos();
  galleryFilters();
})();
