// A refused agent-side action (unknown session, chat already over, ...). The control API maps `status`
// onto its HTTP answer; in-process callers get it as a thrown error.
export class SimulatorControlError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
    this.name = 'SimulatorControlError';
  }
}
