// What the end-to-end tests share: the task unpacked from the built .vsix, the CLI it ships, the
// environment an agent gives a Node task, and osslsigncode's verdict on a signed file.
import assert = require('assert');
import childProcess = require('child_process');
import crypto = require('crypto');
import fs = require('fs');
import path = require('path');
import { TaskRun, azureTask, readTaskOutput } from './taskRun';

/** A process's exit code and output. */
export interface ProcessResult {
    code: number;
    stdout: string;
    stderr: string;
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv, cwd?: string): ProcessResult {
    const result = childProcess.spawnSync(command, args, { env, cwd, encoding: 'utf8', timeout: 180000, maxBuffer: 32 * 1024 * 1024 });
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export function sha256(file: string): string {
    return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The extension as an agent gets it: the .vsix `npm run package` built, unpacked into a folder. */
export class PackagedTask {
    readonly handler: string;
    readonly cli: string;

    constructor(readonly folder: string) {
        const out = path.join(azureTask, 'out');
        const vsix = fs.existsSync(out) ? fs.readdirSync(out).filter(name => name.endsWith('.vsix')) : [];
        assert.strictEqual(vsix.length, 1, 'expected one .vsix in azure-task/out: run `npm run package` first');
        const unzip = run('unzip', ['-q', path.join(out, vsix[0]), '-d', folder], process.env);
        assert.strictEqual(unzip.code, 0, unzip.stderr);
        this.handler = path.join(folder, 'BuildSignV1', 'dist', 'main.js');
        this.cli = path.join(folder, 'BuildSignV1', 'cli', 'buildsign.dll');
    }

    /** Places two unsigned .NET assemblies (PE files) from the shipped CLI in a folder. */
    unsignedPeFiles(folder: string): string[] {
        fs.mkdirSync(folder, { recursive: true });
        return [['buildsign.dll', 'App.dll'], ['BuildSign.Core.dll', 'App.Core.dll']].map(([from, to]) => {
            const target = path.join(folder, to);
            fs.copyFileSync(path.join(path.dirname(this.cli), from), target);
            return target;
        });
    }

    /** Runs the handler with real node in an agent's environment and reads what it told the agent. */
    runHandler(environment: NodeJS.ProcessEnv, cwd: string): TaskRun {
        const result = run(process.execPath, [this.handler], environment, cwd);
        assert.strictEqual(result.code, 0, result.stderr);
        return readTaskOutput(result.stdout);
    }
}

/** `dotnet` for the tests' own CLI runs, with its home folder kept out of the user's. */
export function dotnetEnvironment(temp: string): NodeJS.ProcessEnv {
    return { ...process.env, DOTNET_CLI_HOME: path.join(temp, 'dotnet-home'), DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' };
}

/**
 * What an agent passes a Node task: the machine's environment without any inputs, endpoints,
 * secrets or job variables of its own, plus the job's variables and the task's inputs.
 */
export function agentEnvironment(base: NodeJS.ProcessEnv, agentTemp: string, job: Record<string, string>): NodeJS.ProcessEnv {
    const environment: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(base)) {
        if (!/^(INPUT|ENDPOINT|SECRET|SYSTEM|AGENT|BUILD|RELEASE)_/.test(name) && !name.startsWith('BUILDSIGN_')) {
            environment[name] = value;
        }
    }
    fs.mkdirSync(agentTemp, { recursive: true });
    return {
        ...environment,
        AGENT_TEMPDIRECTORY: agentTemp,
        AGENT_NAME: 'Linux agent 1',
        AGENT_OS: 'Linux',
        AGENT_VERSION: '4.266.2',
        SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
        SYSTEM_TEAMPROJECT: 'App',
        SYSTEM_TEAMPROJECTID: '6f1e3c2a-0000-4000-8000-000000000001',
        SYSTEM_JOBID: '12f1170f-54f2-53f3-20dd-22fc7dff55f9',
        ...endpointVariables('SYSTEMVSSCONNECTION', 'https://dev.azure.com/contoso/', 'OAuth', { AccessToken: 'job-access-token' }),
        ...job,
    };
}

/** osslsigncode's own verdict on a signed PE file: the chain to a root, and a verified timestamp. */
export function assertVerifiedByOsslsigncode(file: string, root: string, tsaRoot: string, signer: RegExp): void {
    const verify = run('osslsigncode', ['verify', '-CAfile', root, '-TSA-CAfile', tsaRoot, '-in', file], process.env);
    assert.strictEqual(verify.code, 0, `osslsigncode verify ${file}:\n${verify.stdout}${verify.stderr}`);
    assert.match(verify.stdout, /^Signature verification: ok$/m);
    assert.match(verify.stdout, /^Timestamp Server Signature verification: ok$/m);
    assert.match(verify.stdout, signer);
    assert.match(verify.stdout, /^Number of verified signatures: 1$/m);
}

/** The Markdown summary the task uploaded. */
export function summaryOf(taskRun: TaskRun): string {
    const upload = taskRun.commands.find(c => c.command === 'task.uploadsummary');
    assert.ok(upload, 'no summary uploaded');
    return fs.readFileSync(upload.message, 'utf8');
}

/** A service endpoint as the agent hands it to a task: URL, authorization, scheme and each parameter. */
export function endpointVariables(id: string, url: string, scheme: string, parameters: Record<string, string>): Record<string, string> {
    const variables: Record<string, string> = {
        [`ENDPOINT_URL_${id}`]: url,
        [`ENDPOINT_AUTH_${id}`]: JSON.stringify({ parameters, scheme }),
        [`ENDPOINT_AUTH_SCHEME_${id}`]: scheme,
    };
    for (const [name, value] of Object.entries(parameters)) {
        variables[`ENDPOINT_AUTH_PARAMETER_${id}_${name.toUpperCase()}`] = value;
    }
    return variables;
}
