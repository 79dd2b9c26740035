/* The paste view's progress page: polls the job's status (GET /paste/jobs/KEY) and shows its step,
   counts and time left; when the analysis has finished, opens its result. Without script the page
   refreshes itself (a <noscript> meta refresh). Text goes in with textContent only. */
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box || !window.fetch || !window.JSON) return;
  var line = document.getElementById("job-step");
  var bar = document.getElementById("job-bar");
  var status = box.getAttribute("data-status");
  var result = box.getAttribute("data-result");
  var failures = 0;

  function show(j) {
    line.textContent = j.text || j.step || "";
    if (j.total) {
      bar.max = j.total;
      bar.value = j.done || 0;
      bar.textContent = (j.done || 0) + "/" + j.total;
    } else {
      bar.removeAttribute("value");
      bar.textContent = "";
    }
  }

  function poll() {
    fetch(status, { cache: "no-store", credentials: "same-origin", headers: { accept: "application/json" } })
      .then(function (r) {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then(function (j) {
        failures = 0;
        if (j.finished) {
          window.location.replace(result);
          return;
        }
        show(j);
        window.setTimeout(poll, 700);
      })
      .catch(function () {
        failures += 1; /* the job is gone or the server restarted: the result page says which */
        if (failures >= 3) window.location.replace(result);
        else window.setTimeout(poll, 1500);
      });
  }

  window.setTimeout(poll, 400);
})();
