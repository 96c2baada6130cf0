using BuildSign.Cli.Commands.GitHubAction;
using BuildSign.Core.Api;

namespace BuildSign.Action.Tests;

/// <summary>The pieces that turn untrusted text into runner syntax: commands, outputs, file selection.</summary>
public sealed class WorkflowTextTests : IDisposable
{
    private readonly BuildSign.Testing.TempDirectory _dir = new("buildsign-action-text");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void CommandDataAndPropertiesAreEscapedSoTheyCannotEndOrAddACommand()
    {
        using var log = new StringWriter();
        var commands = new WorkflowCommands(log);

        commands.Error("bad\r\n::add-mask::x 100%", "dir/a,b:c%.dll", "T:1,2");
        commands.Info("::error::forged");

        Assert.Equal(
            "::error file=dir/a%2Cb%3Ac%25.dll,title=T%3A1%2C2::bad%0D%0A::add-mask::x 100%25\n ::error::forged\n",
            log.ToString().Replace("\r\n", "\n", StringComparison.Ordinal));
    }

    [Fact]
    public void AMultiLineSecretIsMaskedLineByLineAndWhole()
    {
        using var log = new StringWriter();
        new WorkflowCommands(log).AddMask("line-one\nline-two");
        Assert.Equal(["::add-mask::line-one", "::add-mask::line-two", "::add-mask::line-one%0Aline-two"], log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.TrimEnd('\r')));
    }

    [Fact]
    public void AnOutputValueCannotCloseItsBlockOrSetAnotherOutput()
    {
        var file = _dir.File("out");
        File.WriteAllText(file, "");
        var outputs = new ActionOutputs(file);

        outputs.Set("signed-files", "[\"a\nsigned-count<<EOF\n999\nEOF\"]");
        outputs.Set("signed-count", "1");

        var parsed = ActionOutputFile.Parse(File.ReadAllText(file));
        Assert.Equal(["signed-count", "signed-files"], parsed.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("1", parsed["signed-count"]);
        Assert.Equal("[\"a\nsigned-count<<EOF\n999\nEOF\"]", parsed["signed-files"]);
    }

    [Theory]
    [InlineData("out/**/*.dll", "out/a.dll", true)]
    [InlineData("out/**/*.dll", "out/x/y/a.dll", true)]
    [InlineData("out/*.dll", "out/x/a.dll", false)]
    [InlineData("out/?.dll", "out/a.dll", true)]
    [InlineData("out/?.dll", "out/ab.dll", false)]
    [InlineData("out/**", "out/x/a.txt", true)]
    [InlineData("out/a+b(1).dll*", "out/a+b(1).dll", true)]
    public void GlobsMatchWithinAndAcrossFolders(string pattern, string relative, bool matches)
    {
        var glob = WorkspaceGlob.Include(pattern, _dir.Path);
        Assert.Equal(Path.Combine(_dir.Path, "out"), glob.Root);
        Assert.Equal(matches, glob.Matches(Path.GetRelativePath(glob.Root, Path.Combine(_dir.Path, relative)).Replace('\\', '/')));
    }

    [Theory]
    [InlineData("*.pdb", "out/x/a.pdb", true)]
    [InlineData("out/*.pdb", "out/x/a.pdb", false)]
    [InlineData("out/**/*.pdb", "out/x/a.pdb", true)]
    [InlineData("./out/a.dll", "out/a.dll", true)]
    public void ExclusionsMatchWorkspacePathsAndBareNamesAnywhere(string pattern, string relative, bool matches) =>
        Assert.Equal(matches, WorkspaceGlob.Exclude(pattern, _dir.Path).Matches(relative));

    [Fact]
    public void AFolderLineNeedsRecursiveAndThenSelectsOnlySignableFiles()
    {
        Directory.CreateDirectory(_dir.File("out/sub"));
        File.Copy(UnsignedPe.Pe32, _dir.File("out/sub/a.dll"));
        File.WriteAllText(_dir.File("out/readme.md"), "text");
        var formats = new BuildSignerServices().Formats;

        var flat = new ActionInputs(_ => null);
        Assert.Empty(new WorkspaceFileSelection(_dir.Path, formats).Select(["out"], recursive: false, 100, flat));
        Assert.Equal("input 'files' 'out' is a folder; use a glob (out/**) or recursive: true", flat.Problems[0].ToString());

        var deep = new ActionInputs(_ => null);
        Assert.Equal([_dir.File("out/sub/a.dll")], new WorkspaceFileSelection(_dir.Path, formats).Select(["out"], recursive: true, 100, deep));
        Assert.Empty(deep.Problems);
    }
}
