// A node:test reporter that writes a minimal TRX file (Visual Studio test results), so that .ci/run counts the
// browser tests with the .NET ones: it sums the <Counters> of every TRX in its output folder.
const esc = (s) => String(s).replace(/[<>&"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;' })[c]);

export default async function* trx(source) {
  const results = [];
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const { name, details } = event.data;
    if (details?.type === 'suite') continue; // count tests, not the describe blocks around them
    const skipped = event.data.skip !== undefined || event.data.todo !== undefined;
    const outcome = event.type === 'test:fail' ? 'Failed' : skipped ? 'NotExecuted' : 'Passed';
    const message = event.type === 'test:fail' ? String(details?.error?.cause?.message ?? details?.error?.message ?? '') : '';
    results.push({ name, outcome, ms: details?.duration_ms ?? 0, message });
  }
  const passed = results.filter((r) => r.outcome === 'Passed').length;
  const failed = results.filter((r) => r.outcome === 'Failed').length;
  const duration = (ms) => new Date(ms).toISOString().substring(11, 23);
  yield '<?xml version="1.0" encoding="utf-8"?>\n';
  yield '<TestRun name="console-e2e" xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010">\n  <Results>\n';
  for (const r of results) {
    yield `    <UnitTestResult testName="${esc(r.name)}" outcome="${r.outcome}" duration="${duration(r.ms)}">`;
    yield r.message ? `<Output><ErrorInfo><Message>${esc(r.message)}</Message></ErrorInfo></Output>` : '';
    yield '</UnitTestResult>\n';
  }
  yield `  </Results>\n  <ResultSummary outcome="${failed ? 'Failed' : 'Completed'}">\n`;
  yield `    <Counters total="${results.length}" executed="${passed + failed}" passed="${passed}" failed="${failed}" />\n`;
  yield '  </ResultSummary>\n</TestRun>\n';
}
