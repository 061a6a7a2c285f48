/**
 * Run async work on a stream with up to `concurrency` items in flight, yielding results in input order.
 * The detector has one worker per core: keeping two frames in flight overlaps inference with decoding,
 * motion and tracking, while tracking still sees frames strictly in order.
 */
export async function* mapOrdered<T, R>(
  input: AsyncIterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<R> | R,
): AsyncGenerator<{ item: T; result: R }> {
  const queue: Array<{ item: T; result: Promise<R> }> = [];
  const settle = (p: Promise<R> | R): Promise<R> => {
    const promise = Promise.resolve(p);
    // Never let a rejection go unobserved while it waits in the queue; it is re-thrown in order below.
    promise.catch(() => undefined);
    return promise;
  };
  for await (const item of input) {
    queue.push({ item, result: settle(fn(item)) });
    if (queue.length >= Math.max(1, concurrency)) {
      const head = queue.shift()!;
      yield { item: head.item, result: await head.result };
    }
  }
  while (queue.length > 0) {
    const head = queue.shift()!;
    yield { item: head.item, result: await head.result };
  }
}
