// Every secret value the process has read, so the logger and the GitHub reporters can black it out wherever it
// turns up (an error message quoting a command's output, a log object, a check run text).
import { redact, redactDeep, MIN_SECRET_LENGTH } from "../../core/report/redact.js";

export class KnownSecrets {
  private readonly set = new Set<string>();

  add(value: string): void {
    if (value.length < MIN_SECRET_LENGTH) return;
    this.set.add(value);
    // In JSON output a value with quotes, backslashes or newlines appears escaped.
    const escaped = JSON.stringify(value).slice(1, -1);
    if (escaped !== value) this.set.add(escaped);
    // Values read from files usually end with a newline; the trimmed form is what shows in messages.
    const trimmed = value.trim();
    if (trimmed !== value && trimmed.length >= MIN_SECRET_LENGTH) this.set.add(trimmed);
  }

  values(): string[] {
    return [...this.set];
  }

  text(text: string): string {
    return redact(text, this.set);
  }

  deep<T>(value: T): T {
    return redactDeep(value, this.set);
  }
}
