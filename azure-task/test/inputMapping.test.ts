import assert = require('assert');
import { agentAnswers, buildEnvironment, buildRunContext, dotnet, runTask, shippedCli, signJson } from './taskRun';

const pkcs11Key = 'pkcs11:token=ci;object=signer?module-path=/usr/lib/softhsm/libsofthsm2.so';

describe('BuildSign@1 input mapping (MockTestRunner)', function () {
    it('maps every input to one buildsign sign option, in one command line', async function () {
        const key = `${pkcs11Key}&pin-source=env:BUILDSIGN_PIN`;
        const expected = `${dotnet} ${shippedCli} sign --json --key ${key} --certificate /certs/signer.pem` +
            ' --timestamp-url http://tsa.example/ --timestamp-url https://tsa2.example/rfc3161 --timestamp-concurrency 4 --digest sha384' +
            ' --on-existing-signature append --description Contoso App --url https://contoso.example/app --recursive --dry-run --refuse-software-keys' +
            ` ${buildRunContext} -- bin/**/*.dll -dash.ps1`;
        const run = await runTask({
            inputs: {
                files: 'bin/**/*.dll\n\n  -dash.ps1  \n',
                key: pkcs11Key,
                pin: '8472-pin',
                certificate: '/certs/signer.pem',
                timestampUrl: 'http://tsa.example/\nhttps://tsa2.example/rfc3161',
                timestampConcurrency: '4',
                digest: 'sha384',
                onExistingSignature: 'append',
                description: 'Contoso App',
                descriptionUrl: 'https://contoso.example/app',
                recursive: 'true',
                dryRun: 'true',
                refuseSoftwareKeys: 'true',
            },
            environment: buildEnvironment(),
            answers: { ...agentAnswers(expected, signJson([{ file: '/agent/work/1/s/bin/a.dll', status: 'planned' }], { dryRun: true })), exist: { ...agentAnswers().exist, '/certs/signer.pem': true } },
        });
        assert.deepStrictEqual(run.started, [expected], run.stdout);
        assert.strictEqual(run.result, 'Succeeded', run.stdout);
        assert.strictEqual(run.message, 'Dry run: 1 file would be signed, 0 skipped; nothing was changed.');
    });

    it('uses the defaults when only files and key are given, leaving the inner-signature policy to the CLI', async function () {
        const expected = `${dotnet} ${shippedCli} sign --json --key ${pkcs11Key} --timestamp-concurrency 8 --digest sha256 --refuse-software-keys ${buildRunContext} -- **/*.dll`;
        const run = await runTask({
            inputs: { files: '**/*.dll', key: pkcs11Key, onExistingSignature: 'default', refuseSoftwareKeys: 'true' },
            environment: buildEnvironment(),
            answers: agentAnswers(expected, signJson([{ file: '/agent/work/1/s/a.dll', status: 'signed' }, { file: '/agent/work/1/s/b.dll', status: 'signed' }])),
        });
        assert.deepStrictEqual(run.started, [expected], run.stdout);
        assert.strictEqual(run.result, 'Succeeded');
        assert.strictEqual(run.message, 'Signed 2 files.');
        assert.deepStrictEqual(run.outputs, {
            'BuildSign.SignedCount': '2',
            'BuildSign.FailedCount': '0',
            'BuildSign.SignedFiles': '/agent/work/1/s/a.dll;/agent/work/1/s/b.dll',
        });
    });

    it('passes a classic release\'s identity, with the artifact\'s build as such', async function () {
        const environment = {
            SYSTEM_DEFAULTWORKINGDIRECTORY: '/agent/work/r1/a',
            AGENT_TEMPDIRECTORY: '/tmp',
            SYSTEM_TEAMPROJECT: 'Contoso',
            SYSTEM_HOSTTYPE: 'release',
            RELEASE_RELEASEID: '77',
            RELEASE_RELEASENAME: 'Release-77',
            RELEASE_DEFINITIONNAME: 'ship',
            RELEASE_ENVIRONMENTNAME: 'Production',
            RELEASE_ATTEMPTNUMBER: '2',
            BUILD_BUILDID: '1234',
            BUILD_BUILDNUMBER: '20261201.3',
        };
        const context = '--run-context ci=azure-pipelines --run-context project=Contoso --run-context hostType=release --run-context pipeline=ship' +
            ' --run-context run=77 --run-context runName=Release-77 --run-context environment=Production --run-context attempt=2' +
            ' --run-context artifactBuild=1234 --run-context artifactBuildNumber=20261201.3';
        const expected = `${dotnet} ${shippedCli} sign --json --key ${pkcs11Key} --timestamp-concurrency 8 --digest sha256 --refuse-software-keys ${context} -- drop/**/*.dll`;
        const answers = agentAnswers(expected, signJson([{ file: '/agent/work/r1/a/drop/a.dll', status: 'signed' }]));
        answers.exist!['/agent/work/r1/a'] = true;
        const run = await runTask({ inputs: { files: 'drop/**/*.dll', key: pkcs11Key, refuseSoftwareKeys: 'true' }, environment, answers });
        assert.deepStrictEqual(run.started, [expected], run.stdout);
        assert.strictEqual(run.result, 'Succeeded');
    });
});

