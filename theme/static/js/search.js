/* The search page: Pagefind's own UI on our index (pagefind/ in this site's output). A query in
   the address (?q=…) is searched at once, and the address follows what is typed, so a search can
   be bookmarked or shared. Without this script the page still lists where to browse. */
(() => {
  "use strict";
  const host = document.getElementById("search");
  if (!host || !window.PagefindUI) return;
  const ui = new window.PagefindUI({
    element: "#search",
    bundlePath: host.dataset.bundle,
    baseUrl: host.dataset.base, /* SITEURL: results link right on a site that lives under a path */
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    translations: { placeholder: "Search articles and cases", zero_results: "Nothing matches [SEARCH_TERM]" },
  });
  const input = host.querySelector("input");
  if (input) input.setAttribute("aria-label", "Search articles and cases");
  const query = new URLSearchParams(location.search).get("q");
  if (query) ui.triggerSearch(query);
  if (input) {
    input.addEventListener("input", () => {
      const url = new URL(location.href);
      if (input.value) url.searchParams.set("q", input.value);
      else url.searchParams.delete("q");
      history.replaceState(null, "", url);
    });
  }
})();
