import fs = require('fs');
import os = require('os');
import path = require('path');
import tl = require('azure-pipelines-task-lib/task');
import { FileResult, SignResult } from './signResult';

/** The Markdown summary of a run: what was signed with which key, and each file's outcome. */
export function summaryMarkdown(result: SignResult, workingDirectory: string): string {
    const lines: string[] = [];
    const headline = result.dryRun
        ? `Dry run: ${result.files.filter(file => file.status === 'planned').length} to sign, ${result.skipped} to skip, ${result.failed} refused`
        : `${result.signed} signed, ${result.skipped} skipped, ${result.failed} failed`;
    lines.push(`**${headline}**`, '');
    if (result.error) {
        lines.push(`Error: ${cell(result.error)}`, '');
    }
    if (result.key) {
        lines.push(`- Key: ${cell(result.key)} (${cell(result.keyProtection ?? 'unknown protection')})`);
    }
    if (result.certificateThumbprint) {
        lines.push(`- Certificate: \`${cell(result.certificateThumbprint)}\``);
    }
    lines.push(`- Timestamp: ${cell(result.timestamp ?? 'none')}`);
    for (const warning of result.warnings) {
        lines.push(`- Warning: ${cell(warning)}`);
    }
    if (result.files.length > 0) {
        lines.push('', '| File | Status | Format | Digest | Timestamp | Note |', '| --- | --- | --- | --- | --- | --- |');
        for (const file of result.files) {
            lines.push(`| ${cell(shortName(file, workingDirectory))} | ${cell(file.status)} | ${cell(file.format ?? '')} | ${cell(file.digestAlgorithm ?? '')} | ${cell(file.timestampTime ?? '')} | ${cell(file.error ?? '')} |`);
        }
    }
    return lines.join('\n') + '\n';
}

/** Writes the summary to the agent's temp folder and attaches it to the run's page. */
export function uploadSummary(result: SignResult, workingDirectory: string): void {
    const folder = tl.getVariable('Agent.TempDirectory') ?? os.tmpdir();
    const file = path.join(folder, `BuildSign-summary-${process.pid}-${Date.now()}.md`);
    fs.writeFileSync(file, summaryMarkdown(result, workingDirectory), 'utf8');
    tl.uploadSummary(file);
}

function shortName(file: FileResult, workingDirectory: string): string {
    const relative = path.relative(workingDirectory, file.file);
    return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : file.file;
}

// File names come from the file system: they must not break the table or inject Markdown.
function cell(text: string): string {
    return text.replace(/[\r\n]+/g, ' ').replace(/([\\|*_`[\]<>#])/g, '\\$1');
}
