import { describe, expect, it } from 'vitest';
import { validateDefinition } from '../../../shared/asl/validate-definition.ts';
import { evaluateChoiceRule } from '../../../shared/choice/index.ts';
import { runExecution } from '../../../shared/composition/run-execution.ts';
import { compileJsonata, readJsonataField } from '../../../shared/jsonata/index.ts';
import type { ChoiceRule } from '../../../shared/language/types.ts';

/**
 * Every reader of an ASL timestamp gives the same answer for the same text: Choice `IsTimestamp` and
 * `TimestampEquals`, the Wait state's `TimestampPath` (JSONPath) and `Timestamp` expression (JSONata) at run
 * time, definition validation of a literal Wait `Timestamp` and `TimestampEquals`, and the JSONata
 * `timestamp` field check. An accepted text makes both Waits end at the instant it names.
 */
const START = Date.UTC(2026, 0, 1);

const pathWait = { StartAt: 'W', States: { W: { Type: 'Wait', TimestampPath: '$.t', End: true } } };
const jsonataWait = {
  QueryLanguage: 'JSONata',
  StartAt: 'W',
  States: { W: { Type: 'Wait', Timestamp: '{% $states.input.t %}', End: true } },
};

async function waitFor(definition: object, t: string) {
  const result = await runExecution({ definition, input: { t }, clock: 'virtual', startTime: START });
  return {
    status: result.status,
    error: result.error,
    cause: result.cause,
    waitedMs: (result.stopDate?.getTime() ?? START) - START,
  };
}

const choice = (rule: object, t: string) =>
  evaluateChoiceRule({ Variable: '$.t', ...rule, Next: 'X' } as ChoiceRule, { input: { t }, context: {} });

const literalAccepted = (state: object) =>
  validateDefinition({ StartAt: 'A', States: { A: state, X: { Type: 'Succeed' } } }).result === 'OK';

async function fieldAccepted(t: string): Promise<boolean> {
  const template = compileJsonata('{% $states.input.t %}', 'Timestamp');
  const bindings = {
    states: { input: { t }, context: {} },
    variables: {},
    env: { random: () => 0, uuid: () => 'u' },
  };
  return readJsonataField(template, 'timestamp', bindings).then(
    () => true,
    () => false,
  );
}

/** `waitedMs` is undefined for a text that is not a timestamp. */
const CASES: Array<[string, string, number | undefined]> = [
  ['ten seconds on, Z', '2026-01-01T00:00:10Z', 10_000],
  ['ten seconds on, at +01:00', '2026-01-01T01:00:10+01:00', 10_000],
  ['a quarter second more', '2026-01-01T00:00:10.25Z', 10_250],
  ['seven fractional digits', '2026-01-01T00:00:10.0000001Z', 10_000],
  ['28 February of the same year', '2026-02-28T00:00:00Z', Date.UTC(2026, 1, 28) - START],
  ['a past leap day (goes on at once)', '2024-02-29T00:00:00Z', 0],
  ['a year before 100 (goes on at once)', '0050-01-01T00:00:00Z', 0],
  ['30 February', '2026-02-30T00:00:00Z', undefined],
  ['29 February of a common year', '2026-02-29T00:00:00Z', undefined],
  ['31 April', '2026-04-31T00:00:00Z', undefined],
  ['a leap second', '2026-01-01T23:59:60Z', undefined],
  ['offset hours 24', '2026-01-01T00:00:10+24:00', undefined],
  ['a lowercase z', '2026-01-01T00:00:10z', undefined],
  ['a lowercase t', '2026-01-01t00:00:10Z', undefined],
  ['no zone', '2026-01-01T00:00:10', undefined],
  ['no seconds', '2026-01-01T00:01Z', undefined],
];

describe('Choice, Wait and validation agree on what a timestamp is', () => {
  it.each(CASES)('%s: %j', async (_, t, waitedMs) => {
    const accepted = waitedMs !== undefined;
    expect(choice({ IsTimestamp: true }, t)).toBe(accepted);
    expect(choice({ TimestampEqualsPath: '$.t' }, t)).toBe(accepted);
    expect(
      literalAccepted({ Type: 'Choice', Choices: [{ Variable: '$.t', TimestampEquals: t, Next: 'X' }] }),
    ).toBe(accepted);
    expect(literalAccepted({ Type: 'Wait', Timestamp: t, Next: 'X' })).toBe(accepted);
    expect(await fieldAccepted(t)).toBe(accepted);

    const prefix = "An error occurred while executing the state 'W' (entered at the event id #2). ";
    const byPath = await waitFor(pathWait, t);
    const byJsonata = await waitFor(jsonataWait, t);
    if (accepted) {
      expect(byPath).toMatchObject({ status: 'SUCCEEDED', waitedMs });
      expect(byJsonata).toMatchObject({ status: 'SUCCEEDED', waitedMs });
    } else {
      expect(byPath).toEqual({
        status: 'FAILED',
        error: 'States.Runtime',
        cause: `${prefix}The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: $.t == ${t}`,
        waitedMs: 0,
      });
      expect(byJsonata).toEqual({
        status: 'FAILED',
        error: 'States.QueryEvaluationError',
        cause: `${prefix}The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${t}`,
        waitedMs: 0,
      });
    }
  });
});
