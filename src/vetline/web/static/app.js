/* vetline web: live response clocks, the queue's keyboard flow, the idle lock, the
   citizenship gate, copy buttons and a batch job's live progress. No inline script anywhere (CSP script-src 'self'); no library. */
(function () {
  "use strict";

  // Live clocks: each .clock[data-due] counts down to its due time; overdue ones are marked.
  function tick() {
    var now = Date.now();
    document.querySelectorAll(".clock[data-due]").forEach(function (el) {
      var due = Date.parse(el.getAttribute("data-due"));
      if (isNaN(due)) { return; }
      var left = Math.round((due - now) / 1000);
      var row = el.closest("tr");
      if (left < 0) {
        el.textContent = "OVERDUE " + fmt(-left);
        el.classList.add("overdue");
        if (row) { row.classList.add("overdue"); }
      } else {
        el.textContent = fmt(left) + " left";
      }
    });
  }
  function fmt(s) {
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
    return (h ? h + "h " : "") + (h || m ? m + "m " : "") + sec + "s";
  }

  // Keyboard flow on the queue: j/k move, n next unclaimed, c claim, Enter open.
  function queueKeys() {
    var table = document.getElementById("queue");
    if (!table) { return; }
    var rows = Array.prototype.slice.call(table.querySelectorAll("tr.item"));
    var at = -1;
    function select(i) {
      if (!rows.length) { return; }
      at = Math.max(0, Math.min(rows.length - 1, i));
      rows.forEach(function (r) { r.classList.remove("current"); });
      rows[at].classList.add("current");
      rows[at].querySelector("a.open").focus();
    }
    document.addEventListener("keydown", function (e) {
      var tag = (e.target.tagName || "").toLowerCase();
      if (tag === "input" || tag === "select" || tag === "textarea" || e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "j") { select(at + 1); e.preventDefault(); }
      else if (e.key === "k") { select(at - 1); e.preventDefault(); }
      else if (e.key === "n") {
        for (var i = 0; i < rows.length; i++) {
          var j = (at + 1 + i) % rows.length;
          if (rows[j].getAttribute("data-claimed") === "no") { select(j); break; }
        }
        e.preventDefault();
      } else if (e.key === "c" && at >= 0) {
        // a row's own form (vetting cases), or its button of the page's one form (desk)
        var claim = rows[at].querySelector("button.claim, form.claim button");
        if (claim) { claim.click(); }
        e.preventDefault();
      }
    });
  }

  // Idle lock (AC-11): after the session's idle time without input, leave the page so
  // nothing stays on screen; the server ends the session at the same limit.
  function idleLock() {
    var seconds = parseInt(document.body.getAttribute("data-idle-seconds") || "0", 10);
    if (!seconds) { return; }
    var last = Date.now();
    ["keydown", "mousedown", "mousemove", "touchstart", "scroll"].forEach(function (name) {
      document.addEventListener(name, function () { last = Date.now(); }, { passive: true });
    });
    setInterval(function () {
      if (Date.now() - last > seconds * 1000) {
        document.body.textContent = "";
        window.location.replace("/web/login?locked=1&next=" + encodeURIComponent(location.pathname));
      }
    }, 5000);
  }

  // Citizenship gate: the decision controls stay disabled until the evidence is acknowledged
  // (the server refuses an answer without the acknowledgement as well).
  function citizenshipGate() {
    var box = document.getElementById("citizenship-ack");
    var controls = document.getElementById("decision-controls");
    if (!box || !controls) { return; }
    function sync() { controls.disabled = !box.checked; }
    box.addEventListener("change", sync);
    sync();
  }

  // Copy buttons: button[data-copy=ID] copies the text of #ID exactly (the IAQ as
  // received). Hidden until this script runs, so a page without it shows no dead control;
  // where the clipboard is refused the text is selected for Ctrl+C instead.
  function copyButtons() {
    document.querySelectorAll("button[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = button.parentNode.querySelector(".copied");
      if (!source) { return; }
      button.hidden = false;
      function say(text) { if (status) { status.textContent = text; } }
      function select() {
        var range = document.createRange();
        range.selectNodeContents(source);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        say("Selected: press Ctrl+C to copy.");
      }
      button.addEventListener("click", function () {
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(source.textContent).then(
            function () { say("Copied."); }, select);
        } else {
          select();
        }
      });
    });
  }

  // A batch job's progress, followed while it is queued or running (the job's own API
  // read, every 3 s); once it ends, a link to its finished page (no reload by itself).
  function jobProgress() {
    var el = document.querySelector("[data-job-poll]");
    if (!el || !window.fetch) { return; }
    var timer = setInterval(function () {
      fetch(el.getAttribute("data-job-poll"), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) { return; }
          var total = job.rows_total === null ? "?" : job.rows_total;
          el.textContent = job.state + ": " + job.rows_done + " of " + total + " rows";
          if (job.state === "FINISHED" || job.state === "FAILED") {
            clearInterval(timer);
            var link = document.createElement("a");
            link.href = el.getAttribute("data-job-page");
            link.textContent = "Show the " + job.state.toLowerCase() + " job";
            el.appendChild(document.createTextNode(" — "));
            el.appendChild(link);
          }
        })
        .catch(function () { /* the next tick tries again */ });
    }, 3000);
  }

  document.addEventListener("DOMContentLoaded", function () {
    tick();
    setInterval(tick, 1000);
    queueKeys();
    idleLock();
    citizenshipGate();
    copyButtons();
    jobProgress();
  });
})();
