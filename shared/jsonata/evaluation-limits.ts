/** AWS's memory-limit message for a JSONata evaluation (Floci, measured). */
export const MEMORY_LIMIT_MESSAGE =
  'Expression evaluation memory limit exceeded: Check for excessive memory usage';

/** AWS refuses `$range` past this many elements with its memory-limit message (Floci, measured). */
export const MAX_SEQUENCE_ELEMENTS = 360_145;

/**
 * No value built during an evaluation may be a string longer than the 256 KiB payload quota: in UTF-16
 * units, each at least one byte of the JSON the state would hand on, so nothing legitimate passes it.
 */
export const MAX_PAYLOAD_CHARS = 256 * 1024;
