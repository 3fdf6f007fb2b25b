/** What `promise` rejects with; fails the test when it resolves. */
export async function thrown(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('The call succeeded; it was expected to fail');
}
