/* Permalinks into a thread split into pages: #comment-N that is not on this page (it moved to
   another page as the thread grew) is looked up in the thread's index, which says where it is.
   Linked only by the pages of a thread that has more than one (engagement/thread.html), so a
   thread on one page does not download it. No dependencies. */
(() => {
  "use strict";
  const section = document.getElementById("comments");
  const index = section && section.dataset.commentIndex;
  const wanted = /^#comment-(\d+)$/.exec(location.hash);
  if (!index || !wanted || document.getElementById(wanted[0].slice(1))) return;
  fetch(index).then((r) => (r.ok ? r.json() : {})).then((pages) => {
    if (pages[wanted[1]] && pages[wanted[1]] !== location.href.split("#")[0]) {
      location.replace(pages[wanted[1]] + location.hash);
    }
  }).catch(() => {});
})();
