import { once } from 'node:events';
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { type CsvReadOptions, parseCsv, readCsv } from '../src/formats/csv-reader.js';
import { rowCoercer } from '../src/schema/coerce.js';

const asIs = rowCoercer(null, 'n1');
const noHeader: CsvReadOptions = { header: false, delimiter: ',', columns: null };
const read = (input: string | Uint8Array[] | string[], options = noHeader) =>
  parseCsv(input, 'f.csv', options, asIs, 'n1');
const values = async (input: string | Uint8Array[] | string[], options = noHeader) =>
  (await read(input, options)).rows.map((r) => Object.values(r));

describe('CSV reading: quoting and escaping', () => {
  it('quoted fields hold delimiters, doubled quotes and line breaks of any kind', async () => {
    expect(await values('"a,b","say ""hi""","x\r\ny","p\nq","r\rs"\n')).toEqual([
      ['a,b', 'say "hi"', 'x\r\ny', 'p\nq', 'r\rs'],
    ]);
  });

  it('an empty unquoted field is NULL, an empty quoted one the empty string', async () => {
    expect(await values(',"",x\n')).toEqual([[null, '', 'x']]);
  });

  it('a quote inside an unquoted field is text; spaces are kept', async () => {
    expect(await values('5" screen, a "b" c \n')).toEqual([['5" screen', ' a "b" c ']]);
  });

  it('records end at \\n, \\r\\n or \\r, mixed in one file; empty lines and a missing last break are fine', async () => {
    expect(await values('a,1\r\nb,2\n\n\nc,3\rd,4')).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', '4'],
    ]);
  });

  it('another delimiter, with a header naming the columns', async () => {
    const options = { header: true, delimiter: '\t', columns: null };
    expect((await read('id\tname\n1\t"a\tb"\n', options)).rows).toEqual([
      { id: '1', name: 'a\tb' },
    ]);
  });

  it('a quote, a doubled quote or a multi-byte character split across chunks reads the same', async () => {
    const text = 'ß€,"x""y"\n"🙂\n",z\n';
    const whole = await values(text);
    const bytes = Buffer.from(text);
    const oneByteChunks = [...bytes].map((b) => Uint8Array.of(b));
    expect(await values(oneByteChunks)).toEqual(whole);
    expect(whole).toEqual([
      ['ß€', 'x"y'],
      ['🙂\n', 'z'],
    ]);
  });

  it('a byte order mark is not part of the first column name', async () => {
    const options = { header: true, delimiter: ',', columns: null };
    expect((await read('\uFEFFid,name\n1,x\n', options)).rows).toEqual([{ id: '1', name: 'x' }]);
  });

  it('bad records: the reason, the line the record starts on, and its text', async () => {
    const text = 'id,note\n1,"two\nlines"\n2\n3,ok,extra\n4,"never closed\n';
    const { rows, badRecords } = await read(text, { header: true, delimiter: ',', columns: null });
    expect(rows).toEqual([{ id: '1', note: 'two\nlines' }]);
    expect(badRecords).toEqual([
      { reason: 'expected 2 fields, got 1', node: 'n1', position: 'f.csv:4', record: '2' },
      {
        reason: 'expected 2 fields, got 3',
        node: 'n1',
        position: 'f.csv:5',
        record: '3,ok,extra',
      },
      {
        reason: expect.stringMatching(/Quote Not Closed/),
        node: 'n1',
        position: 'f.csv:6',
        record: '4,"never closed',
      },
    ]);
  });
});

describe('CSV reading: a large file is streamed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pipekit-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const big = { file: join(dir, 'big.csv'), records: 400_000 }; // ~24 MB
  const small = { file: join(dir, 'small.csv'), records: 20_000 };

  const generate = async ({ file, records }: typeof big) => {
    const out = createWriteStream(file);
    out.write('id,name,note\n');
    for (let i = 0; i < records; i++) {
      const line = `${i},name-${i},"a note, with ""quotes"" and a line\nbreak ${'x'.repeat(i % 7)}"\n`;
      if (!out.write(line)) await once(out, 'drain');
    }
    out.end();
    await once(out, 'finish');
  };

  it('rows arrive in chunks while most of the file is unread, and reading waits for the consumer', async () => {
    await generate(big);
    const size = statSync(big.file).size;
    expect(size).toBeGreaterThan(20e6);
    const stream = createReadStream(big.file);
    const options = { header: true, delimiter: ',', columns: null };
    const chunks = readCsv(stream, 'big.csv', options, asIs, 'n1', 1000);
    const first = await chunks.next();
    expect(first.done).toBe(false);
    expect(first.value?.rows[0]).toEqual({
      id: '0',
      name: 'name-0',
      note: 'a note, with "quotes" and a line\nbreak ',
    });
    // The consumer takes its time: the parser's and the file stream's buffers fill, then the read
    // pauses (backpressure) instead of taking in the rest of the file.
    await sleep(300);
    const read = stream.bytesRead;
    expect(read).toBeLessThan(size / 10);
    await sleep(300);
    expect(stream.bytesRead).toBe(read);
    // Stopping early closes the file.
    await chunks.return();
    expect(stream.destroyed).toBe(true);
  });

  it('a whole file reads as chunks of rows, none lost', async () => {
    await generate(small);
    const stream = createReadStream(small.file);
    const options = { header: true, delimiter: ',', columns: null };
    let rows = 0;
    let chunks = 0;
    let last: Record<string, unknown> | undefined;
    for await (const chunk of readCsv(stream, 'small.csv', options, asIs, 'n1', 1000)) {
      chunks++;
      rows += chunk.rows.length;
      expect(chunk.badRecords).toEqual([]);
      last = chunk.rows.at(-1);
    }
    expect(rows).toBe(small.records);
    expect(chunks).toBe(small.records / 1000);
    expect(last?.id).toBe(String(small.records - 1));
  });
});
