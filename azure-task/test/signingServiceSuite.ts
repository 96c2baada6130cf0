// The packaged task against a real BuildSign.Server on 127.0.0.1 (SoftHSM2, SQLite, TLS from its
// own dev CA), through a service connection of each kind: an API token, and workload identity
// federation with a token from a local stand-in for Azure DevOps' OIDC endpoint and issuer. Files
// are checked with osslsigncode; the service's audit log names the pipeline run the task passed.
//
// serviceEndToEnd.test.ts runs both. The OIDC token Azure DevOps issues for the job may be presented
// only once (the service refuses a reused jti), so the CLI's https:// key client spends it on one
// service session and makes the run's requests with that.
import assert = require('assert');
import fs = require('fs');
import https = require('https');
import os = require('os');
import path = require('path');
import { LocalProcess, startListening } from './localProcess';
import { PackagedTask, ProcessResult, agentEnvironment, assertVerifiedByOsslsigncode, dotnetEnvironment, endpointVariables, run } from './packagedTask';
import { azureTask } from './taskRun';

const serverDll = path.resolve(azureTask, '..', 'src', 'BuildSign.Server', 'bin', 'Release', 'net10.0', 'buildsign-server.dll');
const tokenConnection = '3c6f1d2e-8b4a-4e0f-a1d2-7b9c0e5f6a13';
const federatedConnection = '9d2e4f60-1a3b-4c5d-8e7f-0a1b2c3d4e5f';
const organizationId = '7f2e6d0a-2b1c-4d3e-9f8a-6b5c4d3e2f1a';
const audience = 'api://AzureADTokenExchange';
const jobAccessToken = 'job-access-token-for-oidc';

function ok(result: ProcessResult, what: string): string {
    assert.strictEqual(result.code, 0, `${what}:\n${result.stdout}${result.stderr}`);
    return result.stdout.trim();
}

