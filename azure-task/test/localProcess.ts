import childProcess = require('child_process');

/** A process the test started, with its output so far; stopped by {@link stop}. */
export interface LocalProcess {
    child: childProcess.ChildProcess;
    output: () => string;
    url: string;
    /** Waits (bounded) until the output so far matches the pattern. */
    waitForOutput: (pattern: RegExp, timeoutMs?: number) => Promise<string>;
    stop: () => Promise<void>;
}

/**
 * Starts a local server process and waits (bounded) for its "listening on URL" line.
 */
export function startListening(command: string, args: string[], env: NodeJS.ProcessEnv = process.env, timeoutMs = 60000): Promise<LocalProcess> {
    const child = childProcess.spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
            child.kill();
            reject(new Error(`${command} did not start listening within ${timeoutMs / 1000} s:\n${output}`));
        }, timeoutMs);
        const onData = (data: Buffer) => {
            output += data.toString();
            const match = /listening on (http\S+)/.exec(output);
            if (match && timer) {
                clearTimeout(timer);
                resolve({
                    child,
                    output: () => output,
                    url: match[1],
                    waitForOutput: (pattern, waitMs = 10000) => new Promise<string>((found, timedOut) => {
                        if (pattern.test(output)) {
                            found(output);
                            return;
                        }
                        const check = () => {
                            if (pattern.test(output)) {
                                clearTimeout(limit);
                                child.stdout!.off('data', check);
                                found(output);
                            }
                        };
                        const limit = setTimeout(() => {
                            child.stdout!.off('data', check);
                            timedOut(new Error(`no output matching ${pattern} within ${waitMs / 1000} s:\n${output}`));
                        }, waitMs);
                        child.stdout!.on('data', check);
                    }),
                    stop: () => new Promise<void>(done => {
                        if (child.exitCode !== null) {
                            done();
                            return;
                        }
                        child.once('exit', () => done());
                        child.kill();
                    }),
                });
            }
        };
        child.stdout!.on('data', onData);
        child.stderr!.on('data', onData);
        child.once('exit', code => {
            clearTimeout(timer);
            reject(new Error(`${command} exited (${code}) before listening:\n${output}`));
        });
    });
}
