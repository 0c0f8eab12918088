/* j/k walking shared by the pages: focus the next or previous element of a list that is not hidden. */
"use strict";
function visibleOf(items) {
  return items.filter(function (el) { return !el.hidden; });
}
function moveIn(items, step) {
  var vis = visibleOf(items);
  if (!vis.length) { return; }
  var at = vis.indexOf(document.activeElement);
  var next = at < 0 ? (step > 0 ? 0 : vis.length - 1) : Math.min(vis.length - 1, Math.max(0, at + step));
  vis[next].focus();
  vis[next].scrollIntoView({block: "nearest"});
}
