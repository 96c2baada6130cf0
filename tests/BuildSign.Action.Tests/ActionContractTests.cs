using BuildSign.Cli.Commands.GitHubAction;
using YamlDotNet.RepresentationModel;

namespace BuildSign.Action.Tests;

/// <summary>
/// action.yml is the action's contract: a Docker action built from action/Dockerfile; every input
/// it declares is read by the entry (and nothing else is), every output it declares is written,
/// README documents them all, and its defaults are the entry's own.
/// </summary>
[Collection(ActionCollection.Name)]
public sealed class ActionContractTests(ActionFixture fixture) : IDisposable
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();
    private readonly SimulatedRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    private static YamlMappingNode Action()
    {
        var yaml = new YamlStream();
        using var reader = new StreamReader(Path.Combine(RepositoryRoot, "action.yml"));
        yaml.Load(reader);
        return (YamlMappingNode)yaml.Documents.Single().RootNode;
    }

    private static YamlMappingNode Section(YamlMappingNode node, string name) => (YamlMappingNode)node.Children[new YamlScalarNode(name)];

    private static string? Scalar(YamlMappingNode node, string name) =>
        node.Children.TryGetValue(new YamlScalarNode(name), out var value) ? ((YamlScalarNode)value).Value : null;

    private static IReadOnlyList<string> Names(YamlMappingNode section) =>
        [.. section.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).Order(StringComparer.Ordinal)];

    [Fact]
    public void ItIsADockerActionBuiltFromTheDockerfile()
    {
        var runs = Section(Action(), "runs");
        Assert.Equal("docker", Scalar(runs, "using"));
        Assert.Equal("action/Dockerfile", Scalar(runs, "image"));
        Assert.True(File.Exists(Path.Combine(RepositoryRoot, "action", "Dockerfile")));
        var dockerfile = File.ReadAllLines(Path.Combine(RepositoryRoot, "action", "Dockerfile"));
        // Container actions must run as the default user in the runner's working directory.
        Assert.DoesNotContain(dockerfile, l => l.TrimStart().StartsWith("USER ", StringComparison.OrdinalIgnoreCase) || l.TrimStart().StartsWith("WORKDIR ", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(dockerfile, l => l.StartsWith("ENTRYPOINT [\"/opt/buildsign/buildsign\", \"github-action\"]", StringComparison.Ordinal));
        var action = Action();
        Assert.False(string.IsNullOrWhiteSpace(Scalar(action, "description")));
        Assert.NotNull(Scalar(Section(action, "branding"), "icon"));
        Assert.NotNull(Scalar(Section(action, "branding"), "color"));
    }

    [Fact]
    public async Task EveryDeclaredInputIsReadByTheEntryAndDescribed()
    {
        var requested = new HashSet<string>(StringComparer.Ordinal);
        string? Environment(string name)
        {
            lock (requested)
            {
                requested.Add(name);
            }
            return name == "GITHUB_WORKSPACE" ? _runner.Workspace : null;
        }
        using var log = new StringWriter();
        var exit = await new GitHubActionRun(new RunnerEnvironment(Environment), new WorkflowCommands(log), Environment).RunAsync(CancellationToken.None);

        Assert.Equal(2, exit); // no key: the run stops after reading every input
        var inputs = Section(Action(), "inputs");
        Assert.Equal(Names(inputs).Select(ActionInputs.VariableName).Order(StringComparer.Ordinal), requested.Where(n => n.StartsWith("INPUT_", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        foreach (var name in Names(inputs))
        {
            var input = (YamlMappingNode)inputs.Children[new YamlScalarNode(name)];
            Assert.False(string.IsNullOrWhiteSpace(Scalar(input, "description")), $"input {name} has no description");
            Assert.Equal(name == "key" ? "true" : "false", Scalar(input, "required"));
        }
    }

    [Fact]
    public void TheDeclaredDefaultsAreTheEntrysDefaults()
    {
        var inputs = Section(Action(), "inputs");
        var declared = Names(inputs)
            .Select(n => (Name: n, Default: Scalar((YamlMappingNode)inputs.Children[new YamlScalarNode(n)], "default")))
            .Where(d => d.Default is not null)
            .ToDictionary(d => ActionInputs.VariableName(d.Name), d => d.Default);
        var fromYaml = ActionSettings.Read(new ActionInputs(n => declared.GetValueOrDefault(n)));
        var fromCode = ActionSettings.Read(new ActionInputs(_ => null));

        Assert.Equal(
            (fromCode.Recursive, fromCode.TimestampConcurrency, fromCode.Digest, fromCode.OnExistingSignature, fromCode.DryRun, fromCode.SignReleaseAssets, fromCode.MaxFiles),
            (fromYaml.Recursive, fromYaml.TimestampConcurrency, fromYaml.Digest, fromYaml.OnExistingSignature, fromYaml.DryRun, fromYaml.SignReleaseAssets, fromYaml.MaxFiles));
        // on-existing-signature has no declared default: whether the user gave it decides the policy for signed files inside containers.
        Assert.Equal(["digest", "dry-run", "max-files", "recursive", "sign-release-assets", "timestamp-concurrency"],
            Names(inputs).Where(n => declared.ContainsKey(ActionInputs.VariableName(n))));
    }

    [Fact]
    public void EveryDeclaredOutputIsWritten()
    {
        _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        _runner.Input("key", fixture.Token.RsaKeyString).Input("files", "out/app.dll");

        var result = _runner.Run();

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Equal(Names(Section(Action(), "outputs")), _runner.Outputs().Keys.Order(StringComparer.Ordinal));
        foreach (var name in Names(Section(Action(), "outputs")))
        {
            Assert.False(string.IsNullOrWhiteSpace(Scalar((YamlMappingNode)Section(Action(), "outputs").Children[new YamlScalarNode(name)], "description")), $"output {name} has no description");
        }
    }

    [Fact]
    public void ReadmeDocumentsEveryInputAndOutput()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md"));
        var action = Action();
        foreach (var name in Names(Section(action, "inputs")).Concat(Names(Section(action, "outputs"))))
        {
            Assert.Contains($"| `{name}` |", readme, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TheExampleWorkflowsUseOnlyDeclaredInputs()
    {
        var declared = Names(Section(Action(), "inputs"));
        var examples = Directory.GetFiles(Path.Combine(RepositoryRoot, "examples", "github"), "*.yml");
        Assert.NotEmpty(examples);
        var uses = 0;
        foreach (var example in examples)
        {
            var yaml = new YamlStream();
            using (var reader = new StreamReader(example))
            {
                yaml.Load(reader);
            }
            foreach (var job in ((YamlMappingNode)((YamlMappingNode)yaml.Documents.Single().RootNode).Children[new YamlScalarNode("jobs")]).Children.Values.Cast<YamlMappingNode>())
            {
                foreach (var step in ((YamlSequenceNode)job.Children[new YamlScalarNode("steps")]).Children.Cast<YamlMappingNode>())
                {
                    if (Scalar(step, "uses") is not { } action || !action.StartsWith("OWNER/buildsign@", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    uses++;
                    var with = Section(step, "with");
                    Assert.Contains("key", Names(with));
                    Assert.All(Names(with), name => Assert.True(declared.Contains(name), $"{Path.GetFileName(example)} gives the undeclared input {name}"));
                }
            }
        }
        Assert.True(uses >= 3, "the examples should show the action");
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "action.yml")) && File.Exists(Path.Combine(folder.FullName, "BuildSign.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("the repository root (action.yml) is not above the test binaries");
    }
}
