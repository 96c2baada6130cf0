import tl = require('azure-pipelines-task-lib/task');
import { FileResult, SignResult, isFailed } from './signResult';

/** The names of the task's output variables (task.json outputVariables). */
export const outputNames = {
    signedCount: 'BuildSign.SignedCount',
    failedCount: 'BuildSign.FailedCount',
    signedFiles: 'BuildSign.SignedFiles',
};

/** How many failure reasons the task's result message quotes before "and N more". */
const reasonsInMessage = 3;

/**
 * Tells the pipeline what happened: an error issue per failed file (with its path, so the run's
 * page links it), a warning per result warning, and the output variables.
 */
export function publishResult(result: SignResult): void {
    for (const warning of result.warnings) {
        tl.warning(warning);
    }
    for (const file of result.files.filter(isFailed)) {
        tl.logIssue(tl.IssueType.Error, `${file.file}: ${file.error ?? file.status}`, sourcePath(file.file));
    }
    const signed = result.files.filter(file => file.status === 'signed').map(file => file.file);
    tl.setVariable(outputNames.signedCount, String(result.signed), false, true);
    tl.setVariable(outputNames.failedCount, String(result.failed), false, true);
    tl.setVariable(outputNames.signedFiles, signed.join(';'), false, true);
}

/** Sets the outputs when the CLI never produced a result: nothing was signed. */
export function publishNothingSigned(): void {
    tl.setVariable(outputNames.signedCount, '0', false, true);
    tl.setVariable(outputNames.failedCount, '0', false, true);
    tl.setVariable(outputNames.signedFiles, '', false, true);
}

/** The task's result and its one-line message: how many files were signed, and how many failed and why. */
export function completeWith(result: SignResult): void {
    const total = result.files.length;
    if (result.error) {
        tl.setResult(tl.TaskResult.Failed, `BuildSign signed nothing: ${result.error}`);
        return;
    }
    if (result.failed > 0 || !result.succeeded) {
        const failed = result.files.filter(isFailed);
        const reasons = failed.slice(0, reasonsInMessage).map(file => `${file.file}: ${file.error ?? file.status}`);
        const more = failed.length > reasonsInMessage ? `; and ${failed.length - reasonsInMessage} more` : '';
        const verb = result.dryRun ? 'would be refused' : 'failed';
        const others = result.dryRun ? '' : ` (${result.signed} signed, ${result.skipped} skipped; failed files are unchanged)`;
        tl.setResult(tl.TaskResult.Failed, `${result.failed} of ${total} file${plural(total)} ${verb}${others}: ${reasons.join('; ')}${more}`);
        return;
    }
    if (result.dryRun) {
        const planned = result.files.filter(file => file.status === 'planned').length;
        tl.setResult(tl.TaskResult.Succeeded, `Dry run: ${planned} file${plural(planned)} would be signed, ${result.skipped} skipped; nothing was changed.`);
        return;
    }
    tl.setResult(tl.TaskResult.Succeeded, `Signed ${result.signed} file${plural(result.signed)}${result.skipped > 0 ? `, skipped ${result.skipped}` : ''}.`);
}

// A file inside a container is reported as "container!entry"; the issue points at the container.
function sourcePath(file: FileResult['file']): string {
    const bang = file.indexOf('!');
    return bang > 0 ? file.substring(0, bang) : file;
}

function plural(count: number): string {
    return count === 1 ? '' : 's';
}