/** Registers the suite; the workload-identity case only when asked for (see above). */
export function signingServiceSuite(withWorkloadIdentity: boolean): void {
    describe(`BuildSign@1 end to end through a BuildSign signing service${withWorkloadIdentity ? ': workload identity federation' : ''}`, function () {
        this.timeout(600000);
        let temp: string;
        let task: PackagedTask;
        let dotnet: NodeJS.ProcessEnv;
        let data: string;
        let service: LocalProcess;
        let azureDevOps: LocalProcess;
        let tsa: LocalProcess;
        let keyUrl: string;
        let signerToken: string;
        let auditorToken: string;

        function cli(args: string[], token?: string): ProcessResult {
            return run('dotnet', [task.cli, ...args], { ...dotnet, BUILDSIGN_TLS_CA: path.join(data, 'tls.pem'), ...(token ? { BUILDSIGN_TOKEN: token } : {}) });
        }

        function putJson(url: string, token: string, body: unknown): Promise<number> {
            return new Promise((resolve, reject) => {
                const request = https.request(url, {
                    method: 'PUT',
                    ca: fs.readFileSync(path.join(data, 'tls.pem')),
                    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
                }, response => {
                    response.resume();
                    response.on('end', () => resolve(response.statusCode ?? 0));
                });
                request.on('error', reject);
                request.end(JSON.stringify(body));
            });
        }

        before(async function () {
            assert.ok(fs.existsSync(serverDll), `${serverDll} is not built (./eng/setup.sh builds the solution)`);
            temp = fs.mkdtempSync(path.join(os.tmpdir(), 'buildsign-azure-service-'));
            task = new PackagedTask(path.join(temp, 'extension'));
            dotnet = dotnetEnvironment(temp);
            data = path.join(temp, 'service');

            // Azure DevOps' side: the OIDC token endpoint and the issuer whose keys the service fetches.
            azureDevOps = await startListening(process.execPath, [path.join(__dirname, 'oidcEndpoint.js')], {
                ...process.env,
                EXPECT_ACCESS_TOKEN: jobAccessToken,
                EXPECT_CONNECTION: federatedConnection,
                ISSUER_PATH: `/${organizationId}`,
                SUBJECT: 'sc://contoso/App/buildsign-release',
                AUDIENCE: audience,
            });
            const issuer = `${azureDevOps.url}${organizationId}`;

            ok(run('dotnet', [serverDll, 'init', '--data', data], dotnet), 'buildsign-server init');
            service = await startListening('dotnet', [serverDll, 'run', '--data', data, '--urls', 'https://127.0.0.1:0'], {
                ...dotnet,
                BUILDSIGN_SERVER_OidcIssuers__0__Issuer: issuer,
                BUILDSIGN_SERVER_OidcIssuers__0__Audience: audience,
            }, 120000);
            const url = service.url.replace(/\/$/, '');

            const admin = fs.readFileSync(path.join(data, 'admin.token'), 'utf8').trim();
            const subscriber = ok(cli(['service', 'subscriber', 'create', '--url', url, '--name', 'contoso'], admin), 'subscriber create');
            const keyAdminFile = path.join(temp, 'key-admin.token');
            ok(cli(['service', 'token', 'create', '--url', url, '--subscriber', subscriber, '--role', 'key-admin', '--out', keyAdminFile], admin), 'key-admin token');
            const keyAdmin = fs.readFileSync(keyAdminFile, 'utf8').trim();
            const csr = path.join(temp, 'key.csr');
            const keyId = ok(cli(['service', 'key', 'create', '--url', url, '--name', 'release', '--algorithm', 'rsa-3072', '--csr-out', csr, '--attestation-out', path.join(temp, 'attestation.json')], keyAdmin), 'key create');
            const certificate = path.join(temp, 'certificate.pem');
            ok(run('dotnet', [serverDll, 'dev-ca', 'issue', '--data', data, '--csr', csr, '--out', certificate], dotnet), 'dev-ca issue');
            ok(cli(['service', 'key', 'install-certificate', '--url', url, '--key-id', keyId, '--certificate', certificate], keyAdmin), 'install-certificate');
            for (const [role, file] of [['signer', 'signer.token'], ['auditor', 'auditor.token']]) {
                const args = ['service', 'token', 'create', '--url', url, '--subscriber', subscriber, '--role', role, '--out', path.join(temp, file)];
                ok(cli(role === 'signer' ? [...args, '--key-id', keyId] : args, keyAdmin), `${role} token`);
            }
            signerToken = fs.readFileSync(path.join(temp, 'signer.token'), 'utf8').trim();
            auditorToken = fs.readFileSync(path.join(temp, 'auditor.token'), 'utf8').trim();
            // Only the Azure DevOps service connection "buildsign-release" of project App may sign with the key.
            assert.strictEqual(await putJson(`${url}/v1/keys/${keyId}/oidc-policy`, keyAdmin, { issuer, claims: { sub: 'sc://contoso/App/buildsign-release' } }), 200);
            // The service's TLS certificate comes from its own dev CA: the key string names the CA bundle.
            keyUrl = `${url}/v1/keys/${keyId}?tls-ca=${encodeURIComponent(path.join(data, 'tls.pem'))}`;

            const devToken = path.join(temp, 'tsa');
            ok(run('dotnet', [task.cli, 'dev', 'init', '--dir', devToken], dotnet), 'dev init (for the TSA certificate)');
            tsa = await startListening('dotnet', [task.cli, 'tsa', 'serve', '--cert', path.join(devToken, 'dev-tsa.pem'), '--key', path.join(devToken, 'dev-tsa-key.pem'), '--port', '0'], dotnet);
        });

        after(async function () {
            await tsa?.stop();
            await service?.stop();
            await azureDevOps?.stop();
            if (temp) {
                fs.rmSync(temp, { recursive: true, force: true });
            }
        });

        function build(name: string, buildId: string, connection: Record<string, string>) {
            const sources = path.join(temp, name, 's');
            const files = task.unsignedPeFiles(path.join(sources, 'bin'));
            const taskRun = task.runHandler(agentEnvironment(dotnet, path.join(temp, name, 'agent-temp'), {
                INPUT_FILES: 'bin/*.dll',
                INPUT_KEY: keyUrl,
                INPUT_CONNECTEDSERVICE: connection['id'],
                INPUT_TIMESTAMPURL: tsa.url,
                INPUT_TIMESTAMPCONCURRENCY: '8',
                INPUT_DIGEST: 'sha256',
                INPUT_ONEXISTINGSIGNATURE: 'default',
                INPUT_REFUSESOFTWAREKEYS: 'true',
                INPUT_CERTIFICATE: sources,
                INPUT_WORKINGDIRECTORY: sources,
                SYSTEM_HOSTTYPE: 'build',
                SYSTEM_DEFAULTWORKINGDIRECTORY: sources,
                BUILD_SOURCESDIRECTORY: sources,
                BUILD_DEFINITIONNAME: 'app-ci',
                BUILD_BUILDID: buildId,
                BUILD_SOURCEVERSION: '9f8e7d6c',
                ...Object.fromEntries(Object.entries(connection).filter(([k]) => k !== 'id')),
            }), os.tmpdir());
            return { files, taskRun };
        }

        function assertSignedByTheService(files: string[]): void {
            for (const file of files) {
                assertVerifiedByOsslsigncode(file, path.join(data, 'dev-ca.pem'), path.join(temp, 'tsa', 'dev-root.pem'), /Subject: .*/);
            }
        }

        it('signs with an API-token connection', function () {
            const { files, taskRun } = build('token-build', '5001', {
                id: tokenConnection,
                ...endpointVariables(tokenConnection, service.url, 'Token', { apitoken: signerToken }),
            });
            assert.strictEqual(taskRun.result, 'Succeeded', taskRun.stdout);
            assert.strictEqual(taskRun.message, 'Signed 2 files.');
            assert.deepStrictEqual(taskRun.lines.filter(line => line.includes(signerToken)), [`##vso[task.setsecret]${signerToken}`]);
            assertSignedByTheService(files);
            // Every audit record of the run names the pipeline run the task passed with --run-context,
            // and together they hold the files' digests.
            const records = auditedSigns().filter(body => (body['ci'] as Record<string, string> | null)?.['client.run'] === '5001');
            assert.ok(records.length > 0, 'no audited sign of build 5001');
            for (const record of records) {
                assert.deepStrictEqual(record['ci'], {
                    'client.ci': 'azure-pipelines', 'client.collectionUri': 'https://dev.azure.com/contoso/', 'client.project': 'App',
                    'client.projectId': '6f1e3c2a-0000-4000-8000-000000000001', 'client.hostType': 'build', 'client.job': '12f1170f-54f2-53f3-20dd-22fc7dff55f9',
                    'client.agent': 'Linux agent 1', 'client.pipeline': 'app-ci', 'client.run': '5001', 'client.commit': '9f8e7d6c',
                });
            }
            const signedFiles = records.flatMap(record => (record['digests'] as { file: string }[]).map(d => d.file));
            assert.ok(signedFiles.includes('App.dll') && signedFiles.includes('App.Core.dll'), `audited files: ${signedFiles.join(', ')}`);
        });

        if (withWorkloadIdentity) {
            it('signs with workload identity federation: an OIDC token for the connection, no stored secret', async function () {
                const { files, taskRun } = build('federated-build', '5002', {
                    id: federatedConnection,
                    ...endpointVariables(federatedConnection, service.url, 'WorkloadIdentityFederation', {}),
                    ...endpointVariables('SYSTEMVSSCONNECTION', 'https://dev.azure.com/contoso/', 'OAuth', { AccessToken: jobAccessToken }),
                    SYSTEM_OIDCREQUESTURI: `${azureDevOps.url}contoso/_apis/distributedtask/hubs/build/plans/p1/jobs/j1/oidctoken`,
                });
                assert.strictEqual(taskRun.result, 'Succeeded', taskRun.stdout);
                assert.strictEqual(taskRun.message, 'Signed 2 files.');
                const requests = (await azureDevOps.waitForOutput(/"serviceConnectionId"/)).split('\n').filter(line => line.startsWith('{')).map(line => JSON.parse(line));
                assert.deepStrictEqual(requests.map(r => [r.method, r.serviceConnectionId, r.status]), [['POST', federatedConnection, 200]]);
                assertSignedByTheService(files);
                const record = auditedSigns().find(body => (body['ci'] as Record<string, string> | null)?.['client.run'] === '5002');
                assert.ok(record, 'no audited sign of build 5002');
                assert.match(JSON.stringify(record), /sc:\/\/contoso\/App\/buildsign-release/);
            });
        }

        /** The service's audited sign records, as its auditor exports them (the body of each record). */
        function auditedSigns(): Record<string, unknown>[] {
            const audit = path.join(temp, `audit-${Date.now()}.jsonl`);
            ok(cli(['service', 'audit', 'export', '--url', service.url.replace(/\/$/, ''), '--out', audit], auditorToken), 'audit export');
            return fs.readFileSync(audit, 'utf8').split('\n').filter(line => line.startsWith('{'))
                .map(line => JSON.parse(line) as { body?: string })
                .filter(record => typeof record.body === 'string')
                .map(record => JSON.parse(record.body!) as Record<string, unknown>)
                .filter(body => body['action'] === 'sign');
        }
    });
}
