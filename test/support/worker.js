// Entry point of a worker process in the multi-process tests (see processes.ts). It runs the
// TypeScript test support without a build step: each .ts file is transpiled when required
// (TypeScript's transpileModule: no type check, which `npm run typecheck` does for all of test/).
const { readFileSync } = require('node:fs');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), {
		fileName: filename,
		compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, sourceMap: false },
	});
	module._compile(outputText, filename);
};

require('./workerMain.ts');
