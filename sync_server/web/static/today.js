// Today board: poll the JSON endpoint every few seconds and redraw the departments.
(function () {
  "use strict";
  var board = document.getElementById("board");
  if (!board) { return; }
  var url = board.getAttribute("data-url");
  var minLate = board.getAttribute("data-min-late");
  var POLL_MS = 3000;

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) { node.className = cls; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function draw(data) {
    var fresh = document.createDocumentFragment();
    Object.keys(data.departments).forEach(function (name) {
      var section = el("section", "dept");
      section.appendChild(el("h2", "", name));
      var list = el("ul");
      data.departments[name].forEach(function (e) {
        var item = el("li", "entry " + e.state);
        item.setAttribute("data-person", e.person_id);
        item.appendChild(el("span", "name", e.name));
        item.appendChild(el("span", "state", e.state_text));
        if (e.late_minutes) { item.appendChild(el("span", "late", e.late_minutes + " " + minLate)); }
        if (e.first_in) {
          item.appendChild(el("span", "time", e.first_in + (e.last_out ? "\u2013" + e.last_out : "")));
        }
        list.appendChild(item);
      });
      section.appendChild(list);
      fresh.appendChild(section);
    });
    board.replaceChildren(fresh);
    document.querySelectorAll("[data-count]").forEach(function (node) {
      node.textContent = data.counts[node.getAttribute("data-count")] || 0;
    });
    document.getElementById("updated").textContent = data.updated_local;
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(draw)
      .catch(function () { /* keep the last board; the next poll retries */ })
      .finally(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
