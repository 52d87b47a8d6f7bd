import { createServer, type Server } from 'node:net';
import { count, source } from '@pipekit/core';
import { describe, expect, it } from 'vitest';
import { runPipeline } from '../src/index.js';

/** A TCP server on 127.0.0.1 that writes `chunks` to each connection (a pause between), then closes it. */
async function lineServer(chunks: readonly string[]): Promise<{ port: number; server: Server }> {
  const server = createServer(async (socket) => {
    for (const c of chunks) {
      socket.write(c);
      await new Promise((r) => setTimeout(r, 5));
    }
    socket.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { port: address.port, server };
}

describe('source.socket (Spark socket source)', () => {
  it('reads lines (split across TCP chunks, CRLF or LF) until the server closes the connection', async () => {
    const { port, server } = await lineServer([
      'apple\nbanana\r\nche',
      'rry\napple\n',
      'banana\nlast',
    ]);
    try {
      const run = runPipeline(source.socket({ port }).sink.memory({ name: 'lines' }));
      const result = await run.result;
      expect(result.stoppedBy).toBe('completed');
      expect(run.memory.get('lines')).toEqual(
        ['apple', 'banana', 'cherry', 'apple', 'banana', 'last'].map((value) => ({ value })),
      );
    } finally {
      server.close();
    }
  });

  it('a word count over the lines, with the arrival timestamp', async () => {
    const { port, server } = await lineServer(['a\nb\n', 'a\n']);
    try {
      const p = source.socket({ port, includeTimestamp: true });
      const run = runPipeline(
        p
          .groupBy('value')
          .aggregate({ n: count() })
          .sink.memory({ name: 'counts', outputMode: 'complete' }),
      );
      await run.result;
      expect(Object.fromEntries(run.memory.get('counts').map((r) => [r.value, r.n]))).toEqual({
        a: 2,
        b: 1,
      });
      const stamped = runPipeline(p.sink.memory({ name: 'raw' }));
      await stamped.result;
      expect(stamped.memory.get('raw')[0]!.timestamp).toBeInstanceOf(Date);
    } finally {
      server.close();
    }
  });

  it('nothing listening is a clear error naming host and port', async () => {
    const { port, server } = await lineServer([]);
    server.close();
    await new Promise((r) => setTimeout(r, 20));
    await expect(
      runPipeline(source.socket({ port }).sink.memory({ name: 'x' })).result,
    ).rejects.toThrow(new RegExp(`cannot connect to 127\\.0\\.0\\.1:${port}`));
  });
});
