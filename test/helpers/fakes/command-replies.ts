// CommandReplyStore in memory: the reply id per command comment (repository case-insensitive), as in Redis.
import type { CommandReplyStore } from "../../../app/ports/command-replies.js";

export class FakeCommandReplyStore implements CommandReplyStore {
  readonly ids = new Map<string, number>();

  replyTo(repository: string, commentId: number): Promise<number | undefined> {
    return Promise.resolve(this.ids.get(`${repository.toLowerCase()}#${commentId}`));
  }

  remember(repository: string, commentId: number, replyId: number): Promise<void> {
    this.ids.set(`${repository.toLowerCase()}#${commentId}`, replyId);
    return Promise.resolve();
  }
}
