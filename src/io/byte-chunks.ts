/**
 * Output gathered as UTF-8 bytes in one reused buffer and handed on in pieces of at most its size, so that no
 * long text is built (and flattened) before it is encoded. A piece ends between two writes, so it holds whole
 * characters.
 */
export class ByteChunks {
  protected readonly buf: Buffer;
  protected used = 0;

  constructor(
    protected readonly sink: (bytes: Uint8Array) => void,
    capacity = 1 << 16,
  ) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** The UTF-8 bytes of `s` (one too long for the buffer goes on by itself). */
  text(s: string): void {
    // a UTF-16 code unit takes at most 3 bytes in UTF-8
    const max = s.length * 3;
    if (this.used + max > this.buf.length) {
      this.flush();
      if (max > this.buf.length) return this.sink(Buffer.from(s, "utf8"));
    }
    this.used += this.buf.write(s, this.used, "utf8");
  }

  /** Hands on what is gathered (`sink` must copy what it keeps: the buffer is reused). */
  flush(): void {
    if (this.used === 0) return;
    this.sink(this.buf.subarray(0, this.used));
    this.used = 0;
  }
}
