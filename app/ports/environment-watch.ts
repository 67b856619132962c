// Jobs push every EnvironmentView to their report; a watcher sees the same views (phase changes, final outcomes)
// without the jobs knowing about metrics or the status page.
import type { EnvironmentView } from "../core/report/view-model.js";

export interface EnvironmentWatcher {
  /** Each view the job reports, in order (progress ticks included). */
  viewed(view: EnvironmentView): void;
  /** The final view reached GitHub; `reportMs`: how long sending it took. */
  reported(view: EnvironmentView, reportMs: number): void | Promise<void>;
}
