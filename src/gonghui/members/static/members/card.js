// The member card page: fetch this minute's QR and code every 20 s and when the minute turns,
// and count down to the next change. No inline script: the CSP allows only files from 'self'.
(function () {
  "use strict";
  var PERIOD = 20000;
  var live = document.getElementById("gh-card-live");
  if (!live) return;
  var url = live.getAttribute("data-live-url");
  // The server's clock decides the minute: keep the offset to the phone's clock.
  var offset = Number(live.getAttribute("data-server-now")) * 1000 - Date.now();
  var busy = false;
  var last = Date.now();

  function current() { return document.getElementById("gh-card-live"); }

  function refresh() {
    if (busy) return;
    busy = true;
    fetch(url, { credentials: "same-origin", cache: "no-store", headers: { "HX-Request": "true" } })
      .then(function (response) {
        if (!response.ok) throw new Error("card refresh: HTTP " + response.status);
        return response.text();
      })
      .then(function (html) {
        var box = current();
        if (!box) return;
        var holder = document.createElement("div");
        holder.innerHTML = html.trim();
        var fresh = holder.querySelector("#gh-card-live");
        if (fresh) {
          box.replaceWith(fresh);
          offset = Number(fresh.getAttribute("data-server-now")) * 1000 - Date.now();
        }
        last = Date.now();
      })
      .catch(function () { /* offline: try again on the next tick */ })
      .then(function () { busy = false; });
  }

  function tick() {
    var box = current();
    if (!box) return;
    var left = Math.max(0, Math.round(Number(box.getAttribute("data-refresh-at")) - (Date.now() + offset) / 1000));
    var label = box.querySelector("[data-countdown]");
    if (label) label.textContent = left + " " + (document.documentElement.lang === "en" ? "s until the code changes" : "秒后更新");
    if (left <= 0 || Date.now() - last >= PERIOD) refresh();
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") refresh();
  });
  tick();
  window.setInterval(tick, 1000);
})();
