// Preloaded by bench/targets.ts into a whole `tpuseg` process: at exit the main thread writes the
// process's peak resident memory (all its threads) as the last line of stderr.
const { isMainThread } = require('node:worker_threads');
if (isMainThread) process.on('exit', () => process.stderr.write(`\npeak-rss-kb ${process.resourceUsage().maxRSS}\n`));
