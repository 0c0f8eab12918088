/* The concordance search page of tm serve: asks the server's JSON API, shows the hits with the phrase marked.
   Memory text only ever goes into text nodes (textContent, createTextNode), never into markup. */
(function () {
  var body = document.body;
  var form = document.getElementById("search");
  var q = document.getElementById("q");
  var lang = document.getElementById("lang");
  var min = document.getElementById("min");
  var hits = document.getElementById("hits");
  var status = document.getElementById("status");
  var limit = form.dataset.limit;
  var seq = 0, timer = null, pending = null;

  function mode() { return form.querySelector("input[name=mode]:checked").value; }

  function otherLanguage(code) {
    var all = Array.prototype.map.call(lang.options, function (o) { return o.value; });
    return all.filter(function (c) { return c !== code; })[0] || code;
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  // Spans are [start, end) in code points (the server's Python offsets): count them as code points here too.
  function marked(text, spans) {
    var out = document.createDocumentFragment();
    var chars = Array.from(text), last = 0;
    (spans || []).forEach(function (s) {
      if (s[0] > last) { out.appendChild(document.createTextNode(chars.slice(last, s[0]).join(""))); }
      out.appendChild(el("mark", "", chars.slice(s[0], s[1]).join("")));
      last = s[1];
    });
    if (last < chars.length) { out.appendChild(document.createTextNode(chars.slice(last).join(""))); }
    return out;
  }

  function side(tag, text, spans) {
    var p = el("p", "side");
    p.lang = tag;
    p.appendChild(el("span", "tag", tag));
    p.appendChild(marked(text, spans));
    return p;
  }

  function meta(parts) {
    var p = el("p", "meta");
    parts.filter(Boolean).forEach(function (part, i) {
      if (i) { p.appendChild(document.createTextNode(" · ")); }
      p.appendChild(typeof part === "string" ? document.createTextNode(part) : part);
    });
    return p;
  }

  function concordHit(u) {
    var li = el("li", "hit");
    li.appendChild(meta(["#" + u.id, u.origin, u.document, u.changed || u.created]));
    li.appendChild(side(u.source_lang, u.source, u.spans.source));
    li.appendChild(side(u.target_lang, u.target, u.spans.target));
    return li;
  }

  function fuzzyHit(m, from, to) {
    var li = el("li", "hit");
    var why = m.penalties.map(function (p) { return p[0] + " −" + p[1]; }).join("; ");
    li.appendChild(meta([el("span", "score", String(Math.round(m.score))), m.kind + (m.repaired && m.kind !== "repaired" ? " (repaired)" : ""),
                         "#" + m.id, m.origin, m.document, why]));
    li.appendChild(side(from, m.source));
    li.appendChild(side(to, m.target));
    if (m.repaired) {
      li.appendChild(el("p", "stored", "stored: " + m.stored_target));
      m.changes.forEach(function (c) { li.appendChild(el("p", "change", "repaired: " + c)); });
    }
    return li;
  }

  function show(kind, data, text) {
    hits.textContent = "";
    var from = lang.value, to = otherLanguage(from);
    data.forEach(function (item, n) {
      var li = kind === "concord" ? concordHit(item) : fuzzyHit(item, from, to);
      li.id = "h" + (n + 1);
      li.tabIndex = 0;
      hits.appendChild(li);
    });
    var many = data.length >= Number(limit) ? " (the first " + limit + ")" : "";
    if (kind === "concord") {
      status.textContent = data.length ? data.length + " unit" + (data.length > 1 ? "s" : "") + many + " with “" + text + "”"
                                       : "no unit with “" + text + "”";
    } else {
      status.textContent = data.length ? data.length + " match" + (data.length > 1 ? "es" : "") + " at or above " + min.value
                                       : "no match at or above " + min.value;
    }
    body.dataset.shown = String(data.length);
  }

  function fail(message) {
    hits.textContent = "";
    status.className = "error";
    status.textContent = message;
    body.dataset.shown = "0";
    body.dataset.state = "error";
  }

  function remember() {
    var params = new URLSearchParams();
    if (q.value.trim()) { params.set("q", q.value); }
    params.set("lang", lang.value);
    params.set("mode", mode());
    if (mode() === "fuzzy") { params.set("min", min.value); }
    history.replaceState(null, "", "?" + params.toString());
  }

  function run() {
    clearTimeout(timer);
    remember();
    var text = q.value.trim(), kind = mode(), mine = ++seq;
    if (pending) { pending.abort(); pending = null; }
    status.className = "";
    if (!text) {
      hits.textContent = "";
      status.textContent = "";
      body.dataset.shown = "0";
      body.dataset.state = "idle";
      return;
    }
    var params = new URLSearchParams({q: text});
    if (kind === "concord") {
      params.set("lang", lang.value);
      params.set("limit", limit);
    } else {
      params.set("from", lang.value);
      params.set("to", otherLanguage(lang.value));
      params.set("min", min.value || "0");
      params.set("limit", "20");
    }
    pending = new AbortController();
    body.dataset.state = "loading";
    fetch("/api/" + (kind === "concord" ? "concord" : "search") + "?" + params.toString(),
          {signal: pending.signal, headers: {Accept: "application/json"}})
      .then(function (r) { return r.json().then(function (data) { return {ok: r.ok, data: data}; }); })
      .then(function (res) {
        if (mine !== seq) { return; }
        if (!res.ok) { fail(res.data.error || "the server refused the search"); return; }
        show(kind, res.data, text);
        body.dataset.state = "done";
      })
      .catch(function (err) {
        if (mine !== seq || err.name === "AbortError") { return; }
        fail("the server did not answer: " + err.message);
      });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(run, 200);
  }

  function syncMode() { body.dataset.mode = mode(); }

  form.addEventListener("submit", function (e) { e.preventDefault(); run(); });
  q.addEventListener("input", later);
  min.addEventListener("input", later);
  lang.addEventListener("change", run);
  Array.prototype.forEach.call(form.querySelectorAll("input[name=mode]"), function (r) {
    r.addEventListener("change", function () { syncMode(); run(); });
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var active = document.activeElement;
    // Keys typed into a field are text; on a radio button or a hit they are commands.
    var typing = /^(SELECT|TEXTAREA)$/.test(active.tagName) ||
                 (active.tagName === "INPUT" && !/^(radio|checkbox|button|submit)$/.test(active.type));
    if (e.key === "Escape" && active === q) {
      q.value = "";
      run();
      return;
    }
    if (typing) { return; }
    if (e.key === "/") {
      e.preventDefault();
      q.focus();
      q.select();
    } else if (e.key === "j" || e.key === "k") {
      e.preventDefault();
      moveIn(Array.prototype.slice.call(hits.children), e.key === "j" ? 1 : -1);
    }
  });

  // A shared link (?q=...&lang=...&mode=...) opens on its search.
  var given = new URLSearchParams(location.search);
  if (given.get("lang") && Array.prototype.some.call(lang.options, function (o) { return o.value === given.get("lang"); })) {
    lang.value = given.get("lang");
  }
  if (given.get("mode") === "fuzzy") { form.querySelector("input[value=fuzzy]").checked = true; }
  if (given.get("min")) { min.value = given.get("min"); }
  if (given.get("q")) { q.value = given.get("q"); }
  syncMode();
  fetch("/api/stats", {headers: {Accept: "application/json"}})
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (s) {
      if (s) {
        var pairs = Object.keys(s.by_pair).join(", ");
        document.getElementById("memory").textContent = s.units + " units" + (pairs ? " (" + pairs + ")" : "");
      }
    })
    .catch(function () { /* the count is a courtesy; searching says itself if the server is gone */ });
  body.dataset.ready = "1";
  if (q.value.trim()) { run(); } else { body.dataset.state = "idle"; }
})();
