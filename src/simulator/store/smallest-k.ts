// Keeps the k smallest items of a stream under a comparator, in O(k) memory: what a page at offset+limit needs
// from a full scan, without holding every match of a 2.4M-row table in the heap.
export class SmallestK<T> {
  private items: T[] = [];

  constructor(
    private readonly k: number,
    private readonly compare: (a: T, b: T) => number,
  ) {}

  push(item: T): void {
    if (this.k <= 0) return;
    this.items.push(item);
    // Sort and cut only when the buffer doubles: amortised O(log k) per item.
    if (this.items.length >= 2 * this.k + 64) this.trim();
  }

  /** The k smallest items seen, sorted ascending. */
  sorted(): T[] {
    this.trim();
    return this.items;
  }

  private trim(): void {
    this.items.sort(this.compare);
    if (this.items.length > this.k) this.items.length = this.k;
  }
}
