/* yqbox.js - small enhancements of the office pages; every page works without it.
 * Countdowns: elements .countdown[data-due] (seconds since the epoch, from the server) are
 * updated every 30 seconds.
 * Tables on a phone: each cell of a table with a header row is given its column's name as
 * data-label (unless it has one) and the table the class "cards", so that yqbox.css shows each row
 * as a labelled card at phone width; without this script such a table scrolls sideways. */
(function () {
  "use strict";
  function fmt(s) {
    var a = Math.abs(s), d = Math.floor(a / 86400), h = Math.floor(a % 86400 / 3600),
        m = Math.floor(a % 3600 / 60);
    var t = d ? d + "天" + h + "小时" : (h ? h + "小时" + m + "分" : m + "分");
    return (s < 0 ? "已超期 " : "剩余 ") + t;
  }
  function tick() {
    var now = Date.now() / 1000, els = document.querySelectorAll(".countdown[data-due]");
    for (var i = 0; i < els.length; i++) {
      els[i].textContent = fmt(Number(els[i].getAttribute("data-due")) - now);
    }
  }
  if (document.querySelector(".countdown[data-due]")) { setInterval(tick, 30000); }
})();
(function () {
  "use strict";
  var tables = document.querySelectorAll("main table");
  for (var t = 0; t < tables.length; t++) {
    var table = tables[t];
    if (table.classList.contains("month") || table.classList.contains("entry")) { continue; }
    var head = table.querySelector("thead tr");
    if (!head) { continue; }
    // the column names, one per column (a header spanning columns names each of them)
    var names = [];
    for (var h = 0; h < head.children.length; h++) {
      var span = Number(head.children[h].getAttribute("colspan")) || 1;
      for (var s = 0; s < span; s++) { names.push(head.children[h].textContent.trim()); }
    }
    var rows = table.querySelectorAll("tbody tr");
    for (var r = 0; r < rows.length; r++) {
      var col = 0;
      for (var c = 0; c < rows[r].children.length; c++) {
        var cell = rows[r].children[c];
        if (!cell.hasAttribute("data-label") && names[col]) { cell.setAttribute("data-label", names[col]); }
        col += Number(cell.getAttribute("colspan")) || 1;
      }
    }
    table.classList.add("cards");
  }
})();
