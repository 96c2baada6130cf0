import path = require('path');
import tl = require('azure-pipelines-task-lib/task');

/** How to start the framework-dependent BuildSign CLI on this agent. */
export interface DotnetHost {
    /** The dotnet (dotnet.exe) host. */
    dotnet: string;
    /** Host options before the application: roll forward when only a newer runtime is installed. */
    hostArguments: string[];
    /** The runtime version that will run the CLI. */
    runtime: string;
}

/** The major version of .NET the CLI is built for. */
export const requiredRuntimeMajor = 10;

/** No dotnet with a suitable runtime: the message names what was looked for and how to fix it. */
export class MissingRuntimeError extends Error {}

/**
 * Finds a dotnet host with the .NET 10 runtime (or a later major, rolled forward to): DOTNET_ROOT,
 * then PATH, then where the installers put it on Windows, macOS and Linux.
 */
export function findDotnetHost(): DotnetHost {
    const looked: string[] = [];
    for (const candidate of candidates()) {
        if (looked.includes(candidate)) {
            continue;
        }
        looked.push(candidate);
        if (!tl.exist(candidate)) {
            continue;
        }
        const runtimes = installedRuntimes(candidate);
        const exact = runtimes.filter(version => major(version) === requiredRuntimeMajor);
        if (exact.length > 0) {
            return { dotnet: candidate, hostArguments: [], runtime: exact[exact.length - 1] };
        }
        const newer = runtimes.filter(version => major(version) > requiredRuntimeMajor);
        if (newer.length > 0) {
            return { dotnet: candidate, hostArguments: ['--roll-forward', 'Major'], runtime: newer[newer.length - 1] };
        }
        throw new MissingRuntimeError(
            `BuildSign needs the .NET ${requiredRuntimeMajor} runtime (Microsoft.NETCore.App ${requiredRuntimeMajor}.x) to run; ` +
            `${candidate} has ${runtimes.length > 0 ? runtimes.join(', ') : 'no .NET runtime'}. ` +
            `Add a UseDotNet@2 step with packageType: runtime and version: ${requiredRuntimeMajor}.x before this task.`);
    }
    throw new MissingRuntimeError(
        `BuildSign needs the .NET ${requiredRuntimeMajor} runtime to run, and this agent has no dotnet ` +
        `(looked in ${looked.join(', ')}). Add a UseDotNet@2 step with packageType: runtime and version: ${requiredRuntimeMajor}.x before this task.`);
}

function candidates(): string[] {
    const windows = tl.getPlatform() === tl.Platform.Windows;
    const executable = windows ? 'dotnet.exe' : 'dotnet';
    const list: string[] = [];
    const root = process.env['DOTNET_ROOT'];
    if (root) {
        list.push(path.join(root, executable));
    }
    const onPath = tl.which('dotnet', false);
    if (onPath) {
        list.push(onPath);
    }
    if (windows) {
        list.push(path.join(process.env['ProgramFiles'] ?? 'C:\\Program Files', 'dotnet', executable));
    } else if (tl.getPlatform() === tl.Platform.MacOS) {
        list.push('/usr/local/share/dotnet/dotnet', '/opt/homebrew/share/dotnet/dotnet');
    } else {
        list.push('/usr/share/dotnet/dotnet', '/usr/lib/dotnet/dotnet', '/usr/lib64/dotnet/dotnet');
    }
    const home = process.env['HOME'] ?? process.env['USERPROFILE'];
    if (home) {
        list.push(path.join(home, '.dotnet', executable));
    }
    return list;
}

// `dotnet --list-runtimes` prints "Microsoft.NETCore.App 10.0.1 [/usr/share/dotnet/shared/Microsoft.NETCore.App]".
function installedRuntimes(dotnet: string): string[] {
    const result = tl.tool(dotnet).arg('--list-runtimes').execSync({ silent: true });
    if (result.code !== 0) {
        return [];
    }
    const versions: string[] = [];
    for (const line of (result.stdout ?? '').split(/\r?\n/)) {
        const match = /^Microsoft\.NETCore\.App (\d+\.\d+\.\S+) /.exec(line.trim() + ' ');
        if (match) {
            versions.push(match[1]);
        }
    }
    return versions;
}

function major(version: string): number {
    return parseInt(version.split('.')[0], 10);
}
