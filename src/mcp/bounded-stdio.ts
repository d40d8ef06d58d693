// The MCP stdio transport with a bound per message. The SDK's StdioServerTransport buffers a line
// until its newline and, past 10 MiB, clears the buffer and closes the transport: the oversized call
// is never answered, the rest of that line is then read as garbage, and the agent loses the tool for
// the session. Here a line over the bound is discarded up to its newline without being kept, its
// top-level "id" is recovered by a streaming scan so the request gets a JSON-RPC error, and the
// server goes on reading. Garbage lines are reported and skipped, as the SDK does.
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import { deserializeMessage, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";

/** 4 MiB: a 100,000-character message (the largest maxLength) fits even with every character escaped. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

export type DiscardedLine = { bytes: number; id?: string | number; request: boolean; reason: "too large" | "not JSON-RPC" };

export type BoundedStdioOptions = {
  maxMessageBytes?: number;
  /** Told about every line that was dropped: log it (never to stdout). */
  onDiscarded?: (line: DiscardedLine) => void;
};

export class BoundedStdioServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly max: number;
  private chunks: Buffer[] = [];
  private size = 0;
  /** Set while the rest of an oversized line is skipped. */
  private oversized: { bytes: number; scan: TopLevelScan } | undefined;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    private readonly options: BoundedStdioOptions = {},
  ) {
    this.max = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  }

  async start(): Promise<void> {
    this.stdin.on("data", this.onData);
    this.stdin.on("error", this.onStdinError);
  }

  private readonly onStdinError = (error: Error) => this.onerror?.(error);

  private readonly onData = (chunk: Buffer) => {
    let rest = chunk;
    while (rest.length > 0) {
      const newline = rest.indexOf(0x0a);
      const piece = newline === -1 ? rest : rest.subarray(0, newline);
      if (this.oversized) {
        this.oversized.bytes += piece.length;
        this.oversized.scan.feed(piece);
      } else if (this.size + piece.length > this.max) {
        const scan = new TopLevelScan();
        for (const kept of [...this.chunks, piece]) scan.feed(kept);
        this.oversized = { bytes: this.size + piece.length, scan };
        this.chunks = [];
        this.size = 0;
      } else {
        this.chunks.push(piece);
        this.size += piece.length;
      }
      if (newline === -1) return;
      rest = rest.subarray(newline + 1);
      if (this.oversized) this.discardOversized(this.oversized);
      else this.takeLine();
    }
  };

  private takeLine(): void {
    const line = Buffer.concat(this.chunks).toString("utf8").replace(/\r$/, "");
    this.chunks = [];
    this.size = 0;
    if (line.trim() === "") return;
    let message: JSONRPCMessage;
    try {
      message = deserializeMessage(line);
    } catch (error) {
      const scan = new TopLevelScan();
      scan.feed(Buffer.from(line, "utf8"));
      this.options.onDiscarded?.({ bytes: Buffer.byteLength(line), ...scan.found(), reason: "not JSON-RPC" });
      if (scan.request && scan.id !== undefined) void this.answerError(scan.id, -32600, `Invalid request: not a JSON-RPC message (${error instanceof Error ? error.name : "parse error"}).`);
      return;
    }
    this.onmessage?.(message);
  }

  private discardOversized(oversized: { bytes: number; scan: TopLevelScan }): void {
    this.oversized = undefined;
    const found = oversized.scan.found();
    this.options.onDiscarded?.({ bytes: oversized.bytes, ...found, reason: "too large" });
    if (!found.request || found.id === undefined) return;
    const mib = (n: number) => (n / 1024 / 1024).toFixed(1);
    void this.answerError(
      found.id,
      -32600,
      `Request too large: ${mib(oversized.bytes)} MiB, and openclaw-guard reads at most ${mib(this.max)} MiB per message. It was discarded and nothing was sent; send a shorter message.`,
    );
  }

  private answerError(id: string | number, code: number, message: string): Promise<void> {
    return this.send({ jsonrpc: "2.0", id, error: { code, message } });
  }

  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.stdout.write(serializeMessage(message))) resolve();
      else this.stdout.once("drain", resolve);
    });
  }

  async close(): Promise<void> {
    this.stdin.off("data", this.onData);
    this.stdin.off("error", this.onStdinError);
    if (this.stdin.listenerCount("data") === 0) this.stdin.pause();
    this.chunks = [];
    this.oversized = undefined;
    this.onclose?.();
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MAX_ID_BYTES = 256;

/**
 * Finds a JSON object's top-level "id" and whether it has a top-level "method", reading the text in
 * pieces and keeping only those two values: the SDK's client writes "id" after "params", so the
 * whole line has to be read. Long strings are skipped with indexOf, not byte by byte.
 */
export class TopLevelScan {
  id: string | number | undefined;
  request = false;
  private depth = 0;
  private inString = false;
  private escaped = false;
  /** At depth 1, between "{" or "," and the next key. */
  private expectingKey = false;
  /** Collecting the bytes of a depth-1 key or of the id's value; undefined when not. */
  private capture: { what: "key" | "id-string" | "id-scalar"; bytes: number[] } | undefined;
  private lastKey: string | undefined;
  private broken = false;

  found(): { id?: string | number; request: boolean } {
    return { ...(this.id !== undefined ? { id: this.id } : {}), request: this.request };
  }

  feed(piece: Buffer): void {
    let i = 0;
    while (i < piece.length && !this.broken) {
      if (this.inString) {
        i = this.inStringFrom(piece, i);
        continue;
      }
      const byte = piece[i++]!;
      if (this.capture?.what === "id-scalar") {
        if (byte === 0x2c || byte === 0x7d || byte === 0x5d || byte <= 0x20) this.endScalarId();
        else {
          this.capture.bytes.push(byte);
          if (this.capture.bytes.length > 64) this.capture = undefined;
          continue;
        }
      }
      switch (byte) {
        case QUOTE:
          this.inString = true;
          if (this.depth === 1 && this.expectingKey) this.capture = { what: "key", bytes: [] };
          else if (this.depth === 1 && this.lastKey === "id") this.capture = { what: "id-string", bytes: [] };
          this.expectingKey = false;
          break;
        case 0x7b: // {
        case 0x5b: // [
          this.depth++;
          this.expectingKey = byte === 0x7b && this.depth === 1;
          break;
        case 0x7d: // }
        case 0x5d: // ]
          this.depth--;
          if (this.depth < 0) this.broken = true;
          break;
        case 0x2c: // ,
          if (this.depth === 1) {
            this.expectingKey = true;
            this.lastKey = undefined;
          }
          break;
        case 0x3a: // :
          break;
        default:
          if (byte > 0x20 && this.depth === 1 && this.lastKey === "id" && this.id === undefined) this.capture = { what: "id-scalar", bytes: [byte] };
      }
    }
  }

  /** Inside a string: to its closing quote (returns the index after it) or the end of the piece. */
  private inStringFrom(piece: Buffer, start: number): number {
    if (this.capture !== undefined && this.capture.what !== "id-scalar") return this.captureStringFrom(piece, start);
    let i = start;
    if (this.escaped) {
      this.escaped = false;
      i++;
    }
    while (i < piece.length) {
      const quote = piece.indexOf(QUOTE, i);
      const end = quote === -1 ? piece.length : quote;
      let slashes = 0;
      while (end - slashes - 1 >= i && piece[end - slashes - 1] === BACKSLASH) slashes++;
      if (quote === -1) {
        this.escaped = slashes % 2 === 1;
        return piece.length;
      }
      if (slashes % 2 === 0) {
        this.inString = false;
        return quote + 1;
      }
      i = quote + 1;
    }
    return i;
  }

  private captureStringFrom(piece: Buffer, start: number): number {
    const capture = this.capture!;
    let i = start;
    while (i < piece.length) {
      const byte = piece[i++]!;
      if (this.escaped) this.escaped = false;
      else if (byte === BACKSLASH) this.escaped = true;
      else if (byte === QUOTE) {
        this.inString = false;
        this.endCapturedString(capture);
        return i;
      }
      capture.bytes.push(byte);
      if (capture.bytes.length > MAX_ID_BYTES) {
        // Too long for an id or a key we care about: skip the rest of the string.
        this.capture = undefined;
        return i;
      }
    }
    return i;
  }

  private endCapturedString(capture: { what: string; bytes: number[] }): void {
    this.capture = undefined;
    let text: string;
    try {
      text = JSON.parse(`"${Buffer.from(capture.bytes).toString("utf8")}"`) as string;
    } catch {
      return;
    }
    if (capture.what === "key") {
      this.lastKey = text;
      if (text === "method") this.request = true;
    } else if (this.id === undefined) this.id = text;
  }

  private endScalarId(): void {
    const text = Buffer.from(this.capture!.bytes).toString("utf8");
    this.capture = undefined;
    const value = /^-?\d+(\.\d+)?([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
    if (value !== undefined && Number.isFinite(value)) this.id = value;
  }
}
