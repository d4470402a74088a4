// Copies what tsc does not: icons (light and dark SVGs) and the node codex files, next to the
// built JavaScript that references them.
const { src, dest } = require('gulp');

function buildAssets() {
	return src(['credentials/**/*.svg', 'nodes/**/*.svg', 'nodes/**/*.node.json'], { base: '.', encoding: false }).pipe(dest('dist'));
}

exports['build:assets'] = buildAssets;
