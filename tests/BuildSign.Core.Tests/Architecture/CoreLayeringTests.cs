namespace BuildSign.Core.Tests.Architecture;

/// <summary>Core's parts depend one way (docs/design.md): no cycles, and the lower parts never see the pipeline or the entry point.</summary>
public sealed class CoreLayeringTests
{
    [Fact]
    public void No_two_parts_of_core_depend_on_each_other_even_through_others()
    {
        var dependencies = CoreSourceTree.PartDependencies();
        var cycles = new List<string>();
        foreach (var start in dependencies.Keys)
        {
            // A walk from each part; reaching the start again is a cycle.
            var path = new Stack<string>();
            if (FindCycle(start, start, dependencies, new HashSet<string>(StringComparer.Ordinal), path))
            {
                cycles.Add(string.Join(" -> ", path.Reverse().Prepend(start)));
            }
        }

        Assert.True(cycles.Count == 0, "cycles: " + string.Join("; ", cycles));
    }

    [Theory]
    [InlineData("Formats")]
    [InlineData("Keys")]
    [InlineData("Cms")]
    [InlineData("Timestamping")]
    [InlineData("Verification")]
    [InlineData("Certificates")]
    public void Lower_parts_never_see_the_pipeline_or_the_entry_point(string part)
    {
        var uses = CoreSourceTree.PartDependencies().GetValueOrDefault(part) ?? new Dictionary<string, IReadOnlyList<string>>();

        Assert.False(uses.ContainsKey("Pipeline"), $"{part} uses Pipeline in {string.Join(", ", uses.GetValueOrDefault("Pipeline") ?? [])}");
        Assert.False(uses.ContainsKey("Api"), $"{part} uses Api in {string.Join(", ", uses.GetValueOrDefault("Api") ?? [])}");
    }

    [Fact]
    public void Core_references_no_shell_framework()
    {
        var project = File.ReadAllText(Path.Combine(CoreSourceTree.SourceDirectory, "BuildSign.Core.csproj"));
        var sources = CoreSourceTree.Files.Select(f => File.ReadAllText(Path.Combine(CoreSourceTree.SourceDirectory, f.File)));

        foreach (var forbidden in new[] { "Microsoft.Build", "Microsoft.AspNetCore", "Octokit", "System.CommandLine" })
        {
            Assert.DoesNotContain(forbidden, project, StringComparison.Ordinal);
            Assert.DoesNotContain(sources, s => s.Contains("using " + forbidden, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void The_walk_finds_a_cycle_when_there_is_one()
    {
        var dependencies = new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>
        {
            ["A"] = new Dictionary<string, IReadOnlyList<string>> { ["B"] = ["a.cs"] },
            ["B"] = new Dictionary<string, IReadOnlyList<string>> { ["C"] = ["b.cs"] },
            ["C"] = new Dictionary<string, IReadOnlyList<string>> { ["A"] = ["c.cs"] },
        };
        var path = new Stack<string>();

        Assert.True(FindCycle("A", "A", dependencies, new HashSet<string>(StringComparer.Ordinal), path));
        Assert.Equal(["B", "C", "A"], path.Reverse());
    }

    private static bool FindCycle(string start, string current, IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> dependencies, HashSet<string> seen, Stack<string> path)
    {
        foreach (var next in (dependencies.GetValueOrDefault(current) ?? new Dictionary<string, IReadOnlyList<string>>()).Keys)
        {
            path.Push(next);
            if (next == start || (seen.Add(next) && FindCycle(start, next, dependencies, seen, path)))
            {
                return true;
            }
            path.Pop();
        }
        return false;
    }
}
