/**
 * The Step Functions API, as any client calls it: POST / on the console's own origin, JSON 1.0, the operation
 * in X-Amz-Target. The local server answers it itself; `statefold console` signs it and passes it on to a
 * deployed stack. The console has no other way to read anything.
 */
export class ApiError extends Error {
  constructor(type, message, status) {
    super(message);
    this.name = type;
    this.status = status;
  }
}

export async function callApi(operation, input = {}) {
  const response = await fetch('/', {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `AWSStepFunctions.${operation}`,
    },
    body: JSON.stringify(input),
  });
  const text = await response.text();
  let body = {};
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = { message: text };
  }
  if (!response.ok) {
    const type = String(body.__type ?? 'Error')
      .split('#')
      .pop();
    throw new ApiError(type, body.message ?? body.Message ?? response.statusText, response.status);
  }
  return body;
}

/**
 * Every page of a listing: yields each page's items (under `key`) as they arrive. `firstPageSize`, when
 * given, asks for a smaller first page, so the first rows show before the larger pages after it.
 */
export async function* pagesOf(operation, input, key, firstPageSize) {
  let nextToken;
  do {
    const sized =
      nextToken === undefined && firstPageSize !== undefined
        ? { ...input, maxResults: firstPageSize }
        : input;
    const page = await callApi(operation, nextToken === undefined ? sized : { ...input, nextToken });
    yield page[key] ?? [];
    nextToken = page.nextToken;
  } while (nextToken !== undefined && nextToken !== null);
}
