using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>Bad inputs: one error annotation per problem, titled with the input, a non-zero exit, and no file touched.</summary>
[Collection(ActionCollection.Name)]
public sealed class GitHubActionInputTests(ActionFixture fixture) : IDisposable
{
    private readonly SimulatedRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    [Fact]
    public void EveryBadInputIsAnAnnotationNamingIt()
    {
        var file = _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        var before = File.ReadAllBytes(file);
        _runner
            .Input("files", "out/app.dll")
            .Input("digest", "md5")
            .Input("timestamp-url", "ftp://timestamp.example")
            .Input("timestamp-concurrency", "0")
            .Input("dry-run", "yes")
            .Input("on-existing-signature", "ignore")
            .Input("max-files", "lots");

        var result = _runner.Run();

        Assert.Equal(2, result.ExitCode);
        var errors = LogAssert.Errors(result);
        Assert.Contains("::error title=Input key::input 'key' is required", errors);
        Assert.Contains("::error title=Input digest::input 'digest' must be one of sha256, sha384, sha512, not 'md5'", errors);
        Assert.Contains("::error title=Input timestamp-url::input 'timestamp-url' 'ftp://timestamp.example' is not an http or https URL", errors);
        Assert.Contains("::error title=Input timestamp-concurrency::input 'timestamp-concurrency' must be a whole number from 1 to 64, not '0'", errors);
        Assert.Contains("::error title=Input dry-run::input 'dry-run' must be true or false, not 'yes'", errors);
        Assert.Contains("::error title=Input on-existing-signature::input 'on-existing-signature' must be one of replace, append, fail, skip, not 'ignore'", errors);
        Assert.Contains("::error title=Input max-files::input 'max-files' must be a whole number from 1 to 1000000, not 'lots'", errors);
        Assert.Equal(7, errors.Count);
        Assert.Equal(before, File.ReadAllBytes(file));
    }

    [Fact]
    public void AGlobThatMatchesNothingAndAMissingFileAreErrorsOnTheFilesInput()
    {
        _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        _runner.Input("key", fixture.Token.RsaKeyString).Input("files", "out/app.dll\nbuild/**/*.dll\nout/missing.exe");

        var result = _runner.Run();

        Assert.Equal(2, result.ExitCode);
        Assert.Equal(
            [
                "::error title=Input files::input 'files' 'build/**/*.dll' selects no file that can be signed",
                "::error title=Input files::input 'files' 'out/missing.exe': no such file or folder in the workspace",
            ],
            LogAssert.Errors(result));
        Assert.NotEqual(0, fixture.Osslsigncode(Path.Combine(_runner.Workspace, "out/app.dll")).ExitCode);
    }

    [Fact]
    public void MoreFilesThanMaxFilesFailsBeforeSigningAnything()
    {
        var files = Enumerable.Range(0, 3).Select(i => _runner.CopyToWorkspace(UnsignedPe.Pe32, $"out/app{i}.dll")).ToList();
        var before = files.Select(File.ReadAllBytes).ToList();
        _runner.Input("key", fixture.Token.RsaKeyString).Input("files", "out/**").Input("max-files", "2");

        var result = _runner.Run();

        Assert.Equal(2, result.ExitCode);
        var error = Assert.Single(LogAssert.Errors(result));
        Assert.StartsWith("::error title=Input max-files::input 'max-files' is 2, and the files input selects more files than that; nothing was signed", error);
        Assert.Equal(before, files.Select(File.ReadAllBytes));
    }

    [Fact]
    public void APinInputForAKeyThatNamesItsPinSourceIsRefusedAndNeverShown()
    {
        _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        _runner.Input("key", fixture.Token.RsaKeyString).Input("pin", fixture.Token.Pin).Input("files", "out/app.dll");

        var result = _runner.Run();

        Assert.Equal(2, result.ExitCode);
        LogAssert.MaskedOnly(result, fixture.Token.Pin);
        Assert.Contains("::error title=Input pin::input 'pin' is given, but the key already says where its PIN comes from (pin-source); give only one of them", LogAssert.Errors(result));
    }
}
