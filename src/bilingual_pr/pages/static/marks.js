/* Marks: the decisions a reviewer takes on a page (a bead accepted, a QA finding accepted...).
   They are kept in the browser's local storage under the page's own key, so a reload keeps them,
   and they leave the page as a decisions file (the envelope read by bilingual_pr/decisions.py)
   or come back from one. A page opened from disk, with no server, needs nothing else.

   var marks = new Marks(storageKey, kind, subject);   // subject: what the decisions apply to
   marks.get(id) / marks.set(id, object) / marks.unset(id) / marks.ids() / marks.size()
   marks.onchange = function () {...};                  // called after every change
   marks.envelope()                                     // the decisions file as an object
   marks.download(filename)                             // save it through the browser
   marks.load(file, function (error) {...})             // merge a decisions file chosen by the user
*/
function Marks(storageKey, kind, subject) {
  this.key = storageKey;
  this.kind = kind;
  this.subject = subject;
  this.onchange = null;
  this.items = {};
  try {
    var kept = window.localStorage.getItem(storageKey);
    if (kept) { this.items = JSON.parse(kept) || {}; }
  } catch (e) {
    this.items = {};  // storage off (private window, some file:// setups): decisions live until the page closes
  }
}
Marks.FORMAT = "bilingual-pr-decisions";
Marks.VERSION = 1;
Marks.prototype.get = function (id) {
  return Object.prototype.hasOwnProperty.call(this.items, id) ? this.items[id] : null;
};
Marks.prototype.ids = function () { return Object.keys(this.items); };
Marks.prototype.size = function () { return this.ids().length; };
Marks.prototype._changed = function () {
  try { window.localStorage.setItem(this.key, JSON.stringify(this.items)); } catch (e) { /* see constructor */ }
  if (this.onchange) { this.onchange(); }
};
Marks.prototype.set = function (id, value) { this.items[id] = value; this._changed(); };
Marks.prototype.unset = function (id) { delete this.items[id]; this._changed(); };
Marks.prototype.envelope = function () {
  return {format: Marks.FORMAT, version: Marks.VERSION, kind: this.kind, subject: this.subject,
          saved: new Date().toISOString().replace(/\.\d+Z$/, "Z"), decisions: this.items};
};
Marks.prototype.download = function (filename) {
  var blob = new Blob([JSON.stringify(this.envelope(), null, 1) + "\n"], {type: "application/json"});
  var a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(a.href); }, 1000);
};
Marks.prototype.accepts = function (doc) {
  if (!doc || doc.format !== Marks.FORMAT) { return "not a bilingual-pr decisions file"; }
  if (doc.version !== Marks.VERSION) { return "decisions file version " + doc.version + " is not " + Marks.VERSION; }
  if (doc.kind !== this.kind) { return "this file holds " + doc.kind + " decisions, not " + this.kind + " ones"; }
  if (JSON.stringify(doc.subject) !== JSON.stringify(this.subject)) { return "these decisions are for another version of this page's memory"; }
  if (!doc.decisions || typeof doc.decisions !== "object") { return "the file has no decisions"; }
  return "";
};
Marks.prototype.load = function (file, done) {
  var self = this;
  var reader = new FileReader();
  reader.onload = function () {
    var doc;
    try { doc = JSON.parse(reader.result); } catch (e) { done("broken or truncated decisions file"); return; }
    var why = self.accepts(doc);
    if (why) { done(why); return; }
    Object.keys(doc.decisions).forEach(function (id) { self.items[id] = doc.decisions[id]; });
    self._changed();
    done("");
  };
  reader.onerror = function () { done("the file could not be read"); };
  reader.readAsText(file);
};
