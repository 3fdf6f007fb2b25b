import type { Diagnostic, QueryLanguage } from '../language/types.ts';

/** What one validation run accumulates while it walks the definition. */
export interface ValidationContext {
  readonly diagnostics: Diagnostic[];
  /** The machine's query language: states without their own inherit it, nested ones too (AWS: the ASL specification: top-level fields). */
  readonly machineLanguage: QueryLanguage;
  /** State names seen so far across the whole machine, with the location of the first one. */
  readonly stateNames: Map<string, string>;
  /** Map labels seen so far, with their location. */
  readonly labels: Map<string, string>;
  /** Names that appear twice in one `States` object of the JSON text, by the location of that object. */
  readonly duplicateStateKeys: ReadonlyMap<string, readonly string[]>;
}
