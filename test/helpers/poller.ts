// Polls a URL at a fixed interval until stopped and keeps every answer: for "no request failed during the update".
export interface PollResult {
  at: number;
  ok: boolean;
  status?: number;
  body: string;
}

export function startPoller(url: string, intervalMs: number): { stop(): Promise<PollResult[]> } {
  const results: PollResult[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const at = Date.now();
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        const body = (await res.text()).trim();
        results.push({ at, ok: res.ok, status: res.status, body });
      } catch (err) {
        results.push({ at, ok: false, body: (err as Error).message });
      }
      await new Promise((r) => setTimeout(r, Math.max(0, intervalMs - (Date.now() - at))));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return results;
    },
  };
}
