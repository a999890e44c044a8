/* yqbox.js - small enhancements of the office pages; every page works without it.
 * Countdowns: elements .countdown[data-due] (seconds since the epoch, from the server) are
 * updated every 30 seconds. */
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
