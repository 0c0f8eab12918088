/* The alignment review page: filter, order, and the reviewer's decisions per pair.
   Decisions are marks (marks.js) of kind "review" keyed by the unit's tuid, each with the unit's
   checksum as shown, so that `bilingual-pr review apply` can refuse them for another version:
     {action: "accept"|"reject"|"edit"|"merge"|"merged"|"split", checksum, reviewer, date,
      source, target (edit, merge, split: the new texts), with (merge, split: the other unit),
      into (merged: the unit it went into)}
   and "release": {action: "release-reviewed", reviewer, date}. The format: bilingual_pr/decisions.py
   and bilingual_pr/review_apply.py. Served by `review serve`, the page also saves every change there. */
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("review-data").textContent);
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.pair"));
  var tbody = rows.length ? rows[0].parentNode : null;
  var $ = function (id) { return document.getElementById(id); };
  var box = $("only-low"), maxConf = $("max-confidence"), order = $("order"), onlyOpen = $("only-open");
  var reviewer = $("reviewer"), left = $("left"), released = $("release-reviewed"), message = $("message");
  var marks = new Marks(data.storageKey, "review", data.subject);
  window.reviewMarks = marks;  // for the tests and the console
  var units = {}, sequence = [];
  data.units.forEach(function (u) { units[u.tuid] = u; sequence.push(u.tuid); });
  var rowOf = {};
  rows.forEach(function (r) {
    if (r.dataset.tuid) { rowOf[r.dataset.tuid] = r; }
    r.dataset.original = "1";
    r._cells = [r.querySelector("td.src").innerHTML, r.querySelector("td.tgt").innerHTML];
  });
  var WITH_TEXT = {edit: 1, merge: 1, split: 1};
  var LABEL = {accept: "accepted", reject: "rejected", edit: "edited", merge: "merged with ", merged: "merged into ",
               split: "split with "};

  function say(text) { message.textContent = text; }
  function now() { return new Date().toISOString().replace(/\.\d+Z$/, "Z"); }
  function numberOf(tuid) { return units[tuid] ? "#" + units[tuid].number : tuid; }
  function sentences(text) {
    // Sentence ends followed by a capital, a quote or a digit: enough to move one sentence of an edited text.
    return text.split(/(?<=[.!?…»”"])\s+(?=["«“(A-ZÀ-ÖØ-Þ0-9])/).filter(function (s) { return s.trim(); });
  }
  function current(tuid) {
    var d = marks.get(tuid), u = units[tuid];
    if (d && WITH_TEXT[d.action]) { return {source: sentences(d.source), target: sentences(d.target)}; }
    return {source: u.source.slice(), target: u.target.slice()};
  }
  function neighbour(tuid, step) {
    var i = sequence.indexOf(tuid) + step;
    return i >= 0 && i < sequence.length ? sequence[i] : null;
  }
  function who() {
    var id = reviewer.value.trim();
    if (!id) { say("Type your reviewer id first (it is recorded with each decision)."); reviewer.focus(); }
    return id;
  }
  function decision(tuid, action, extra) {
    var d = {action: action, checksum: units[tuid].checksum, reviewer: reviewer.value.trim(), date: now()};
    Object.keys(extra || {}).forEach(function (k) { d[k] = extra[k]; });
    return d;
  }
  function partnerOf(d) { return d ? (d.action === "merged" ? d.into : d.with) || null : null; }
  function tied(tuid) {
    var d = marks.get(tuid);
    return d && (d.action === "merge" || d.action === "merged" || d.action === "split");
  }

  /* ---- the actions: each takes the focused row's tuid */
  function decide(tuid, action) {
    if (!who()) { return; }
    if (tied(tuid)) { say("Undo (u) the " + marks.get(tuid).action + " first."); return; }
    marks.set(tuid, decision(tuid, action));
    say("");
  }
  function undo(tuid) {
    var other = partnerOf(marks.get(tuid));
    marks.unset(tuid);
    if (other && marks.get(other) && partnerOf(marks.get(other)) === tuid) { marks.unset(other); }
    say("");
  }
  function merge(tuid) {
    if (!who()) { return; }
    var next = neighbour(tuid, 1);
    if (!next) { say("There is no next pair to merge with."); return; }
    if (tied(tuid) || tied(next) || (marks.get(next) || {}).action === "reject") {
      say("Undo the decisions of " + numberOf(tuid) + " and " + numberOf(next) + " first."); return;
    }
    var a = current(tuid), b = current(next);
    marks.items[next] = decision(next, "merged", {into: tuid});
    marks.set(tuid, decision(tuid, "merge", {with: next, source: a.source.concat(b.source).join(" "),
                                             target: a.target.concat(b.target).join(" ")}));
    say("");
  }
  function split(tuid, side, step) {
    if (!who()) { return; }
    var other = neighbour(tuid, step), name = side === "source" ? "French" : "English";
    if (!other) { say("There is no " + (step > 0 ? "next" : "previous") + " pair to move a sentence to."); return; }
    if ((tied(tuid) && partnerOf(marks.get(tuid)) !== other) || (tied(other) && partnerOf(marks.get(other)) !== tuid) ||
        ["merge", "merged"].indexOf((marks.get(tuid) || {}).action) >= 0) {
      say("Undo the decisions of " + numberOf(tuid) + " and " + numberOf(other) + " first."); return;
    }
    var a = current(tuid), b = current(other);
    if (a[side].length < 2) { say("This pair has only one " + name + " sentence: nothing to move."); return; }
    if (step > 0) { b[side].unshift(a[side].pop()); } else { b[side].push(a[side].shift()); }
    marks.items[other] = decision(other, "split", {with: tuid, source: b.source.join(" "), target: b.target.join(" ")});
    marks.set(tuid, decision(tuid, "split", {with: other, source: a.source.join(" "), target: a.target.join(" ")}));
    say("");
  }
  function edit(row) {
    var tuid = row.dataset.tuid;
    if (!who() || row.querySelector("textarea")) { return; }
    if (tied(tuid)) { say("Undo (u) the " + marks.get(tuid).action + " first."); return; }
    var c = current(tuid);
    ["src", "tgt"].forEach(function (cls, i) {
      var cell = row.querySelector("td." + cls), area = document.createElement("textarea");
      area.value = (i ? c.target : c.source).join(" ");
      area.setAttribute("aria-label", (i ? "target" : "source") + " text of pair " + numberOf(tuid));
      cell.textContent = "";
      cell.appendChild(area);
      area.addEventListener("keydown", function (ev) {
        if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); save(row); }
        else if (ev.key === "Escape") { ev.preventDefault(); paint(); row.focus(); }
      });
    });
    row.querySelector("textarea").focus();
  }
  function save(row) {
    var areas = row.querySelectorAll("textarea"), src = areas[0].value.trim(), tgt = areas[1].value.trim();
    if (!src || !tgt) { say("Both sides need a text (reject the pair instead)."); return; }
    var u = units[row.dataset.tuid];
    if (src === u.source.join(" ") && tgt === u.target.join(" ")) {
      marks.set(row.dataset.tuid, decision(row.dataset.tuid, "accept"));
    } else {
      marks.set(row.dataset.tuid, decision(row.dataset.tuid, "edit", {source: src, target: tgt}));
    }
    row.focus();
  }
  function splitPanel(row) {
    var tuid = row.dataset.tuid;
    if (!who()) { return; }
    var panel = row.querySelector(".panel");
    if (panel) { panel.remove(); return; }
    panel = document.createElement("div");
    panel.className = "panel";
    [["source", 1, "1: last FR sentence → next pair"], ["target", 1, "2: last EN sentence → next pair"],
     ["source", -1, "3: first FR sentence → previous pair"], ["target", -1, "4: first EN sentence → previous pair"]]
      .forEach(function (o) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = o[2];
        b.addEventListener("click", function () { panel.remove(); split(tuid, o[0], o[1]); row.focus(); });
        panel.appendChild(b);
      });
    row.querySelector("td.decision").appendChild(panel);
  }

  /* ---- showing the decisions, the filter and the counter */
  function paint() {
    rows.forEach(function (r) {
      var tuid = r.dataset.tuid;
      if (!tuid) { return; }
      var d = marks.get(tuid), cells = [r.querySelector("td.src"), r.querySelector("td.tgt")];
      r.className = r.className.replace(/\s*\b(decided|d-\w+)\b/g, "");
      if (d && WITH_TEXT[d.action]) {
        cells[0].textContent = d.source;
        cells[1].textContent = d.target;
      } else {
        cells[0].innerHTML = r._cells[0];
        cells[1].innerHTML = r._cells[1];
      }
      var cell = r.querySelector("td.decision");
      cell.textContent = d ? LABEL[d.action] + (partnerOf(d) ? numberOf(partnerOf(d)) : "") + " (" + d.reviewer + ")" : "";
      r.dataset.decision = d ? d.action : "";
      if (d) { r.className += " decided d-" + d.action; }
    });
  }
  function filter() {
    var only = box.checked, open = onlyOpen.checked, max = parseFloat(maxConf.value), n = 0;
    if (isNaN(max)) { max = 1; }
    rows.forEach(function (r) {
      var hide = (only && r.dataset.low !== "1") || parseFloat(r.dataset.confidence) > max + 1e-9 ||
                 (open && (!r.dataset.tuid || r.dataset.decision));
      r.hidden = hide;
      if (!hide) { n += 1; }
    });
    $("shown").textContent = n + " of " + rows.length + " pairs shown";
    document.body.dataset.shown = String(n);
    $("empty").hidden = n !== 0;
  }
  function sort() {
    if (!tbody) { return; }
    var byConf = order.value === "confidence";
    rows.slice().sort(function (a, b) {
      var d = byConf ? parseFloat(a.dataset.confidence) - parseFloat(b.dataset.confidence) : 0;
      return d || parseInt(a.id.slice(1), 10) - parseInt(b.id.slice(1), 10);
    }).forEach(function (r) { tbody.appendChild(r); });
    rows = Array.prototype.slice.call(tbody.querySelectorAll("tr.pair"));
  }
  function count() {
    var open = sequence.filter(function (t) { return !marks.get(t); }).length;
    left.textContent = open + " of " + sequence.length + " pairs left to decide";
    document.body.dataset.left = String(open);
    released.disabled = open > 0 || !sequence.length;
    released.checked = !!marks.get("release");
    return open;
  }
  function refresh() {
    if (count() > 0 && marks.get("release")) { marks.unset("release"); return; }  // unset calls refresh again
    paint();
    filter();
    send();
  }

  /* ---- saving: to the server that serves the page, else by export */
  var sending = null, again = false;
  function send() {
    if (!data.server) { $("saved").textContent = marks.size() ? "not on disk: export the decisions" : ""; return; }
    if (sending) { again = true; return; }
    sending = fetch("/decisions", {method: "POST", headers: {"Content-Type": "application/json"},
                                   body: JSON.stringify(marks.envelope())})
      .then(function (res) { return res.text().then(function (t) { if (!res.ok) { throw new Error(t); } return t; }); })
      .then(function (t) { $("saved").textContent = t; document.body.dataset.saved = String(marks.size()); },
            function (e) { $("saved").textContent = "not saved: " + e.message; })
      .then(function () { sending = null; if (again) { again = false; send(); } });
  }
  function writeHash() {
    var target = box.checked ? "#low" : location.pathname + location.search;
    try { history.replaceState(null, "", target); } catch (err) { location.hash = box.checked ? "low" : ""; }
  }
  function readHash() { box.checked = location.hash === "#low"; }

  marks.onchange = refresh;
  try { reviewer.value = localStorage.getItem("bilingual-pr-reviewer") || ""; } catch (e) { /* storage off */ }
  reviewer.addEventListener("input", function () {
    try { localStorage.setItem("bilingual-pr-reviewer", reviewer.value.trim()); } catch (e) { /* storage off */ }
  });
  box.addEventListener("change", function () { filter(); writeHash(); });
  maxConf.addEventListener("input", filter);
  onlyOpen.addEventListener("change", filter);
  order.addEventListener("change", function () { sort(); filter(); });
  released.addEventListener("change", function () {
    if (released.checked && who()) {
      marks.set("release", {action: "release-reviewed", reviewer: reviewer.value.trim(), date: now()});
    } else if (!released.checked && marks.get("release")) { marks.unset("release"); } else { count(); }
  });
  $("export").addEventListener("click", function () { marks.download(data.file); });
  $("import").addEventListener("change", function (ev) {
    var file = ev.target.files[0];
    if (file) { marks.load(file, function (why) { say(why ? "Not imported: " + why : "Decisions imported."); }); }
    ev.target.value = "";
  });
  document.addEventListener("keydown", function (ev) {
    var tag = (ev.target.tagName || "").toLowerCase();
    if (ev.altKey || ev.ctrlKey || ev.metaKey || tag === "textarea" || tag === "select" || tag === "button" ||
        (tag === "input" && ev.target.type !== "checkbox")) { return; }
    var row = document.activeElement && document.activeElement.closest ? document.activeElement.closest("tr.pair") : null;
    var tuid = row ? row.dataset.tuid : null;
    var done = true;
    if (ev.key === "j") { moveIn(rows, 1); }
    else if (ev.key === "k") { moveIn(rows, -1); }
    else if (ev.key === "l") { box.checked = !box.checked; filter(); writeHash(); }
    else if (ev.key === "o") { order.value = order.value === "bead" ? "confidence" : "bead"; sort(); filter(); }
    else if (!tuid) { done = false; if (row && "armesu".indexOf(ev.key) >= 0) { say("This sentence is in no TMX: nothing to decide."); } }
    else if (ev.key === "a") { decide(tuid, "accept"); }
    else if (ev.key === "r") { decide(tuid, "reject"); }
    else if (ev.key === "u") { undo(tuid); }
    else if (ev.key === "m") { merge(tuid); }
    else if (ev.key === "e") { edit(row); }
    else if (ev.key === "s") { splitPanel(row); }
    else if ("1234".indexOf(ev.key) >= 0 && ev.key.length === 1 && row.querySelector(".panel")) {
      row.querySelector(".panel").children[parseInt(ev.key, 10) - 1].click();
    }
    else if (ev.key === "Escape" && row.querySelector(".panel")) { row.querySelector(".panel").remove(); }
    else { done = false; }
    if (done) { ev.preventDefault(); }
  });
  window.addEventListener("hashchange", function () { readHash(); filter(); });

  function start() {
    readHash();
    refresh();
    document.body.dataset.ready = "1";
  }
  if (data.server) {
    // What was saved to disk before (another browser, a cleared storage) comes back under what this one holds.
    fetch("/decisions").then(function (res) { return res.ok ? res.json() : null; }).then(function (doc) {
      if (doc && !marks.accepts(doc)) {
        Object.keys(doc.decisions).forEach(function (id) { if (!marks.get(id)) { marks.items[id] = doc.decisions[id]; } });
      }
    }, function () { /* nothing saved yet */ }).then(start);
  } else {
    start();
  }
})();
