import path = require('path');
import stream = require('stream');
import tl = require('azure-pipelines-task-lib/task');
import { DotnetHost } from './dotnetHost';

/** What the CLI left behind: its exit code, the JSON on standard output, and its error lines. */
export interface CliRun {
    exitCode: number;
    stdout: string;
    stderr: string;
}

/** The CLI shipped in the task folder: BuildSignV1/cli/buildsign.dll next to BuildSignV1/dist/. */
export function shippedCliPath(): string {
    return path.join(__dirname, '..', 'cli', 'buildsign.dll');
}

/**
 * Runs `dotnet buildsign.dll ARGS` in the working directory with an explicit environment: the
 * agent's own (which the task library has already cleared of inputs and secrets) plus exactly the
 * secrets this run needs. Standard error goes to the log as it comes; standard output (the JSON
 * result) is kept, not echoed.
 */
export async function runCli(host: DotnetHost, cli: string, args: string[], workingDirectory: string, secrets: Record<string, string>): Promise<CliRun> {
    const env: { [name: string]: string } = {};
    for (const [name, value] of Object.entries(process.env)) {
        if (value !== undefined) {
            env[name] = value;
        }
    }
    // Only what this run hands over: a stray variable of the same name must not take effect.
    delete env['BUILDSIGN_PIN'];
    delete env['BUILDSIGN_TOKEN'];
    Object.assign(env, secrets, { DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1', DOTNET_SKIP_FIRST_TIME_EXPERIENCE: '1' });

    let stdout = '';
    let stderr = '';
    const tool = tl.tool(host.dotnet).arg(host.hostArguments).arg(cli).arg(args);
    tool.on('stdout', (data: Buffer | string) => { stdout += data.toString(); });
    tool.on('stderr', (data: Buffer | string) => { stderr += data.toString(); });
    const exitCode = await tool.execAsync({
        cwd: workingDirectory,
        env,
        ignoreReturnCode: true,
        failOnStdErr: false,
        silent: false,
        outStream: commandLineOnly(),
        errStream: process.stderr,
    });
    return { exitCode, stdout, stderr };
}

// The tool runner writes its "[command]…" line and the child's standard output to one stream:
// the log gets the command line, the JSON stays out of it (it is read and summarised instead).
function commandLineOnly(): stream.Writable {
    return new stream.Writable({
        write: (chunk: Buffer | string, _encoding, done) => {
            const text = chunk.toString();
            if (text.startsWith('[command]')) {
                process.stdout.write(text);
            }
            done();
        },
    });
}
