// The job dashboard: polls the admin API every two seconds and acts on jobs with the
// session's CSRF token. Plain JavaScript, no build step, no third-party code.
"use strict";

(function () {
  const REFRESH_MS = 2000;
  const $ = (id) => document.getElementById(id);
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const view = { state: "pending", query: "", detail: null, timer: null, busy: false };

  async function api(method, path) {
    const headers = { Accept: "application/json" };
    if (method !== "GET") headers["X-CSRF-Token"] = csrf;
    const resp = await fetch("/admin/api" + path, { method, headers, credentials: "same-origin" });
    if (resp.status === 401) {
      location.reload(); // the session ended: the login form comes back
      throw new Error("signed out");
    }
    let data = null;
    try { data = await resp.json(); } catch (e) { data = null; }
    if (!resp.ok) {
      const msg = data && data.error ? data.error.message : "HTTP " + resp.status;
      const err = new Error(msg);
      err.status = resp.status;
      throw err;
    }
    return data;
  }

  function el(tag, props, ...children) {
    const e = document.createElement(tag);
    Object.assign(e, props || {});
    for (const c of children) e.append(c);
    return e;
  }

  function ago(iso) {
    if (!iso) return "–";
    const s = Math.max(0, Math.round((Date.now() - new Date(iso).getTime()) / 1000));
    if (s < 60) return s + " s ago";
    if (s < 3600) return Math.floor(s / 60) + " min ago";
    return Math.floor(s / 3600) + " h ago";
  }

  function badge(text) {
    return el("span", { className: "badge " + text, textContent: text });
  }

  // Overview.
  function showOverview(o) {
    $("count-pending").textContent = o.counts.pending;
    $("count-delayed").textContent = o.counts.delayed;
    $("count-processing").textContent = o.counts.processing;
    $("count-completed").textContent = o.counts.completedLastHour;
    $("count-failed").textContent = o.counts.failed;
    const h = o.lastHour;
    $("throughput").textContent = h.throughputPerMinute.toFixed(2);
    $("failure-rate").textContent = (h.failureRate * 100).toFixed(1) + " %";
    $("retried").textContent = h.retried;
    const peak = Math.max(1, ...h.minutes.map((m) => m.completed + m.failed));
    $("spark").replaceChildren(...h.minutes.map((m) => {
      const bar = el("div", { title: new Date(m.minute).toLocaleTimeString() + ": " + m.completed + " completed, " + m.failed + " failed" });
      bar.style.height = Math.round(((m.completed + m.failed) / peak) * 100) + "%";
      if (m.failed > 0) bar.className = "failed";
      return bar;
    }));
    const rows = o.providers.map((p) => el("tr", { className: "provider" },
      el("td", { textContent: p.provider }),
      el("td", {}, badge(p.breaker)),
      el("td", { textContent: p.workers + (p.openOn ? " (" + p.openOn + " open)" : "") }),
      el("td", { textContent: p.consecutiveFailures }),
      el("td", { className: "error-text", title: p.lastError || "", textContent: p.lastError ? ago(p.lastErrorAt) + ": " + p.lastError : "–" }),
      el("td", { textContent: ago(p.lastSuccessAt) })));
    if (rows.length === 0) rows.push(el("tr", {}, el("td", { colSpan: 6, className: "muted", textContent: "No worker has reported lately." })));
    $("providers").replaceChildren(...rows);
  }

  // Lists.
  function showJobs(page) {
    const rows = page.items.map((j) => {
      const link = el("a", { className: "job", textContent: j.jobId, href: "#" + j.jobId });
      link.addEventListener("click", (e) => { e.preventDefault(); openDetail(j.jobId); });
      return el("tr", { className: "job-row" },
        el("td", {}, link),
        el("td", { textContent: j.userId || "–" }),
        el("td", {}, badge(j.status)),
        el("td", { textContent: j.progress + "%" }),
        el("td", { textContent: j.attempts }),
        el("td", { textContent: j.runAt ? "runs " + new Date(j.runAt).toLocaleTimeString() : ago(j.updatedAt) }),
        // A job that completed after failed attempts keeps their errors in its detail.
        el("td", { className: "error-text", title: j.lastError || "", textContent: j.status === "completed" ? "" : j.lastError || j.errorCode || "" }),
        el("td", {}, ...actions(j.jobId, j.status)));
    });
    if (rows.length === 0) rows.push(el("tr", {}, el("td", { colSpan: 8, className: "muted", textContent: view.query ? "No job matches." : "No job in this list." })));
    $("jobs").replaceChildren(...rows);
    let note = page.total + (page.total === 1 ? " job" : " jobs");
    if (view.query) note = page.total + " found for “" + view.query + "”" + (page.partial ? " (newest 1000 of each list searched)" : "");
    $("list-note").textContent = note;
    $("bulk").hidden = view.query !== "" || view.state !== "failed" || page.total === 0;
  }

  function actions(id, status) {
    const out = [];
    if (status === "failed") {
      out.push(button("Retry", "retry", () => act("POST", "/dead-letters/" + id + "/retry")));
      out.push(button("Delete", "delete danger", () => {
        if (confirm("Delete job " + id + " for good?")) return act("DELETE", "/dead-letters/" + id);
      }));
    } else if (status === "pending" || status === "processing") {
      out.push(button("Cancel", "cancel danger", () => act("POST", "/jobs/" + id + "/cancel")));
    }
    return out;
  }

  function button(text, cls, onClick) {
    const b = el("button", { type: "button", className: "act " + cls, textContent: text });
    b.addEventListener("click", async () => { b.disabled = true; try { await onClick(); } finally { b.disabled = false; } });
    return b;
  }

  async function act(method, path) {
    try {
      await api(method, path);
      $("page-error").textContent = "";
    } catch (err) {
      $("page-error").textContent = err.message;
    }
    await refresh();
  }

  // Detail.
  async function openDetail(id) {
    view.detail = id;
    $("detail").hidden = false;
    await refreshDetail();
    $("detail").scrollIntoView({ behavior: "smooth", block: "start" });
  }

  async function refreshDetail() {
    if (!view.detail) return;
    let d;
    try {
      d = await api("GET", "/jobs/" + view.detail);
    } catch (err) {
      if (err.status === 404) {
        $("detail-facts").replaceChildren(el("dt", { textContent: "Status" }), el("dd", { textContent: "expired or deleted" }));
        $("detail-actions").replaceChildren();
        return;
      }
      throw err;
    }
    $("detail-id").textContent = d.jobId;
    const facts = [
      ["Status", d.status + (d.delayed ? " (delayed, runs " + new Date(d.runAt).toLocaleTimeString() + ")" : "")],
      ["Progress", d.progress + "% – " + d.message],
      ["Attempts", d.attempts],
      ["Created", new Date(d.createdAt).toLocaleString()],
      ["Updated", new Date(d.updatedAt).toLocaleString()],
      ["Request id", d.requestId || "–"],
    ];
    if (d.errorCode) facts.push(["Error", d.errorCode + ": " + d.error]);
    $("detail-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", { textContent: k }), el("dd", { textContent: String(v) })]));
    $("detail-facts").dataset.status = d.status;
    $("detail-actions").replaceChildren(...actions(d.jobId, d.status));
    $("detail-request").textContent = JSON.stringify(d.request, null, 2);
    const errs = d.errors.map((e) => el("tr", {},
      el("td", { textContent: e.attempt }), el("td", { textContent: new Date(e.at).toLocaleString() }), el("td", { textContent: e.error })));
    if (errs.length === 0) errs.push(el("tr", {}, el("td", { colSpan: 3, className: "muted", textContent: "No failed attempt." })));
    $("detail-errors").replaceChildren(...errs);
    $("detail-result").textContent = d.result ? JSON.stringify(d.result, null, 2) : "–";
  }

  // Refreshing.
  async function refresh() {
    if (view.busy) return;
    view.busy = true;
    try {
      const listPath = view.query
        ? "/jobs?q=" + encodeURIComponent(view.query)
        : "/jobs?state=" + view.state + "&limit=50";
      const [overview, page] = await Promise.all([api("GET", "/overview"), api("GET", listPath)]);
      showOverview(overview);
      showJobs(page);
      await refreshDetail();
      $("live").classList.remove("stale");
      $("live").textContent = "live · " + new Date(overview.at).toLocaleTimeString();
      document.body.dataset.refreshed = String(Date.now());
    } catch (err) {
      $("live").classList.add("stale");
      $("live").textContent = "not updating: " + err.message;
    } finally {
      view.busy = false;
    }
  }

  function selectTab(state) {
    view.state = state;
    view.query = "";
    $("search-input").value = "";
    $("search-clear").hidden = true;
    document.querySelectorAll("#tabs button").forEach((b) => b.setAttribute("aria-selected", String(b.dataset.state === state)));
    refresh();
  }

  function schedule() {
    clearInterval(view.timer);
    view.timer = setInterval(() => { if (!document.hidden) refresh(); }, REFRESH_MS);
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("#tabs button").forEach((b) => b.addEventListener("click", () => selectTab(b.dataset.state)));
    document.querySelectorAll(".count").forEach((c) => c.addEventListener("click", () => selectTab(c.dataset.state)));
    $("search").addEventListener("submit", (e) => {
      e.preventDefault();
      view.query = $("search-input").value.trim();
      $("search-clear").hidden = view.query === "";
      refresh();
    });
    $("search-clear").addEventListener("click", () => selectTab(view.state));
    $("detail-close").addEventListener("click", () => { view.detail = null; $("detail").hidden = true; });
    $("retry-all").addEventListener("click", async () => {
      if (confirm("Retry every dead letter?")) await act("POST", "/dead-letters/retry");
    });
    document.addEventListener("visibilitychange", () => { if (!document.hidden) refresh(); });
    refresh();
    schedule();
  });
})();
