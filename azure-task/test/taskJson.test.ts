// task.json against the rules of Azure Pipelines' task schema (tasks.schema.json of
// azure-pipelines-task-lib), plus what the agent needs of this task: Node20_1 and Node24 handlers
// whose targets are in the package, an agent version that runs both, and inputs the handler reads.
import assert = require('assert');
import fs = require('fs');
import path = require('path');
import { azureTask, taskJsonPath } from './taskRun';

interface TaskInput {
    name: string;
    label: string;
    type: string;
    defaultValue?: string | boolean;
    required?: boolean;
    helpMarkDown?: string;
    groupName?: string;
    options?: Record<string, string>;
    [other: string]: unknown;
}

const task = JSON.parse(fs.readFileSync(taskJsonPath, 'utf8')) as Record<string, unknown> & { inputs: TaskInput[] };
const manifest = JSON.parse(fs.readFileSync(path.join(azureTask, 'vss-extension.json'), 'utf8'));

const topLevel = ['$schema', 'id', 'name', 'friendlyName', 'description', 'helpUrl', 'helpMarkDown', 'author', 'preview', 'deprecated', 'removalDate',
    'showEnvironmentVariables', 'runsOn', 'visibility', 'category', 'groups', 'demands', 'minimumAgentVersion', 'version', 'instanceNameFormat',
    'releaseNotes', 'inputs', 'dataSourceBindings', 'sourceDefinitions', 'prejobexecution', 'execution', 'postjobexecution', 'messages',
    'outputVariables', 'restrictions'];
const inputProperties = ['name', 'aliases', 'label', 'type', 'defaultValue', 'required', 'helpMarkDown', 'groupName', 'visibleRule', 'properties', 'options'];
const inputTypes = ['boolean', 'filePath', 'multiLine', 'pickList', 'radio', 'secureFile', 'string', 'int', 'identities', 'querycontrol'];
const handlers = ['Node', 'Node10', 'Node16', 'Node20_1', 'Node24', 'PowerShell', 'PowerShell3'];
// The agent version that first runs each handler this task declares.
const handlerMinimumAgent: Record<string, string> = { Node20_1: '3.232.1', Node24: '4.265.1' };

function compareVersions(a: string, b: string): number {
    const [x, y] = [a, b].map(v => v.split('.').map(Number));
    for (let i = 0; i < 3; i++) {
        if ((x[i] ?? 0) !== (y[i] ?? 0)) {
            return (x[i] ?? 0) - (y[i] ?? 0);
        }
    }
    return 0;
}

