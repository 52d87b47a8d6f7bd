/** Duration strings: the first part is checked at compile time, so a typo is an error. */
import { every, session, sliding, tumbling } from '../../src/index.js';

tumbling('5 minutes');
tumbling('5s');
tumbling('1 hour 30 minutes');
every('processingTime=5 seconds');
sliding('1 day 2 hours', '1 hour');
session(30_000);
// @ts-expect-error a misspelled unit
tumbling('10 minuts');
// @ts-expect-error a misspelled unit, no space
tumbling('10minuts');
// @ts-expect-error no unit
tumbling('10');
// @ts-expect-error a number in words
every('ten minutes');
