// Today board: poll the JSON endpoint every few seconds with the version of the last answer;
// the server sends the whole board (full) or only the entries changed since that version.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var url = board.getAttribute("data-url");
  var minLate = board.getAttribute("data-min-late");
  var version = board.getAttribute("data-version") || "";
  var POLL_MS = 3000;
  var order = [];    // person ids in board order
  var entries = {};  // person id -> entry (with its department heading)

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function load(departments) {
    order = []; entries = {};
    Object.keys(departments).forEach(function (name) {
      departments[name].forEach(function (e) {
        e.department = name; order.push(e.person_id); entries[e.person_id] = e;
      });
    });
  }

  function apply(data) {
    data.removed.forEach(function (id) { delete entries[id]; });
    order = order.filter(function (id) { return entries[id] !== undefined; });
    data.changed.forEach(function (e) {
      if (entries[e.person_id] === undefined) { order.push(e.person_id); }
      entries[e.person_id] = e;
    });
  }

  function item(e) {
    var node = el("li", "entry " + e.state);
    node.setAttribute("data-person", e.person_id);
    node.appendChild(el("span", "name", e.name));
    node.appendChild(el("span", "state", e.state_text));
    if (e.late_minutes) { node.appendChild(el("span", "late", e.late_minutes + " " + minLate)); }
    if (e.first_in) {
      node.appendChild(el("span", "time", e.first_in + (e.last_out ? "\u2013" + e.last_out : "")));
    }
    return node;
  }

  function draw() {
    var fresh = document.createDocumentFragment();
    var lists = {};
    order.forEach(function (id) {
      var e = entries[id];
      if (!lists[e.department]) {
        var section = el("section", "dept");
        section.appendChild(el("h2", "", e.department));
        lists[e.department] = section.appendChild(el("ul"));
        fresh.appendChild(section);
      }
      lists[e.department].appendChild(item(e));
    });
    board.replaceChildren(fresh);
  }

  function show(data) {
    if (data.full) { load(data.departments); draw(); }
    else if (data.changed.length || data.removed.length) { apply(data); draw(); }
    version = data.version;
    board.setAttribute("data-version", version);
    document.querySelectorAll("[data-count]").forEach(function (node) {
      node.textContent = data.counts[node.getAttribute("data-count")] || 0;
    });
    document.getElementById("updated").textContent = data.updated_local;
  }

  function poll() {
    fetch(url + "?since=" + encodeURIComponent(version),
          { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(show)
      .catch(function () { /* keep the last board; the next poll retries */ })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
