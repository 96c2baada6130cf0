// Runs one scenario of the handler under MockTestRunner and reads what it told the agent.
import fs = require('fs');
import os = require('os');
import path = require('path');
import { mockTest } from './offlineMockRunner';
import type { Scenario } from './mockScenario';

export const azureTask = path.resolve(__dirname, '..', '..');
export const taskJsonPath = path.join(azureTask, 'BuildSignV1', 'task.json');
export const shippedCli = path.join(azureTask, 'BuildSignV1', 'cli', 'buildsign.dll');
export const dotnet = '/usr/bin/dotnet';
export const runtimes = 'Microsoft.AspNetCore.App 10.0.1 [/usr/share/dotnet/shared/Microsoft.AspNetCore.App]\nMicrosoft.NETCore.App 10.0.1 [/usr/share/dotnet/shared/Microsoft.NETCore.App]\n';

/** One `##vso[command props]message` line the task wrote. */
export interface AgentCommand {
    command: string;
    properties: Record<string, string>;
    message: string;
    line: number;
}

/** What the agent saw of one task run. */
export interface TaskRun {
    stdout: string;
    lines: string[];
    commands: AgentCommand[];
    /** The tool command lines the task started ("[command]…"). */
    started: string[];
    result?: string;
    message?: string;
    outputs: Record<string, string>;
}

/** Reads the agent commands and tool command lines from a task's standard output. */
export function readTaskOutput(stdout: string): TaskRun {
    const lines = stdout.split(/\r?\n/);
    const commands: AgentCommand[] = [];
    const started: string[] = [];
    lines.forEach((text, line) => {
        const match = /##vso\[([\w.]+)([^\]]*)\](.*)$/.exec(text);
        if (match) {
            const properties: Record<string, string> = {};
            for (const pair of match[2].split(';')) {
                const [name, ...value] = pair.trim().split('=');
                if (name) {
                    properties[name] = value.join('=');
                }
            }
            commands.push({ command: match[1], properties, message: match[3], line });
        } else if (text.startsWith('[command]')) {
            started.push(text.substring('[command]'.length).trim());
        }
    });
    const complete = commands.filter(c => c.command === 'task.complete').pop();
    const outputs: Record<string, string> = {};
    for (const c of commands.filter(c => c.command === 'task.setvariable' && c.properties['isOutput'] === 'true')) {
        outputs[c.properties['variable']] = c.message;
    }
    return { stdout, lines, commands, started, result: complete?.properties['result'], message: complete?.message, outputs };
}

/** Answers for an agent with dotnet and the .NET 10 runtime, and the shipped CLI in place. */
export function agentAnswers(signCommandLine?: string, stdout?: string, code = 0): Scenario['answers'] {
    const answers: Scenario['answers'] = {
        getPlatform: { getPlatform: 2 },
        which: { dotnet },
        exist: { [dotnet]: true, [shippedCli]: true, [os.tmpdir()]: true, '/agent/work/1/s': true },
        exec: { [`${dotnet} --list-runtimes`]: { code: 0, stdout: runtimes } },
    };
    if (signCommandLine) {
        answers.exec![signCommandLine] = { code, stdout };
    }
    return answers;
}

/** Variables an agent sets for a YAML build. */
export function buildEnvironment(): Record<string, string> {
    return {
        SYSTEM_DEFAULTWORKINGDIRECTORY: '/agent/work/1/s',
        AGENT_TEMPDIRECTORY: os.tmpdir(),
        SYSTEM_TEAMPROJECT: 'Contoso',
        SYSTEM_COLLECTIONURI: 'https://dev.azure.com/contoso/',
        BUILD_DEFINITIONNAME: 'app-ci',
        BUILD_BUILDID: '1234',
        BUILD_SOURCEVERSION: '0a1b2c3d',
    };
}

/** The run context the handler passes for {@link buildEnvironment}. */
export const buildRunContext = '--run-context ci=azure-pipelines --run-context collectionUri=https://dev.azure.com/contoso/ --run-context project=Contoso --run-context pipeline=app-ci --run-context run=1234 --run-context commit=0a1b2c3d';

/** Runs the handler under MockTestRunner with a scenario and returns what it told the agent. */
export async function runTask(scenario: Scenario): Promise<TaskRun> {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'buildsign-scenario-'));
    const file = path.join(folder, 'scenario.json');
    fs.writeFileSync(file, JSON.stringify(scenario));
    const saved = { ...process.env };
    try {
        // The runner inherits this process's environment; only the scenario's variables are added.
        for (const name of Object.keys(process.env)) {
            if (/^(SYSTEM|BUILD|RELEASE|AGENT|ENDPOINT)_/.test(name)) {
                delete process.env[name];
            }
        }
        process.env['BUILDSIGN_TEST_SCENARIO'] = file;
        const runner = new mockTest.MockTestRunner();
        await runner.LoadAsync(path.join(__dirname, 'mockScenario.js'), taskJsonPath);
        await runner.runAsync();
        return readTaskOutput(runner.stdout);
    } finally {
        for (const name of Object.keys(process.env)) {
            if (!(name in saved)) {
                delete process.env[name];
            }
        }
        Object.assign(process.env, saved);
        fs.rmSync(folder, { recursive: true, force: true });
    }
}

/** A `buildsign sign --json` document (schema version 1). */
export function signJson(files: { file: string; status: string; error?: string; format?: string }[], extra: Record<string, unknown> = {}): string {
    const count = (status: string) => files.filter(f => f.status === status).length;
    return JSON.stringify({
        schemaVersion: 1,
        succeeded: count('failed') + count('refused') === 0,
        dryRun: false,
        error: null,
        key: "PKCS#11 key 'signer' in token 'buildsign-dev'",
        keyProtection: 'hardware-local',
        certificateThumbprint: 'AB12',
        timestampUrls: ['http://127.0.0.1:9/'],
        timestamp: 'rfc3161',
        files: files.map(f => ({ format: 'pe', action: 'sign', digestAlgorithm: 'sha256', error: null, ...f })),
        plan: null,
        signed: count('signed'),
        skipped: count('skipped'),
        failed: count('failed') + count('refused'),
        warnings: [],
        elapsedSeconds: 0.5,
        ...extra,
    });
}
