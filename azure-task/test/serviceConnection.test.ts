import assert = require('assert');
import { LocalProcess, startListening } from './localProcess';
import { TaskRun, agentAnswers, buildEnvironment, buildRunContext, dotnet, runTask, shippedCli, signJson } from './taskRun';
import path = require('path');

const serviceKey = 'https://signing.example/v1/keys/release-2026';

function signCommand(key: string): string {
    return `${dotnet} ${shippedCli} sign --json --key ${key} --timestamp-concurrency 8 --digest sha256 --refuse-software-keys ${buildRunContext} -- bin/*.dll`;
}

/** The secret appears only in the task's setsecret command, and that comes before the CLI starts. */
function assertMaskedBeforeUse(run: TaskRun, secret: string): void {
    const setSecret = run.commands.find(c => c.command === 'task.setsecret' && c.message === secret);
    assert.ok(setSecret, `no setsecret for the secret:\n${run.stdout}`);
    const mentions = run.lines.filter(line => line.includes(secret));
    assert.deepStrictEqual(mentions, [`##vso[task.setsecret]${secret}`], 'the secret appears outside its setsecret command');
    const started = run.lines.findIndex(line => line.startsWith('[command]') && line.includes(' sign '));
    assert.ok(started < 0 || setSecret.line < started, 'the secret was registered after the CLI started');
}

describe('BuildSign@1 service connection (MockTestRunner)', function () {
    it('hands a token connection\'s API token to the CLI as a registered secret, never on the command line', async function () {
        const token = 'bst_7f3a9c1e-token-value';
        const run = await runTask({
            inputs: { files: 'bin/*.dll', key: serviceKey, connectedService: '5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13', refuseSoftwareKeys: 'true' },
            environment: {
                ...buildEnvironment(),
                'ENDPOINT_URL_5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13': 'https://signing.example/v1/',
                'ENDPOINT_AUTH_SCHEME_5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13': 'Token',
                'ENDPOINT_AUTH_PARAMETER_5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13_APITOKEN': token,
            },
            answers: agentAnswers(signCommand(serviceKey), signJson([{ file: '/agent/work/1/s/bin/a.dll', status: 'signed' }], { keyProtection: 'signing-service' })),
        });
        assert.deepStrictEqual(run.started, [signCommand(serviceKey)], run.stdout);
        assert.strictEqual(run.result, 'Succeeded');
        assertMaskedBeforeUse(run, token);
    });

    it('refuses to send the connection\'s credential to a key on another server', async function () {
        const run = await runTask({
            inputs: { files: 'bin/*.dll', key: 'https://elsewhere.example/v1/keys/k', connectedService: '5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13' },
            environment: { ...buildEnvironment(), 'ENDPOINT_URL_5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13': 'https://signing.example/v1/', 'ENDPOINT_AUTH_SCHEME_5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13': 'Token', 'ENDPOINT_AUTH_PARAMETER_5f0c2a71-3b8e-4d5a-9c61-0e2f7a9b4c13_APITOKEN': 't' },
            answers: agentAnswers(),
        });
        assert.strictEqual(run.result, 'Failed');
        assert.strictEqual(run.message, "The key https://elsewhere.example/v1/keys/k is not on the service connection's server https://signing.example/v1/: the task sends the connection's credential only there.");
        assert.deepStrictEqual(run.started, []);
    });

    describe('workload identity federation, against an OIDC endpoint on 127.0.0.1', function () {
        const accessToken = 'job-access-token-5d1e';
        const oidcToken = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzYzovL2NvbnRvc28vYXBwL2Nvbm4ifQ.c2ln';
        let endpoint: LocalProcess;

        beforeEach(async function () {
            endpoint = await startListening(process.execPath, [path.join(__dirname, 'oidcEndpoint.js')], {
                ...process.env, EXPECT_ACCESS_TOKEN: accessToken, EXPECT_CONNECTION: 'a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48', ISSUE_TOKEN: oidcToken,
            });
        });
        afterEach(async function () {
            await endpoint.stop();
        });

        function environment(jobToken: string): Record<string, string> {
            return {
                ...buildEnvironment(),
                SYSTEM_OIDCREQUESTURI: `${endpoint.url}contoso/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken`,
                ENDPOINT_URL_SYSTEMVSSCONNECTION: 'https://dev.azure.com/contoso/',
                ENDPOINT_AUTH_PARAMETER_SYSTEMVSSCONNECTION_ACCESSTOKEN: jobToken,
                'ENDPOINT_URL_a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48': 'https://signing.example/v1',
                'ENDPOINT_AUTH_SCHEME_a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48': 'WorkloadIdentityFederation',
            };
        }

        async function requests(): Promise<Record<string, unknown>[]> {
            const output = await endpoint.waitForOutput(/^\{.*\}$/m);
            return output.split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line) as Record<string, unknown>);
        }

        it('asks Azure DevOps for the connection\'s OIDC token and gives it to the CLI as a secret', async function () {
            const run = await runTask({
                inputs: { files: 'bin/*.dll', key: serviceKey, connectedService: 'a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48', refuseSoftwareKeys: 'true' },
                environment: environment(accessToken),
                answers: agentAnswers(signCommand(serviceKey), signJson([{ file: '/agent/work/1/s/bin/a.dll', status: 'signed' }])),
            });
            assert.deepStrictEqual(await requests(), [{
                method: 'POST',
                path: '/contoso/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken',
                apiVersion: '7.1',
                serviceConnectionId: 'a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48',
                authorization: `Bearer ${accessToken}`,
                fedAuthRedirect: 'Suppress',
                status: 200,
            }]);
            assert.deepStrictEqual(run.started, [signCommand(serviceKey)], run.stdout);
            assert.strictEqual(run.result, 'Succeeded');
            assertMaskedBeforeUse(run, oidcToken);
            assertMaskedBeforeUse(run, accessToken);
        });

        it('fails with the status when Azure DevOps refuses the token request, and starts nothing', async function () {
            const run = await runTask({
                inputs: { files: 'bin/*.dll', key: serviceKey, connectedService: 'a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48' },
                environment: environment('an-expired-job-token'),
                answers: agentAnswers(),
            });
            assert.strictEqual((await requests()).length, 1);
            assert.strictEqual(run.result, 'Failed');
            assert.strictEqual(run.message, 'Azure DevOps refused the OIDC token request for service connection a8e4d0b2-61c7-4f3e-8a95-2d7c1b6e0f48: HTTP 401.');
            assert.deepStrictEqual(run.started, []);
        });
    });
});

describe('BuildSign@1 secrets (MockTestRunner)', function () {
    it('registers a literal PIN as a secret before the CLI starts and never logs it, not even in debug lines', async function () {
        const pin = '40417-literal-pin';
        const key = 'pkcs11:token=ci;object=signer';
        const withPin = `${key}?pin-source=env:BUILDSIGN_PIN`;
        const command = `${dotnet} ${shippedCli} sign --json --key ${withPin} --timestamp-concurrency 8 --digest sha256 --refuse-software-keys ${buildRunContext} -- bin/*.dll`;
        const run = await runTask({
            inputs: { files: 'bin/*.dll', key, pin, refuseSoftwareKeys: 'true' },
            environment: { ...buildEnvironment(), SYSTEM_DEBUG: 'true' },
            answers: agentAnswers(command, signJson([{ file: '/agent/work/1/s/bin/a.dll', status: 'signed' }])),
        });
        assert.deepStrictEqual(run.started, [command], run.stdout);
        assertMaskedBeforeUse(run, pin);
    });
});