describe('BuildSign@1 missing and invalid inputs (MockTestRunner)', function () {
    const cases: [string, Record<string, string>, string][] = [
        ['no files', { files: ' \n ', key: pkcs11Key }, "Input 'files' is required: give at least one file, folder or pattern, one per line."],
        ['no key', { files: 'a.dll' }, "Input 'key' is required: a pkcs11: URI or an https:// key of a BuildSign signing service."],
        ['an unknown key string', { files: 'a.dll', key: 'vault:release' }, "Input 'key': 'vault:release' is not a key string: use pkcs11:…, https://…/keys/ID, or (development only) file:PATH."],
        ['a timestamp URL that is not http', { files: 'a.dll', key: pkcs11Key, timestampUrl: 'ftp://tsa.example' }, "Input 'timestampUrl': 'ftp://tsa.example' is not an http or https URL."],
        ['timestamp concurrency out of range', { files: 'a.dll', key: pkcs11Key, timestampConcurrency: '65' }, "Input 'timestampConcurrency': '65' is not a whole number from 1 to 64."],
        ['an unknown digest', { files: 'a.dll', key: pkcs11Key, digest: 'sha1' }, "Input 'digest': 'sha1' is not one of sha256, sha384, sha512."],
        ['an unknown signature policy', { files: 'a.dll', key: pkcs11Key, onExistingSignature: 'maybe' }, "Input 'onExistingSignature': 'maybe' is not one of default, replace, append, fail, skip."],
        ['a PIN for a service key', { files: 'a.dll', key: 'https://signing.example/keys/k', pin: '1234' }, "Input 'pin' is for pkcs11: keys; a signing-service key uses the service connection."],
        ['a PIN and a pin-source in the key', { files: 'a.dll', key: `${pkcs11Key}&pin-source=file:/p`, pin: '1234' }, "Input 'pin' is given, but the key names its own pin-source: use one or the other."],
        ['a service key without a connection', { files: 'a.dll', key: 'https://signing.example/keys/k' }, "Input 'connectedService' is required for an https:// key: choose the BuildSign service connection that holds the key."],
        ['a service key over plain http', { files: 'a.dll', key: 'http://signing.example/keys/k' }, 'The key http://signing.example/keys/k is not an https:// URL: the service credential would travel unencrypted.'],
    ];
    for (const [name, inputs, message] of cases) {
        it(`fails on ${name} and starts nothing`, async function () {
            const run = await runTask({ inputs, environment: buildEnvironment(), answers: agentAnswers() });
            assert.strictEqual(run.result, 'Failed', run.stdout);
            assert.strictEqual(run.message, message);
            assert.deepStrictEqual(run.started, []);
            assert.strictEqual(run.outputs['BuildSign.SignedCount'], '0');
        });
    }

    it('names the missing .NET 10 runtime and how to get it', async function () {
        const answers = agentAnswers();
        answers.exec![`${dotnet} --list-runtimes`] = { code: 0, stdout: 'Microsoft.NETCore.App 8.0.11 [/usr/share/dotnet/shared/Microsoft.NETCore.App]\n' };
        const run = await runTask({ inputs: { files: 'a.dll', key: pkcs11Key }, environment: buildEnvironment(), answers });
        assert.strictEqual(run.result, 'Failed');
        assert.strictEqual(run.message, `BuildSign needs the .NET 10 runtime (Microsoft.NETCore.App 10.x) to run; ${dotnet} has 8.0.11. Add a UseDotNet@2 step with packageType: runtime and version: 10.x before this task.`);
        assert.deepStrictEqual(run.started, []);
    });

    it('says where it looked when the agent has no dotnet at all', async function () {
        const answers = agentAnswers();
        answers.which = {};
        delete answers.exist![dotnet];
        const run = await runTask({ inputs: { files: 'a.dll', key: pkcs11Key }, environment: buildEnvironment(), answers });
        assert.strictEqual(run.result, 'Failed');
        assert.match(run.message ?? '', /^BuildSign needs the \.NET 10 runtime to run, and this agent has no dotnet \(looked in .*\/usr\/share\/dotnet\/dotnet.*\)\. Add a UseDotNet@2 step/);
    });

    it('rolls forward to a newer .NET when 10 is absent', async function () {
        const expected = `${dotnet} --roll-forward Major ${shippedCli} sign --json --key ${pkcs11Key} --timestamp-concurrency 8 --digest sha256 --refuse-software-keys ${buildRunContext} -- a.dll`;
        const answers = agentAnswers(expected, signJson([{ file: '/agent/work/1/s/a.dll', status: 'signed' }]));
        answers.exec![`${dotnet} --list-runtimes`] = { code: 0, stdout: 'Microsoft.NETCore.App 11.0.0 [/usr/share/dotnet/shared/Microsoft.NETCore.App]\n' };
        const run = await runTask({ inputs: { files: 'a.dll', key: pkcs11Key, refuseSoftwareKeys: 'true' }, environment: buildEnvironment(), answers });
        assert.deepStrictEqual(run.started, [expected], run.stdout);
        assert.strictEqual(run.result, 'Succeeded');
    });
});
