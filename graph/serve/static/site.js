// relgraph serve: completes node names in query forms. Served from the same origin
// (the Content-Security-Policy allows no other script); every text goes in as text.
"use strict";
(function () {
  function complete(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var last = "";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var text = input.value.trim();
      if (text.length < 2 || text === last) { return; }
      timer = setTimeout(function () {
        last = text;
        fetch("/api/search?limit=12&q=" + encodeURIComponent(text), {headers: {"Accept": "application/json"}})
          .then(function (r) { return r.ok ? r.json() : {nodes: []}; })
          .then(function (data) {
            if (input.value.trim() !== text) { return; }
            list.replaceChildren();
            data.nodes.forEach(function (n) {
              var option = document.createElement("option");
              option.value = n.id;
              option.textContent = n.name + " (" + n.type + ")";
              option.label = n.name + " (" + n.type + ")";
              list.appendChild(option);
            });
          })
          .catch(function () { /* completion is a help; the form works without it */ });
      }, 150);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-complete=node]").forEach(complete);
  });
})();
