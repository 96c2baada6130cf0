import tl = require('azure-pipelines-task-lib/task');

/**
 * The identity of this build or classic release as name/value pairs for the signing service's
 * audit record (`buildsign sign --run-context name=value`). In a release, BUILD_* variables describe
 * the primary artifact, so they are recorded as the artifact's build.
 */
export function agentRunContext(): [string, string][] {
    const pairs: [string, string][] = [['ci', 'azure-pipelines']];
    const add = (name: string, variable: string) => {
        const value = tl.getVariable(variable);
        if (value) {
            pairs.push([name, value]);
        }
    };
    add('collectionUri', 'System.CollectionUri');
    add('project', 'System.TeamProject');
    add('projectId', 'System.TeamProjectId');
    add('hostType', 'System.HostType');
    add('stage', 'System.StageName');
    add('job', 'System.JobId');
    add('jobAttempt', 'System.JobAttempt');
    add('agent', 'Agent.Name');
    if (tl.getVariable('Release.ReleaseId')) {
        add('pipeline', 'Release.DefinitionName');
        add('pipelineId', 'Release.DefinitionId');
        add('run', 'Release.ReleaseId');
        add('runName', 'Release.ReleaseName');
        add('environment', 'Release.EnvironmentName');
        add('deploymentId', 'Release.DeploymentID');
        add('attempt', 'Release.AttemptNumber');
        add('requestedFor', 'Release.RequestedFor');
        add('artifactBuild', 'Build.BuildId');
        add('artifactBuildNumber', 'Build.BuildNumber');
        add('artifactPipeline', 'Build.DefinitionName');
        add('repository', 'Build.Repository.Name');
        add('branch', 'Build.SourceBranch');
        add('commit', 'Build.SourceVersion');
    } else {
        add('pipeline', 'Build.DefinitionName');
        add('pipelineId', 'System.DefinitionId');
        add('run', 'Build.BuildId');
        add('runName', 'Build.BuildNumber');
        add('reason', 'Build.Reason');
        add('requestedFor', 'Build.RequestedFor');
        add('repository', 'Build.Repository.Name');
        add('branch', 'Build.SourceBranch');
        add('commit', 'Build.SourceVersion');
    }
    return pairs;
}
