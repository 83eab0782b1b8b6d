// creditor-inbox console: dashboard auto-refresh and keyboard use. No framework, no build step.
(function () {
  "use strict";

  function typing(event) {
    var el = event.target;
    var tag = el && el.tagName ? el.tagName.toLowerCase() : "";
    return tag === "input" && el.type !== "radio" && el.type !== "checkbox" || tag === "textarea" || tag === "select";
  }

  // Dashboard: refresh every few seconds; pause while the tab is hidden.
  function startRefresh(box) {
    var url = box.getAttribute("data-refresh-url");
    var seconds = parseInt(box.getAttribute("data-refresh-seconds"), 10) || 5;
    var timer = null;
    function load() {
      fetch(url, { credentials: "same-origin", headers: { "Accept": "text/html" } })
        .then(function (response) {
          if (response.redirected) { window.location.reload(); }  // session ended: show the login
          if (response.redirected || !response.ok) { throw new Error("refresh " + response.status); }
          return response.text();
        })
        .then(function (html) { box.innerHTML = html; })
        .catch(function () { /* keep the last view; the next tick tries again */ });
    }
    function schedule() {
      stop();
      if (!document.hidden) { timer = window.setInterval(load, seconds * 1000); }
    }
    function stop() { if (timer) { window.clearInterval(timer); timer = null; } }
    document.addEventListener("visibilitychange", function () {
      if (document.hidden) { stop(); } else { load(); schedule(); }
    });
    schedule();
  }

  function go(id) {
    var link = document.getElementById(id);
    if (link) { window.location.assign(link.href); }
  }

  // Review screen: 1–5 choose a candidate, J/K next/previous, N not a reply, / search.
  function reviewKeys(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    if (typing(event)) { return; }
    var key = event.key;
    if (key >= "1" && key <= "5") {
      var radio = document.querySelector('input[name="pair"][data-key="' + key + '"]');
      if (radio) { radio.checked = true; radio.focus(); event.preventDefault(); }
    } else if (key === "j" || key === "J") {
      go("next-review"); event.preventDefault();
    } else if (key === "k" || key === "K") {
      go("prev-review"); event.preventDefault();
    } else if (key === "n" || key === "N") {
      var notReply = document.getElementById("decide-not-reply");
      if (notReply) { notReply.focus(); event.preventDefault(); }
    } else if (key === "/") {
      var search = document.getElementById("dq");
      if (search) { search.focus(); event.preventDefault(); }
    } else if (key === "Enter" && event.target && event.target.name === "pair") {
      var match = document.getElementById("decide-match");
      if (match) { match.click(); event.preventDefault(); }
    }
  }

  // Review queue: J/K move the selection, Enter opens it.
  function queueKeys(table) {
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    var index = -1;
    function select(next) {
      if (!rows.length) { return; }
      index = Math.max(0, Math.min(rows.length - 1, next));
      rows.forEach(function (row, i) { row.classList.toggle("selected", i === index); });
      rows[index].querySelector("a").focus();
    }
    document.addEventListener("keydown", function (event) {
      if (typing(event) || event.ctrlKey || event.metaKey || event.altKey) { return; }
      if (event.key === "j" || event.key === "J") { select(index + 1); event.preventDefault(); }
      if (event.key === "k" || event.key === "K") { select(index - 1); event.preventDefault(); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("dashboard");
    if (box) { startRefresh(box); }
    if (document.body.getAttribute("data-review-page")) {
      document.addEventListener("keydown", reviewKeys);
    }
    var queue = document.getElementById("review-queue");
    if (queue) { queueKeys(queue); }
  });
})();
