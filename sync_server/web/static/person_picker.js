// Person pickers: an input whose datalist fills from /hr/people-search as one types; the
// hidden field named by data-person-picker gets the picked person's id (empty until the
// typed text is one of the offered people). A required picker refuses an unpicked form.
(function () {
  "use strict";
  var timers = new WeakMap();
  function fill(input, people) {
    var list = document.getElementById(input.getAttribute("list"));
    var known = {};
    list.textContent = "";
    people.forEach(function (p) {
      var option = document.createElement("option");
      option.value = p.label;
      list.appendChild(option);
      known[p.label] = p.id;
    });
    input._known = Object.assign(input._known || {}, known);
    pick(input);
  }
  function pick(input) {
    var hidden = document.getElementById(input.getAttribute("data-person-picker"));
    var id = (input._known || {})[input.value] || "";
    hidden.value = id;
    input.setCustomValidity(id || !input.value ? "" : input.getAttribute("data-not-found"));
    if (id && input.hasAttribute("data-submit-on-pick")) { input.form.submit(); }
  }
  function search(input) {
    var url = input.getAttribute("data-search-url") + "?q=" + encodeURIComponent(input.value);
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
      .then(function (people) { fill(input, people); });
  }
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.hasAttribute || !input.hasAttribute("data-person-picker")) { return; }
    pick(input);
    clearTimeout(timers.get(input));
    if (!document.getElementById(input.getAttribute("data-person-picker")).value) {
      timers.set(input, setTimeout(function () { search(input); }, 150));
    }
  });
})();
