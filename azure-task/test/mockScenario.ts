// The script MockTestRunner runs: the real compiled handler (BuildSignV1/dist/main.js) with the
// mock task library, the inputs, agent variables and tool answers of one scenario. The scenario is
// a JSON file named by BUILDSIGN_TEST_SCENARIO.
import fs = require('fs');
import path = require('path');
import mr = require('azure-pipelines-task-lib/mock-run');
import ma = require('azure-pipelines-task-lib/mock-answer');

export interface Scenario {
    inputs: Record<string, string>;
    /** Agent variables and endpoints as the agent passes them: environment variables. */
    environment: Record<string, string>;
    answers: ma.TaskLibAnswers;
}

const scenario = JSON.parse(fs.readFileSync(process.env['BUILDSIGN_TEST_SCENARIO']!, 'utf8')) as Scenario;
const runner = new mr.TaskMockRunner(path.join(__dirname, '..', '..', 'BuildSignV1', 'dist', 'main.js'));
for (const [name, value] of Object.entries(scenario.environment)) {
    process.env[name] = value;
}
for (const [name, value] of Object.entries(scenario.inputs)) {
    runner.setInput(name, value);
}
runner.setAnswers(scenario.answers);
runner.run();
