import type { EngineDeps } from './engine-deps.ts';
import { EngineError } from './engine-error.ts';
import { isActivityArn, parseActivityArn, parseStateMachineArn } from './names.ts';
import type { ActivityRecord, StateMachineRecord } from './ports.ts';

/**
 * TagResource, UntagResource and ListTagsForResource on state machines and activities. Tags live on the
 * resource's record: each call reads it and writes it back (a state machine's if its revision has not moved
 * meanwhile).
 */
export interface Tag {
  key: string;
  value: string;
}

export const MAX_TAGS = 50;
/** AWS's documented tag character set: letters, digits, spaces and `_ . : / = + - @`. */
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const RESERVED_PREFIX = 'aws:';
/** Writes retried when another writer updated the record between our read and our write. */
const WRITE_ATTEMPTS = 3;

/** Checks the keys and values of tags (lengths are the wire layer's): charset and the reserved `aws:` prefix. */
export function checkTags(tags: readonly Tag[]): void {
  for (const tag of tags) {
    checkTagKey(tag.key);
    if (!TAG_TEXT.test(tag.value)) {
      throw new EngineError(
        'ValidationException',
        `Invalid tag value '${tag.value}': tag values may contain only letters, digits, spaces and _ . : / = + - @`,
      );
    }
  }
}

/** The tags a resource may hold, or TooManyTags. */
export function checkTagCount(count: number, resourceArn: string): void {
  if (count > MAX_TAGS) {
    throw new EngineError(
      'TooManyTags',
      `Too many tags: '${resourceArn}' would have ${count} tags; a resource may have at most ${MAX_TAGS}`,
      { resourceName: resourceArn },
    );
  }
}

export async function tagResource(
  deps: EngineDeps,
  request: { resourceArn: string; tags: readonly Tag[] },
): Promise<void> {
  checkTags(request.tags);
  await updateTags(deps, request.resourceArn, (tags) => {
    for (const tag of request.tags) tags[tag.key] = tag.value;
    checkTagCount(Object.keys(tags).length, request.resourceArn);
  });
}

export async function untagResource(
  deps: EngineDeps,
  request: { resourceArn: string; tagKeys: readonly string[] },
): Promise<void> {
  await updateTags(deps, request.resourceArn, (tags) => {
    for (const key of request.tagKeys) delete tags[key];
  });
}

export async function listTagsForResource(
  deps: EngineDeps,
  request: { resourceArn: string },
): Promise<{ tags: Tag[] }> {
  const tagged = isActivityArn(request.resourceArn)
    ? await requireTaggedActivity(deps, request.resourceArn)
    : await requireTaggable(deps, request.resourceArn);
  return { tags: Object.entries(tagged.tags).map(([key, value]) => ({ key, value })) };
}

async function updateTags(
  deps: EngineDeps,
  resourceArn: string,
  change: (tags: Record<string, string>) => void,
): Promise<void> {
  if (isActivityArn(resourceArn)) return updateActivityTags(deps, resourceArn, change);
  for (let attempt = 1; ; attempt++) {
    const machine = await requireTaggable(deps, resourceArn);
    const tags = { ...machine.tags };
    change(tags);
    const updated: StateMachineRecord = { ...machine, tags };
    if (await deps.log.updateStateMachine(updated, undefined, machine.revisionId)) return;
    if (attempt === WRITE_ATTEMPTS) {
      throw new EngineError('ConflictException', `State machine '${resourceArn}' was updated concurrently`);
    }
  }
}

function checkTagKey(key: string): void {
  if (key.toLowerCase().startsWith(RESERVED_PREFIX)) {
    throw new EngineError(
      'ValidationException',
      `Invalid tag key '${key}': keys starting with '${RESERVED_PREFIX}' are reserved for AWS`,
    );
  }
  if (!TAG_TEXT.test(key)) {
    throw new EngineError(
      'ValidationException',
      `Invalid tag key '${key}': tag keys may contain only letters, digits, spaces and _ . : / = + - @`,
    );
  }
}

async function requireTaggable(deps: EngineDeps, resourceArn: string): Promise<StateMachineRecord> {
  parseStateMachineArn(resourceArn);
  const machine = await deps.log.getStateMachine(resourceArn);
  // AWS: "Resource not found: '<arn>'" (LocalStack's AWS-recorded test_sfn_api_tagging.snapshot.json).
  if (!machine) {
    throw new EngineError('ResourceNotFound', `Resource not found: '${resourceArn}'`, {
      resourceName: resourceArn,
    });
  }
  return machine;
}

async function updateActivityTags(
  deps: EngineDeps,
  resourceArn: string,
  change: (tags: Record<string, string>) => void,
): Promise<void> {
  const activity = await requireTaggedActivity(deps, resourceArn);
  const tags = { ...activity.tags };
  change(tags);
  const store = deps.activities?.store;
  if (!store || !(await store.updateActivity({ ...activity, tags }))) throw resourceNotFound(resourceArn);
}

async function requireTaggedActivity(deps: EngineDeps, resourceArn: string): Promise<ActivityRecord> {
  parseActivityArn(resourceArn);
  const activity = await deps.activities?.store.getActivity(resourceArn);
  if (!activity) throw resourceNotFound(resourceArn);
  return activity;
}

function resourceNotFound(resourceArn: string): EngineError {
  return new EngineError('ResourceNotFound', `Resource not found: '${resourceArn}'`, {
    resourceName: resourceArn,
  });
}
