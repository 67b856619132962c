// What the stand-in remembers, per repository, in the shapes GitHub's REST API returns.
export interface RecordedRequest {
  at: number;
  method: string;
  path: string; // without the /api/v3 prefix and without the query
  query: Record<string, string>;
  body: any;
  status: number;
}

export interface StandInState {
  nextId: number;
  checkRuns: Map<number, any>;
  deployments: Map<number, any>;
  statuses: Map<number, any[]>; // deployment id → statuses, newest first
  comments: Map<number, any>;
  permissions: Map<string, string>; // "owner/repo:user" → admin|maintain|write|triage|read|none
}

export function emptyState(): StandInState {
  return {
    nextId: 1000,
    checkRuns: new Map(),
    deployments: new Map(),
    statuses: new Map(),
    comments: new Map(),
    permissions: new Map(),
  };
}
