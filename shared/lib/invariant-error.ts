/**
 * A condition that cannot hold if the code is right: a revision the engine wrote is missing, a value the wire
 * cannot carry reached it. It is a bug, not an answer to a caller.
 *
 * It is its own class rather than an EngineError code on purpose: every EngineError code is a documented API
 * error a client may act on, and the API's table maps each one to a 400-class answer. A bug must never be sent
 * as one of those; left out of EngineError, it reaches the API as an unknown error (a 500 InternalFailure with
 * the details in the log), and a caller that handles EngineErrors (the CLI, local mode) cannot mistake it for
 * the user's mistake. It lives in shared/lib so that adapters and the core, which may not import the engine,
 * can raise it too.
 */
export class InvariantError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'InvariantError';
  }
}
