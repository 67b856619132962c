// The status page as one server-rendered HTML document: no script, no external asset, works without JavaScript
// (history folds with <details>). Shows what the PR comment shows — URL, commit, health, replicas — for every live
// environment, and the audit trail. Nothing here comes from a secret or the bot's environment variables.
import type { AuditEntry } from "../../ports/audit.js";
import type { EnvironmentState } from "../../ports/environment-states.js";
import { duration, esc, isoTime, safeHref } from "./html.js";

export interface StatusEnvironment {
  state: EnvironmentState;
  /** Previews only: ms until the sweeper removes it for idleness; undefined = no TTL applies. */
  ttlLeftMs?: number;
  history: AuditEntry[];
}

export interface StatusPageModel {
  now: number;
  environments: StatusEnvironment[];
  recent: AuditEntry[];
  /** Shown in the footer: where the audit came from and how much of it is kept. */
  auditBound: number;
}

const ORDER: Record<string, number> = { production: 0, staging: 1 };

export function renderStatusPage(model: StatusPageModel): string {
  const byRepository = new Map<string, StatusEnvironment[]>();
  for (const e of model.environments) {
    const list = byRepository.get(e.state.repository) ?? [];
    list.push(e);
    byRepository.set(e.state.repository, list);
  }
  const repositories = [...byRepository.keys()].sort();
  const sections = repositories.map((repository) => {
    const envs = byRepository
      .get(repository)!
      .sort(
        (a, b) =>
          (ORDER[a.state.environment] ?? 2) - (ORDER[b.state.environment] ?? 2) ||
          (a.state.pr ?? 0) - (b.state.pr ?? 0),
      );
    return `<section>
<h2>${esc(repository)} <small>${envs.length} live</small></h2>
<table>
<thead><tr><th>Environment</th><th>URL</th><th>Commit</th><th>Health</th><th>Replicas</th><th>Age</th><th>Last deploy</th><th>TTL left</th></tr></thead>
<tbody>
${envs.map((e) => environmentRow(e, model.now)).join("\n")}
</tbody>
</table>
</section>`;
  });
  const total = model.environments.length;
  return page(
    "Berth status",
    `<header><h1>Berth status</h1><p>${total} live environment${total === 1 ? "" : "s"} in ${repositories.length} repositor${repositories.length === 1 ? "y" : "ies"} · ${esc(isoTime(model.now))} · <a href="/status">refresh</a></p>
<form method="post" action="/status/logout"><button type="submit">Sign out</button></form></header>
<main>
${sections.join("\n") || "<p class=empty>No live environments.</p>"}
<section>
<h2>Audit trail <small>latest ${model.recent.length}</small></h2>
${auditTable(model.recent, true)}
</section>
</main>
<footer>Health and replicas as the last job that touched each environment reported them. The audit trail keeps the
newest ~${esc(model.auditBound)} entries; <code>berth audit [repo] [--since 1h]</code> reads it from a terminal.</footer>`,
  );
}

function environmentRow(e: StatusEnvironment, now: number): string {
  const s = e.state;
  const href = safeHref(s.url);
  const url = href ? `<a href="${esc(href)}">${esc(s.url)}</a>` : esc(s.url ?? "—");
  const replicas = s.services
    .map(
      (x) =>
        `<span class="${x.running >= x.desired ? "ok" : "warn"}">${esc(x.service)} ${esc(x.running)}/${esc(x.desired)}</span>`,
    )
    .join(" ");
  const health =
    s.health === "healthy"
      ? `<span class="badge ok">healthy</span>`
      : `<span class="badge bad" title="${esc(s.note)}">failing</span> <small>${esc(s.note)}</small>`;
  const last = s.lastDeploy
    ? `${esc(duration(now - s.lastDeploy.at))} ago by <b>${esc(s.lastDeploy.by)}</b> <small>(${esc(s.lastDeploy.trigger)})</small>`
    : `${esc(duration(now - s.updatedAt))} ago`;
  const ttl = e.ttlLeftMs === undefined ? "—" : e.ttlLeftMs <= 0 ? "due for removal" : esc(duration(e.ttlLeftMs));
  const history = e.history.length
    ? `<tr class="history"><td colspan="8"><details><summary>History of ${esc(s.environment)} (${e.history.length})</summary>${auditTable(e.history, false)}</details></td></tr>`
    : "";
  return `<tr>
<td><b>${esc(s.environment)}</b><br><small>${esc(s.stack)}</small></td>
<td>${url}</td>
<td><code title="${esc(s.sha)}">${esc(s.sha.slice(0, 7))}</code></td>
<td>${health}</td>
<td>${replicas || "—"}</td>
<td>${esc(duration(now - s.since))}</td>
<td>${last}</td>
<td>${ttl}</td>
</tr>${history}`;
}

