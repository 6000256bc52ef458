// A jest reporter that lists every skipped test by its full title after the run: the titles say
// what each one needs (test/helpers/shared.ts), so "4 skipped" comes with why.

/** The full titles of the skipped tests in jest's aggregated results. */
function skippedTitles(results) {
  return results.testResults.flatMap((file) => file.testResults
    .filter((t) => t.status === 'pending' || t.status === 'skipped' || t.status === 'todo')
    .map((t) => t.fullName));
}

class SkippedReporter {
  onRunComplete(_contexts, results) {
    const titles = skippedTitles(results);
    if (titles.length > 0) process.stderr.write(`${titles.map((t) => `skipped: ${t}`).join('\n')}\n`);
  }
}

module.exports = SkippedReporter;
module.exports.skippedTitles = skippedTitles;
