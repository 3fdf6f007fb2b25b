/**
 * The errors the adapters raise through the engine's ports, part of the ports' contract as ports.ts is: an
 * adapter may import this module (and nothing else of the engine but ports.ts), and the engine turns these into
 * the EngineErrors its callers see. An adapter's error speaks of its own terms (a page token it cannot read);
 * which API error that is, and its wording, is the engine's choice.
 */

/** A listing's `nextToken` that is not one of the tokens this listing hands out. */
export class InvalidPageTokenError extends Error {
  readonly token: string;

  constructor(token: string, options?: ErrorOptions) {
    const shown = token.length > 40 ? `${token.slice(0, 40)}…` : token;
    super(`Invalid pagination token: '${shown}'`, options);
    this.name = 'InvalidPageTokenError';
    this.token = token;
  }
}
