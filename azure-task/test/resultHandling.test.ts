import assert = require('assert');
import fs = require('fs');
import os = require('os');
import path = require('path');
import { agentAnswers, buildEnvironment, buildRunContext, dotnet, runTask, shippedCli, signJson } from './taskRun';

const key = 'pkcs11:token=ci;object=signer';
const command = `${dotnet} ${shippedCli} sign --json --key ${key} --timestamp-concurrency 8 --digest sha256 --refuse-software-keys ${buildRunContext} -- bin/*`;

async function runWithResult(stdout: string, code: number, stderr?: string) {
    const answers = agentAnswers(command, stdout, code);
    if (stderr) {
        answers.exec![command].stderr = stderr;
    }
    const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'buildsign-agent-temp-'));
    answers.exist![temp] = true;
    const run = await runTask({ inputs: { files: 'bin/*', key, refuseSoftwareKeys: 'true' }, environment: { ...buildEnvironment(), AGENT_TEMPDIRECTORY: temp }, answers });
    const summaryCommand = run.commands.find(c => c.command === 'task.uploadsummary');
    const summary = summaryCommand ? fs.readFileSync(summaryCommand.message, 'utf8') : undefined;
    fs.rmSync(temp, { recursive: true, force: true });
    return { run, summary };
}

describe('BuildSign@1 result handling (MockTestRunner)', function () {
    it('fails saying how many files failed and why, with an error issue on each file', async function () {
        const { run, summary } = await runWithResult(signJson([
            { file: '/agent/work/1/s/bin/App.dll', status: 'signed' },
            { file: '/agent/work/1/s/bin/Broken.dll', status: 'failed', error: 'not a PE file' },
            { file: '/agent/work/1/s/bin/Tools.zip!lib/x.dll', status: 'failed', error: 'truncated certificate table' },
            { file: '/agent/work/1/s/bin/Old.dll', status: 'skipped', error: 'already signed' },
        ]), 1);
        assert.strictEqual(run.result, 'Failed');
        assert.strictEqual(run.message, '2 of 4 files failed (1 signed, 1 skipped; failed files are unchanged): ' +
            '/agent/work/1/s/bin/Broken.dll: not a PE file; /agent/work/1/s/bin/Tools.zip!lib/x.dll: truncated certificate table');
        const issues = run.commands.filter(c => c.command === 'task.logissue');
        assert.deepStrictEqual(issues.map(c => [c.properties['type'], c.properties['sourcepath'], c.message]), [
            ['error', '/agent/work/1/s/bin/Broken.dll', '/agent/work/1/s/bin/Broken.dll: not a PE file'],
            ['error', '/agent/work/1/s/bin/Tools.zip', '/agent/work/1/s/bin/Tools.zip!lib/x.dll: truncated certificate table'],
        ]);
        assert.deepStrictEqual(run.outputs, {
            'BuildSign.SignedCount': '1',
            'BuildSign.FailedCount': '2',
            'BuildSign.SignedFiles': '/agent/work/1/s/bin/App.dll',
        });
        assert.ok(summary, 'no summary was uploaded');
        assert.match(summary, /^\*\*1 signed, 1 skipped, 2 failed\*\*/);
        assert.match(summary, /\| bin\/Broken\.dll \| failed \| pe \| sha256 \|  \| not a PE file \|/);
        assert.match(summary, /- Key: PKCS\\#11 key 'signer' in token 'buildsign-dev' \(hardware-local\)/);
    });

    it('quotes the first three reasons and counts the rest', async function () {
        const files = [1, 2, 3, 4, 5].map(n => ({ file: `/w/f${n}.dll`, status: 'failed', error: `reason ${n}` }));
        const { run } = await runWithResult(signJson(files), 1);
        assert.strictEqual(run.message, '5 of 5 files failed (0 signed, 0 skipped; failed files are unchanged): /w/f1.dll: reason 1; /w/f2.dll: reason 2; /w/f3.dll: reason 3; and 2 more');
    });

    it('fails with the run-level error when nothing could be signed', async function () {
        const { run } = await runWithResult(signJson([], { succeeded: false, error: "wrong PIN for token 'ci'" }), 1);
        assert.strictEqual(run.result, 'Failed');
        assert.strictEqual(run.message, "BuildSign signed nothing: wrong PIN for token 'ci'");
        assert.strictEqual(run.outputs['BuildSign.SignedCount'], '0');
    });

    it('passes the CLI\'s warnings on as warnings and succeeds', async function () {
        const { run } = await runWithResult(signJson([{ file: '/w/a.ps1', status: 'signed', format: 'script' }], { timestamp: 'none', warnings: ['no timestamp server given: signatures stop verifying when the certificate expires'] }), 0);
        assert.strictEqual(run.result, 'Succeeded');
        assert.strictEqual(run.message, 'Signed 1 file.');
        assert.deepStrictEqual(run.commands.filter(c => c.command === 'task.issue' && c.properties['type'] === 'warning').map(c => c.message),
            ['no timestamp server given: signatures stop verifying when the certificate expires']);
    });

    it('reports the CLI\'s own error line when there is no JSON result', async function () {
        const { run } = await runWithResult('', 2, 'buildsign: unexpected argument\nbuildsign: --key is required\n');
        assert.strictEqual(run.result, 'Failed');
        assert.strictEqual(run.message, 'BuildSign gave no result (exit code 2): buildsign: --key is required');
        assert.strictEqual(run.outputs['BuildSign.FailedCount'], '0');
    });

    it('does not trust a result of another schema version', async function () {
        const { run } = await runWithResult(signJson([{ file: '/w/a.dll', status: 'signed' }], { schemaVersion: 2 }), 0);
        assert.strictEqual(run.result, 'Failed');
        assert.match(run.message ?? '', /^BuildSign gave no result \(exit code 0\)/);
    });
});
