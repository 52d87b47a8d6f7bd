/**
 * A TypeScript language service driven the way an editor drives it: files held in memory with a
 * version, an edit bumps the version, and each request (completion, diagnostics) works on the
 * program of the latest versions. Everything else is read from disk (node_modules, lib files).
 */
import { readFileSync } from 'node:fs';
import ts from 'typescript';

/**
 * Wall time and this process's CPU time of a request. On a shared machine the wall time grows with
 * the load; the CPU time (user + system) is the work the request took, much less so.
 */
export function timer(): () => { ms: number; cpuMs: number } {
  const wall = performance.now();
  const cpu = process.cpuUsage();
  return () => {
    const used = process.cpuUsage(cpu);
    return { ms: performance.now() - wall, cpuMs: (used.user + used.system) / 1000 };
  };
}

export class Editor {
  private readonly files = new Map<string, { text: string; version: number }>();
  readonly service: ts.LanguageService;

  constructor(
    private readonly root: string,
    private readonly options: ts.CompilerOptions,
  ) {
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => this.options,
      getScriptFileNames: () => [...this.files.keys()],
      getScriptVersion: (f) => String(this.files.get(f)?.version ?? 0),
      getScriptSnapshot: (f) => {
        const open = this.files.get(f);
        if (open) return ts.ScriptSnapshot.fromString(open.text);
        if (!ts.sys.fileExists(f)) return undefined;
        return ts.ScriptSnapshot.fromString(readFileSync(f, 'utf8'));
      },
      getCurrentDirectory: () => this.root,
      getDefaultLibFileName: (o) => ts.getDefaultLibFilePath(o),
      fileExists: ts.sys.fileExists,
      readFile: ts.sys.readFile,
      readDirectory: ts.sys.readDirectory,
      directoryExists: ts.sys.directoryExists,
      getDirectories: ts.sys.getDirectories,
      realpath: ts.sys.realpath,
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  /** Opens a file or replaces its text, as a key stroke does. */
  edit(file: string, text: string): void {
    const prev = this.files.get(file);
    this.files.set(file, { text, version: (prev?.version ?? 0) + 1 });
  }

  text(file: string): string {
    return this.files.get(file)?.text ?? '';
  }

  /** Completion entries at the first `marker` of the file's text, and how long the request took. */
  complete(file: string, marker: string): { ms: number; cpuMs: number; names: string[] } {
    const at = this.text(file).lastIndexOf(marker) + marker.length;
    const t = timer();
    const r = this.service.getCompletionsAtPosition(file, at, {
      triggerCharacter: '.',
      includeCompletionsWithInsertText: true,
    });
    return { ...t(), names: (r?.entries ?? []).map((e) => e.name) };
  }

  /** The semantic diagnostics of a file (the editor's re-check after an edit), timed. */
  check(file: string): { ms: number; cpuMs: number; diagnostics: readonly ts.Diagnostic[] } {
    const t = timer();
    const diagnostics = this.service.getSemanticDiagnostics(file);
    return { ...t(), diagnostics };
  }
}
