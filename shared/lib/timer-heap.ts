/** A binary min-heap of items ordered by `dueAt`, then by insertion order (so equal times stay FIFO). */
export class TimerHeap<T extends { dueAt: number }> {
  readonly #items: Array<{ item: T; seq: number }> = [];
  #seq = 0;

  get size(): number {
    return this.#items.length;
  }

  clear(): void {
    this.#items.length = 0;
  }

  push(item: T): void {
    const items = this.#items;
    items.push({ item, seq: this.#seq++ });
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#less(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  peek(): T | undefined {
    return this.#items[0]?.item;
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined) return undefined;
    if (items.length > 0) {
      items[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let smallest = i;
        if (left < items.length && this.#less(left, smallest)) smallest = left;
        if (right < items.length && this.#less(right, smallest)) smallest = right;
        if (smallest === i) break;
        this.#swap(i, smallest);
        i = smallest;
      }
    }
    return top.item;
  }

  #less(a: number, b: number): boolean {
    const x = this.#items[a] as { item: T; seq: number };
    const y = this.#items[b] as { item: T; seq: number };
    return x.item.dueAt < y.item.dueAt || (x.item.dueAt === y.item.dueAt && x.seq < y.seq);
  }

  #swap(a: number, b: number): void {
    const items = this.#items;
    [items[a], items[b]] = [items[b] as { item: T; seq: number }, items[a] as { item: T; seq: number }];
  }
}
