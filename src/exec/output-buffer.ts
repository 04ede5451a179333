/** What one stream produced, as far as it was kept. */
export interface CapturedOutput {
  text: string;
  truncated: boolean;
  /** Bytes dropped from the middle. */
  droppedBytes: number;
  totalBytes: number;
}

/**
 * Keeps the first and last `limitBytes / 2` bytes of a stream and counts what falls between, so a
 * flood of gigabytes costs a constant amount of memory. The tail is a ring of chunks trimmed from
 * the front.
 */
export class HeadTailBuffer {
  private readonly headLimit: number;
  private readonly tailLimit: number;
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;

  constructor(limitBytes: number) {
    this.headLimit = Math.ceil(limitBytes / 2);
    this.tailLimit = limitBytes - this.headLimit;
  }

  get totalBytes(): number {
    return this.total;
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    let rest = chunk;
    if (this.headBytes < this.headLimit) {
      const take = Math.min(this.headLimit - this.headBytes, rest.length);
      // Copy, as for the tail: a subarray would pin the whole chunk.
      this.head.push(Buffer.from(rest.subarray(0, take)));
      this.headBytes += take;
      rest = rest.subarray(take);
    }
    if (rest.length > 0 && this.tailLimit > 0) this.pushTail(rest);
  }

  private pushTail(chunk: Buffer): void {
    // Copy: a subarray would pin the whole (possibly large) chunk in memory.
    const kept = chunk.length > this.tailLimit ? Buffer.from(chunk.subarray(chunk.length - this.tailLimit)) : Buffer.from(chunk);
    this.tail.push(kept);
    this.tailBytes += kept.length;
    while (this.tailBytes > this.tailLimit) {
      const first = this.tail[0];
      if (!first) break;
      const excess = this.tailBytes - this.tailLimit;
      if (first.length <= excess) {
        this.tail.shift();
        this.tailBytes -= first.length;
      } else {
        this.tail[0] = first.subarray(excess);
        this.tailBytes -= excess;
      }
    }
  }

  result(): CapturedOutput {
    const kept = this.headBytes + this.tailBytes;
    const dropped = this.total - kept;
    const head = Buffer.concat(this.head).toString("utf8");
    const tail = Buffer.concat(this.tail).toString("utf8");
    const marker = dropped > 0 ? `\n[… ${dropped} bytes dropped by cmdgate …]\n` : "";
    return { text: head + marker + tail, truncated: dropped > 0, droppedBytes: dropped, totalBytes: this.total };
  }
}
