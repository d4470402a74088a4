// Lets `node -r ./bench/register.js bench/run.ts` load the TypeScript of bench/ and test/support/
// in place (so paths relative to the sources stay right), transpiled with the project's options.
// No type check here: `npm run typecheck` covers these files.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');
const ts = require('typescript');

const configPath = join(__dirname, '..', 'tsconfig.json');
const { config } = ts.readConfigFile(configPath, ts.sys.readFile);
const { options } = ts.parseJsonConfigFileContent(config, ts.sys, join(__dirname, '..'));
const compilerOptions = { ...options, sourceMap: false, inlineSourceMap: true, declaration: false };

require.extensions['.ts'] = (module, filename) => {
	const { outputText } = ts.transpileModule(readFileSync(filename, 'utf8'), { compilerOptions, fileName: filename });
	module._compile(outputText, filename);
};
