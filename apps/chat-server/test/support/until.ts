/** Polls `condition` every 50 ms for up to `ms`; throws, naming `what`, if it never holds. */
export async function until(
  what: string,
  condition: () => Promise<boolean>,
  ms = 5_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not ${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