function auditTable(entries: AuditEntry[], withWhere: boolean): string {
  if (entries.length === 0) return "<p class=empty>Nothing recorded yet.</p>";
  const rows = entries.map(
    (a) => `<tr>
<td>${esc(isoTime(a.at))}</td><td>${esc(a.who)}</td><td>${esc(a.action)}</td>${withWhere ? `<td>${esc(a.repository)}</td><td>${esc(a.environment)}</td>` : ""}
<td><code>${esc(a.sha.slice(0, 7))}</code></td><td class="r-${esc(a.result.replace(/[^a-z-]/g, ""))}">${esc(a.result)}</td><td>${esc(a.detail)}</td>
</tr>`,
  );
  return `<table class="audit"><thead><tr><th>Time</th><th>Who</th><th>What</th>${withWhere ? "<th>Repository</th><th>Environment</th>" : ""}<th>Commit</th><th>Result</th><th>Detail</th></tr></thead>
<tbody>${rows.join("")}</tbody></table>`;
}

export function renderLoginPage(message?: string): string {
  return page(
    "Berth status · sign in",
    `<main class="login"><h1>Berth status</h1>
${message ? `<p class="bad">${esc(message)}</p>` : ""}
<form method="post" action="/status/login">
<label>Status token <input type="password" name="token" autocomplete="current-password" required autofocus></label>
<button type="submit">Sign in</button>
</form>
<p><small>The token is <code>BERTH_STATUS_TOKEN</code> of the Berth server. Scripts may send it as
<code>Authorization: Bearer …</code> instead.</small></p></main>`,
  );
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer"><title>${esc(title)}</title>
<style>${STYLE}</style></head>
<body>${body}</body></html>
`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1f2328;background:#f6f8fa}
header{background:#24292f;color:#fff;padding:12px 24px;display:flex;align-items:center;gap:16px}
header h1{font-size:18px;margin:0}header p{margin:0;flex:1;opacity:.85}header a{color:#9cd}
header button{background:#444c56;color:#fff;border:0;border-radius:4px;padding:4px 10px;cursor:pointer}
main{padding:8px 24px}section{margin:16px 0}h2{font-size:16px;margin:8px 0}h2 small{color:#57606a;font-weight:normal}
table{border-collapse:collapse;width:100%;background:#fff;border:1px solid #d0d7de}
th,td{text-align:left;padding:6px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
th{background:#f6f8fa;font-weight:600}small{color:#57606a}code{font:12px ui-monospace,monospace}
.ok{color:#1a7f37}.warn{color:#9a6700}.bad{color:#cf222e}.empty{color:#57606a}
.badge{border-radius:10px;padding:1px 8px;font-size:12px}.badge.ok{background:#1a7f37;color:#fff}
.badge.bad{background:#cf222e;color:#fff}
tr.history td{background:#fbfcfd;padding:2px 8px 8px}details summary{cursor:pointer;color:#0969da}
table.audit{font-size:13px}.r-failed,.r-error,.r-refused{color:#cf222e}.r-deployed,.r-ok,.r-torn-down{color:#1a7f37}
main.login{max-width:380px;margin:60px auto;background:#fff;border:1px solid #d0d7de;padding:24px;border-radius:6px}
main.login input{display:block;width:100%;margin:6px 0 12px;padding:6px;box-sizing:border-box}
footer{padding:8px 24px 24px;color:#57606a;font-size:12px}
`;
