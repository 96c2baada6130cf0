import stream = require('stream');
import tl = require('azure-pipelines-task-lib/task');

/**
 * Runs a read of a secret (an input, an endpoint's auth parameter) with the task library's output
 * set aside: the library writes every value it reads to the debug log, and a value the agent does
 * not yet know as a secret (a PIN typed as a literal) would be logged before tl.setSecret masks it.
 */
export function quietly<T>(read: () => T): T {
    tl.setStdStream(new stream.Writable({ write: (_chunk, _encoding, done) => done() }));
    try {
        return read();
    } finally {
        tl.setStdStream(process.stdout);
    }
}
