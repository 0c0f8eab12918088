/* The QA report: filters (check, severity, release, accepted) kept in the URL hash, sort, j/k walk,
   and accepted findings (false positives) kept with Marks (marks.js) as a "qa-ignore" decisions file.
   Each finding's ignore key and its id come from Python (bilingual_pr/qa/ignore.py) in #qa-data:
   the page never computes a key. */
(function () {
  var data = JSON.parse(document.getElementById("qa-data").textContent);
  var SEV_RANK = {info: 0, warning: 1, error: 2};
  var box = document.getElementById("findings");
  var groups = Array.prototype.slice.call(box.querySelectorAll("section.unit-group"));
  var items = [];
  var checkSel = document.getElementById("f-check");
  var releaseSel = document.getElementById("f-release");  // absent when no unit names its release
  var sortSel = document.getElementById("f-sort");
  var hideAccepted = document.getElementById("f-accepted");
  var sevBoxes = Array.prototype.slice.call(document.querySelectorAll("input[name=severity]"));
  var acceptBoxes = Array.prototype.slice.call(document.querySelectorAll("input.accept-box"));
  var shown = document.getElementById("shown");
  var empty = document.getElementById("empty");
  var loadError = document.getElementById("load-error");
  var marks = new Marks(data.storage, "qa-ignore", data.subject);

  function collect() { items = Array.prototype.slice.call(box.querySelectorAll("li.finding")); }
  function selectHas(sel, value) {
    return Array.prototype.some.call(sel.options, function (o) { return o.value === value; });
  }
  function readHash() {
    if (location.hash && location.hash.indexOf("=") < 0) { return false; }  // #unit-N: a link, not filters
    var params = new URLSearchParams(location.hash.replace(/^#/, ""));
    var check = params.get("check") || "";
    checkSel.value = selectHas(checkSel, check) ? check : "";
    var sev = params.get("severity");
    var wanted = sev ? sev.split(",") : null;
    sevBoxes.forEach(function (b) { b.checked = wanted ? wanted.indexOf(b.value) >= 0 : true; });
    if (releaseSel) {
      var rel = params.get("release") || "";
      releaseSel.value = selectHas(releaseSel, rel) ? rel : "";
    }
    var sort = params.get("sort") || "unit";
    sortSel.value = selectHas(sortSel, sort) ? sort : "unit";
    hideAccepted.checked = params.get("accepted") === "hide";
    return true;
  }
  function writeHash() {
    var parts = [];
    if (checkSel.value) { parts.push("check=" + encodeURIComponent(checkSel.value)); }
    var on = sevBoxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
    if (on.length !== sevBoxes.length) { parts.push("severity=" + on.join(",")); }
    if (releaseSel && releaseSel.value) { parts.push("release=" + encodeURIComponent(releaseSel.value)); }
    if (sortSel.value !== "unit") { parts.push("sort=" + sortSel.value); }
    if (hideAccepted.checked) { parts.push("accepted=hide"); }
    history.replaceState(null, "", parts.length ? "#" + parts.join("&") : location.pathname + location.search);
  }
  function firstCheck(g) { return g.querySelector("li.finding").dataset.check; }
  function order() {
    var how = sortSel.value;
    var sorted = groups.slice().sort(function (a, b) {
      var d = 0;
      if (how === "severity") { d = SEV_RANK[b.dataset.severity] - SEV_RANK[a.dataset.severity]; }
      else if (how === "check") { d = firstCheck(a) < firstCheck(b) ? -1 : firstCheck(a) > firstCheck(b) ? 1 : 0; }
      else if (how === "release") {
        d = a.dataset.release < b.dataset.release ? -1 : a.dataset.release > b.dataset.release ? 1 : 0;
      }
      return d || Number(a.dataset.unit) - Number(b.dataset.unit);
    });
    sorted.forEach(function (g) { box.appendChild(g); });
    collect();
  }
  function apply() {
    var check = checkSel.value;
    var release = releaseSel ? releaseSel.value : "";
    var on = {};
    sevBoxes.forEach(function (b) { on[b.value] = b.checked; });
    var n = 0, units = 0;
    items.forEach(function (li) {
      var show = (!check || li.dataset.check === check) && on[li.dataset.severity] &&
        (!release || li.dataset.release === release) &&
        !(hideAccepted.checked && marks.get(li.dataset.key));
      li.hidden = !show;
      if (show) { n += 1; }
    });
    groups.forEach(function (g) {
      g.hidden = !g.querySelector("li.finding:not([hidden])");
      if (!g.hidden) { units += 1; }
    });
    shown.textContent = n + " of " + items.length + " findings shown, in " + units + " of " + groups.length +
      " units; " + marks.size() + " accepted";
    document.body.dataset.shown = String(n);
    document.body.dataset.units = String(units);
    empty.hidden = n !== 0;
  }
  function showMarks() {
    acceptBoxes.forEach(function (b) {
      var on = !!marks.get(b.dataset.key);
      b.checked = on;
      b.closest("li.finding").classList.toggle("accepted", on);
    });
    document.getElementById("accepted-count").textContent = String(marks.size());
  }
  function changed() { apply(); writeHash(); }

  // Findings accepted in an ignore file given to this run were skipped: keep them in what the page saves.
  Object.keys(data.carried).forEach(function (id) { if (!marks.get(id)) { marks.set(id, data.carried[id]); } });
  marks.onchange = function () { showMarks(); apply(); };
  acceptBoxes.forEach(function (b) {
    b.addEventListener("change", function () {
      if (b.checked) { marks.set(b.dataset.key, data.keys[b.dataset.key]); } else { marks.unset(b.dataset.key); }
    });
  });
  document.getElementById("download").addEventListener("click", function () { marks.download(data.filename); });
  document.getElementById("load").addEventListener("change", function (ev) {
    var file = ev.target.files[0];
    if (!file) { return; }
    marks.load(file, function (error) { loadError.textContent = error ? file.name + ": " + error : ""; });
    ev.target.value = "";
  });
  document.getElementById("filters").addEventListener("submit", function (ev) { ev.preventDefault(); });
  [checkSel, releaseSel, hideAccepted].concat(sevBoxes).forEach(function (el) {
    if (el) { el.addEventListener("change", changed); }
  });
  sortSel.addEventListener("change", function () { order(); changed(); });
  document.getElementById("reset").addEventListener("click", function () {
    checkSel.value = "";
    if (releaseSel) { releaseSel.value = ""; }
    hideAccepted.checked = false;
    sevBoxes.forEach(function (b) { b.checked = true; });
    changed();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-filter-check]"), function (btn) {
    btn.addEventListener("click", function () {
      checkSel.value = btn.dataset.filterCheck; changed(); checkSel.focus();
    });
  });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (ev.altKey || ev.ctrlKey || ev.metaKey || tag === "select" || tag === "input" || tag === "textarea") { return; }
    if (ev.key === "j" || ev.key === "n") { moveIn(items, 1); ev.preventDefault(); }
    else if (ev.key === "k" || ev.key === "p") { moveIn(items, -1); ev.preventDefault(); }
    else if (ev.key === "/") { checkSel.focus(); ev.preventDefault(); }
    else if (ev.key === "x" && ev.target.classList && ev.target.classList.contains("finding")) {
      ev.target.querySelector("input.accept-box").click(); ev.preventDefault();
    }
  });
  window.addEventListener("hashchange", function () { if (readHash()) { order(); apply(); } });
  readHash();
  order();
  showMarks();
  apply();
  document.body.dataset.ready = "1";
})();