describe('task.json follows the task schema', function () {
    it('has only properties the schema knows, with an id GUID, a name without spaces and a numeric version', function () {
        for (const property of Object.keys(task)) {
            assert.ok(topLevel.includes(property), `unknown top-level property ${property}`);
        }
        assert.match(task.id as string, /^[A-Fa-f0-9]{8}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{4}-[A-Fa-f0-9]{12}$/);
        assert.strictEqual(task.id, '5ae524ec-ce7f-4c86-bd28-e7f127cb390a', 'the task id is the task\'s identity: it never changes');
        assert.match(task.name as string, /^[A-Za-z0-9-]+$/);
        assert.ok((task.friendlyName as string).length <= 40, 'friendlyName must be at most 40 characters');
        const version = task.version as Record<string, unknown>;
        assert.deepStrictEqual(Object.keys(version).sort(), ['Major', 'Minor', 'Patch']);
        for (const part of Object.values(version)) {
            assert.strictEqual(typeof part, 'number');
        }
        assert.strictEqual(version['Major'], 1, 'BuildSign@1 is version 1');
        assert.ok(['Build', 'Utility', 'Test', 'Package', 'Deploy', 'Azure Repos', 'Azure Boards', 'Azure Pipelines', 'Azure Test Plans', 'Azure Artifacts'].includes(task.category as string));
        assert.ok((task.instanceNameFormat as string).length > 0);
    });

    it('shows in builds and releases and runs on agents and deployment groups', function () {
        assert.deepStrictEqual(task.visibility, ['Build', 'Release']);
        assert.deepStrictEqual(task.runsOn, ['Agent', 'DeploymentGroup']);
    });

    it('runs on Node20_1 and Node24 with targets that exist, on an agent that has both', function () {
        const execution = task.execution as Record<string, { target: string }>;
        assert.deepStrictEqual(Object.keys(execution).sort(), ['Node20_1', 'Node24']);
        for (const [handler, body] of Object.entries(execution)) {
            assert.ok(handlers.includes(handler), `unknown handler ${handler}`);
            assert.strictEqual(typeof body.target, 'string');
            assert.ok(fs.existsSync(path.join(azureTask, 'BuildSignV1', body.target)), `${handler} target ${body.target} is not built`);
        }
        const minimum = task.minimumAgentVersion as string;
        assert.match(minimum, /^\d+\.\d+(\.\d+)?$/);
        for (const handler of Object.keys(execution)) {
            assert.ok(compareVersions(minimum, handlerMinimumAgent[handler]) >= 0, `minimumAgentVersion ${minimum} is below ${handler}'s ${handlerMinimumAgent[handler]}`);
        }
    });

    it('has camelCase inputs of known types, each with a label and help, defaults that fit, groups that exist', function () {
        const groups = (task.groups as { name: string; displayName: string }[]).map(g => g.name);
        const names = new Set<string>();
        for (const input of task.inputs) {
            for (const property of Object.keys(input)) {
                assert.ok(inputProperties.includes(property), `input ${input.name}: unknown property ${property}`);
            }
            assert.match(input.name, /^[a-z][A-Za-z0-9]*$/, `input ${input.name} is not camelCase`);
            assert.ok(!names.has(input.name), `input ${input.name} twice`);
            names.add(input.name);
            assert.ok(input.label.length > 0);
            assert.ok(inputTypes.includes(input.type) || /^connectedService:.+$/.test(input.type), `input ${input.name}: unknown type ${input.type}`);
            assert.ok((input.helpMarkDown ?? '').length > 20, `input ${input.name} has no help`);
            if (input.defaultValue !== undefined) {
                assert.ok(['string', 'boolean'].includes(typeof input.defaultValue));
            }
            if (input.type === 'pickList') {
                assert.ok(input.options && String(input.defaultValue) in input.options, `input ${input.name}: default ${input.defaultValue} is not an option`);
            }
            if (input.type === 'boolean' && input.defaultValue !== undefined) {
                assert.ok(['true', 'false'].includes(String(input.defaultValue)));
            }
            if (input.groupName) {
                assert.ok(groups.includes(input.groupName), `input ${input.name}: no group ${input.groupName}`);
            }
        }
        assert.deepStrictEqual(task.inputs.filter(i => i.required).map(i => i.name), ['files', 'key']);
    });

    it('names the service connection type the extension contributes', function () {
        const endpointTypes = (manifest.contributions as { type: string; properties: { name: string } }[])
            .filter(c => c.type === 'ms.vss-endpoint.service-endpoint-type').map(c => c.properties.name);
        const connection = task.inputs.find(i => i.name === 'connectedService');
        assert.ok(connection);
        assert.deepStrictEqual([connection.type], endpointTypes.map(name => `connectedService:${name}`));
    });

    it('declares the output variables the handler sets', function () {
        const outputs = task.outputVariables as { name: string; description: string }[];
        // The schema's pattern allows one identifier; these names are the task's contract and carry a
        // "BuildSign." prefix, so each dot-separated part is checked against the pattern.
        for (const output of outputs) {
            for (const part of output.name.split('.')) {
                assert.match(part, /^[A-Za-z][A-Za-z0-9]*$/);
            }
            assert.ok(output.description.length > 0);
        }
        assert.deepStrictEqual(outputs.map(o => o.name), ['BuildSign.SignedCount', 'BuildSign.FailedCount', 'BuildSign.SignedFiles']);
    });

    it('declares exactly the inputs the handler reads', function () {
        const source = fs.readdirSync(path.join(azureTask, 'src')).map(f => fs.readFileSync(path.join(azureTask, 'src', f), 'utf8')).join('\n');
        const read = new Set<string>();
        for (const match of source.matchAll(/(?:getInput|getBoolInput|getPathInput|filePathSupplied|optional|oneOf|suppliedPath|lines\(tl\.getInput)\('([A-Za-z]+)'/g)) {
            read.add(match[1]);
        }
        assert.deepStrictEqual([...read].sort(), task.inputs.map(i => i.name).sort());
    });
});
