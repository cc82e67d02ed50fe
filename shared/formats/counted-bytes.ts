/**
 * A byte stream that counts the bytes that pass and can show its first bytes ahead of
 * reading them: the planner needs a file's BOM before choosing how to scan it, and its size
 * after handing the stream to a decoder.
 */
export class CountedBytes implements AsyncIterable<Uint8Array> {
  offset = 0;
  private readonly source: AsyncIterator<Uint8Array>;
  private readonly ahead: Uint8Array[] = [];

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.source = chunks[Symbol.asyncIterator]();
  }

  /** At least `length` first bytes (fewer if the stream is shorter), without consuming them. */
  async peek(length: number): Promise<Uint8Array> {
    let have = this.ahead.reduce((sum, chunk) => sum + chunk.length, 0);
    while (have < length) {
      const next = await this.source.next();
      if (next.done) break;
      this.ahead.push(next.value);
      have += next.value.length;
    }
    return Buffer.concat(this.ahead);
  }

  async next(): Promise<IteratorResult<Uint8Array>> {
    const next =
      this.ahead.length > 0
        ? { done: false as const, value: this.ahead.shift() as Uint8Array }
        : await this.source.next();
    if (!next.done) this.offset += next.value.length;
    return next;
  }

  async drain(): Promise<void> {
    while (!(await this.next()).done);
  }

  [Symbol.asyncIterator](): AsyncIterator<Uint8Array> {
    return { next: () => this.next() };
  }
}
