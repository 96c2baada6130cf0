// The handler from the built .vsix, run with real node and the real CLI it ships, in the
// environment an agent gives a task (INPUT_*, ENDPOINT_*, SYSTEM_*, AGENT_*, BUILD_* or RELEASE_*),
// signing with a key in a SoftHSM2 token through a timestamp authority on 127.0.0.1; every signed
// file is checked with osslsigncode. Needs `npm run package` first (test.sh runs it).
import assert = require('assert');
import fs = require('fs');
import os = require('os');
import path = require('path');
import { LocalProcess, startListening } from './localProcess';
import { PackagedTask, agentEnvironment, assertVerifiedByOsslsigncode, dotnetEnvironment, run, sha256, summaryOf } from './packagedTask';

interface DevToken {
    folder: string;
    keyWithoutPin: string;
    pin: string;
    root: string;
}

const devSigner = /Subject: \/O=BuildSign development only\/CN=BuildSign Dev Signer/;

describe('BuildSign@1 end to end: the packaged task, real CLI, SoftHSM2 key, local TSA, osslsigncode', function () {
    this.timeout(300000);
    let temp: string;
    let task: PackagedTask;
    let token: DevToken;
    let tsa: LocalProcess;
    let dotnet: NodeJS.ProcessEnv;

    before(async function () {
        temp = fs.mkdtempSync(path.join(os.tmpdir(), 'buildsign-azure-e2e-'));
        task = new PackagedTask(path.join(temp, 'extension'));
        dotnet = dotnetEnvironment(temp);
        const folder = path.join(temp, 'hsm');
        const init = run('dotnet', [task.cli, 'dev', 'init', '--dir', folder], dotnet);
        assert.strictEqual(init.code, 0, init.stdout + init.stderr);
        const keyLine = /key string:\s+(\S+)/.exec(init.stdout);
        assert.ok(keyLine, init.stdout);
        token = {
            folder,
            // The task's pin input replaces the token's PIN file: the key names no pin-source.
            keyWithoutPin: keyLine[1].replace(/&pin-source=[^&]*/, ''),
            pin: fs.readFileSync(path.join(folder, 'pin'), 'utf8').replace(/^\uFEFF/, '').trim(),
            root: path.join(folder, 'dev-root.pem'),
        };
        assert.ok(!token.keyWithoutPin.includes('pin-source'), token.keyWithoutPin);
        tsa = await startListening('dotnet', [task.cli, 'tsa', 'serve', '--cert', path.join(folder, 'dev-tsa.pem'), '--key', path.join(folder, 'dev-tsa-key.pem'), '--port', '0'], dotnet);
    });

    after(async function () {
        await tsa?.stop();
        if (temp) {
            fs.rmSync(temp, { recursive: true, force: true });
        }
    });

    function commonInputs(files: string, workingDirectory: string): Record<string, string> {
        return {
            INPUT_FILES: files,
            INPUT_KEY: token.keyWithoutPin,
            INPUT_PIN: token.pin,
            INPUT_TIMESTAMPURL: tsa.url,
            INPUT_TIMESTAMPCONCURRENCY: '8',
            INPUT_DIGEST: 'sha256',
            INPUT_ONEXISTINGSIGNATURE: 'default',
            INPUT_DESCRIPTION: 'BuildSign end-to-end test',
            INPUT_RECURSIVE: 'false',
            INPUT_DRYRUN: 'false',
            INPUT_REFUSESOFTWAREKEYS: 'true',
            // An empty filePath input reaches a task as the default working folder.
            INPUT_CERTIFICATE: workingDirectory,
            INPUT_WORKINGDIRECTORY: workingDirectory,
        };
    }

    it('signs a YAML build\'s files with the HSM key; osslsigncode verifies them', function () {
        const sources = path.join(temp, 'build', 's');
        const files = task.unsignedPeFiles(path.join(sources, 'bin', 'Release'));
        const taskRun = task.runHandler(agentEnvironment(dotnet, path.join(temp, 'agent-temp'), {
            ...commonInputs('bin/Release/*.dll', sources),
            SYSTEM_HOSTTYPE: 'build',
            SYSTEM_DEFAULTWORKINGDIRECTORY: sources,
            BUILD_SOURCESDIRECTORY: sources,
            BUILD_DEFINITIONNAME: 'app-ci',
            BUILD_BUILDID: '4711',
            BUILD_BUILDNUMBER: '20261201.1',
            BUILD_SOURCEVERSION: '9f8e7d6c',
            BUILD_REPOSITORY_NAME: 'contoso/app',
        }), os.tmpdir());

        assert.strictEqual(taskRun.result, 'Succeeded', taskRun.stdout);
        assert.strictEqual(taskRun.message, 'Signed 2 files.');
        assert.deepStrictEqual(taskRun.outputs, {
            'BuildSign.SignedCount': '2',
            'BuildSign.FailedCount': '0',
            'BuildSign.SignedFiles': files.slice().sort().join(';'),
        });
        assert.strictEqual(taskRun.started.length, 1);
        assert.match(taskRun.started[0], / --run-context run=4711 --run-context runName=20261201\.1 /);
        assert.ok(!taskRun.started[0].includes('--certificate'), 'an empty certificate input must not become --certificate');
        // The PIN is registered before the CLI starts and is nowhere else in the log.
        assert.deepStrictEqual(taskRun.lines.filter(line => line.includes(token.pin)), [`##vso[task.setsecret]${token.pin}`]);
        const progress = taskRun.commands.filter(c => c.command === 'task.setprogress').map(c => Number(c.properties['value']));
        assert.deepStrictEqual(progress, [0, 10, 20, 90, 100]);
        assert.match(summaryOf(taskRun), /\| bin\/Release\/App\.dll \| signed \| pe \| sha256 \| 20\d\d-/);
        for (const file of files) {
            assertVerifiedByOsslsigncode(file, token.root, token.root, devSigner);
        }
    });

    it('signs a classic release\'s downloaded artifacts from System.DefaultWorkingDirectory and reports a bad file', function () {
        const artifacts = path.join(temp, 'release', 'a');
        const [app] = task.unsignedPeFiles(path.join(artifacts, 'drop', 'bin'));
        const broken = path.join(artifacts, 'drop', 'bin', 'Broken.dll');
        fs.writeFileSync(broken, 'this is not a PE file\n');
        const brokenBefore = sha256(broken);
        const taskRun = task.runHandler(agentEnvironment(dotnet, path.join(temp, 'agent-temp'), {
            ...commonInputs('drop/**/App*.dll\ndrop/**/Broken.dll', artifacts),
            SYSTEM_HOSTTYPE: 'release',
            SYSTEM_DEFAULTWORKINGDIRECTORY: artifacts,
            RELEASE_RELEASEID: '31',
            RELEASE_RELEASENAME: 'Release-31',
            RELEASE_DEFINITIONNAME: 'ship-app',
            RELEASE_DEFINITIONID: '5',
            RELEASE_ENVIRONMENTNAME: 'Sign',
            RELEASE_ATTEMPTNUMBER: '1',
            RELEASE_REQUESTEDFOR: 'Release Manager',
            BUILD_BUILDID: '4711',
            BUILD_BUILDNUMBER: '20261201.1',
            BUILD_DEFINITIONNAME: 'app-ci',
        }), os.tmpdir());

        assert.strictEqual(taskRun.result, 'Failed', taskRun.stdout);
        assert.strictEqual(taskRun.message, `1 of 3 files failed (2 signed, 0 skipped; failed files are unchanged): ${broken}: not a PE file`);
        const issues = taskRun.commands.filter(c => c.command === 'task.logissue');
        assert.deepStrictEqual(issues.map(c => [c.properties['type'], c.properties['sourcepath']]), [['error', broken]]);
        assert.strictEqual(taskRun.outputs['BuildSign.SignedCount'], '2');
        assert.strictEqual(taskRun.outputs['BuildSign.FailedCount'], '1');
        assert.match(taskRun.started[0], / --run-context hostType=release --run-context job=\S+ --run-context agent=Linux agent 1 --run-context pipeline=ship-app --run-context pipelineId=5 --run-context run=31 --run-context runName=Release-31 --run-context environment=Sign --run-context attempt=1 --run-context requestedFor=Release Manager --run-context artifactBuild=4711 /);
        assert.strictEqual(sha256(broken), brokenBefore, 'the failed file changed');
        assertVerifiedByOsslsigncode(app, token.root, token.root, devSigner);
        assertVerifiedByOsslsigncode(path.join(path.dirname(app), 'App.Core.dll'), token.root, token.root, devSigner);
    });
});
