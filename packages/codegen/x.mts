import { Project } from 'ts-morph';
const p = new Project({ useInMemoryFileSystem: true });
const f = p.createSourceFile('a.ts', '');
f.addStatements(['/** x */']);
f.addImportDeclaration({ moduleSpecifier: 'a', namedImports: ['b'] });
f.addStatements(['const a = 1;', 'export default a;']);
console.log(JSON.stringify(f.getFullText()));
