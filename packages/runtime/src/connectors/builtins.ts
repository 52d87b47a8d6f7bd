import { ConnectorRegistry } from '../connector.js';
import { ConsoleWriter } from './console-sink.js';
import { FileWriter } from './file-sink.js';
import { FileReader } from './file-source.js';
import { GenerateReader } from './generate-source.js';
import { MemoryWriter } from './memory-sink.js';
import { MemoryReader } from './memory-source.js';
import { SocketReader } from './socket-source.js';

/** Adds the connectors that need no service: generate, memory, file and socket sources; console, memory and file sinks. */
export function registerBuiltins(registry: ConnectorRegistry): ConnectorRegistry {
  return registry
    .registerSource('generate', (spec, ctx) => new GenerateReader(spec, ctx))
    .registerSource('memory', (spec, ctx) => new MemoryReader(spec, ctx))
    .registerSource('file', (spec, ctx) => FileReader.open(spec, ctx))
    .registerSource('socket', (spec, ctx) => new SocketReader(spec, ctx))
    .registerSink('console', (spec, ctx) => new ConsoleWriter(spec, ctx))
    .registerSink('memory', (spec, ctx) => new MemoryWriter(spec, ctx))
    .registerSink('file', (spec, ctx) => new FileWriter(spec, ctx));
}

/** A registry with the built-in connectors. */
export function defaultConnectors(): ConnectorRegistry {
  return registerBuiltins(new ConnectorRegistry());
}
