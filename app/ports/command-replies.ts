// A command job may run more than once (a retry after GitHub failed mid-answer, a stalled job after a crash): the
// comment it answers keeps one reply. The reply's id is kept per command comment; a rerun edits that reply.
export interface CommandReplyStore {
  replyTo(repository: string, commentId: number): Promise<number | undefined>;
  remember(repository: string, commentId: number, replyId: number): Promise<void>;
}
