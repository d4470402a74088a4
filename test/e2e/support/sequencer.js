/**
 * The order of the end-to-end files: editor.e2e.ts first, since it sets up n8n's owner through the
 * first-run screen, which the other browser files then sign in as (run alone, they set the owner
 * up themselves); the rest in jest's own order.
 */
const Sequencer = require('@jest/test-sequencer').default;

const FIRST = /[/\\]editor\.e2e\.ts$/;

class EditorFirst extends Sequencer {
	async sort(tests) {
		const sorted = await super.sort(tests);
		return [...sorted.filter((t) => FIRST.test(t.path)), ...sorted.filter((t) => !FIRST.test(t.path))];
	}
}

module.exports = EditorFirst;
