using System.Diagnostics;
using System.Text.Json;
using BuildSign.Testing;

namespace BuildSign.Action.Tests;

/// <summary>
/// The real image (action/Dockerfile) running its own entry point, as a runner would, without a
/// Docker engine: buildah with chroot isolation, the workspace mounted at /github/workspace and the
/// runner's file-command folder beside it. Opt-in (category Image): action/test-image.sh builds the
/// image and runs these with BUILDSIGN_ACTION_IMAGE set.
/// </summary>
[Collection(ActionCollection.Name)]
[Trait("Category", "Image")]
public sealed class ActionImageTests(ActionFixture fixture) : IDisposable
{
    private const string WorkspaceOwner = "4321:4321";
    private readonly SimulatedRunner _runner = new();

    public void Dispose() => _runner.Dispose();

    private static string Image => Environment.GetEnvironmentVariable("BUILDSIGN_ACTION_IMAGE") is { Length: > 0 } image
        ? image
        : throw new InvalidOperationException("BUILDSIGN_ACTION_IMAGE is not set: run action/test-image.sh, which builds the image and runs these tests");

    [Fact]
    public void TheImageSignsTheWorkspaceWithAnHsmKeyAndHandsFilesBackToTheWorkspaceOwner()
    {
        var app = _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        var lib = _runner.CopyToWorkspace(UnsignedPe.Pe32Plus, "out/lib/lib.dll");
        var notes = _runner.WorkspaceFile("out/notes.txt", "notes\n"u8.ToArray());
        Check(ExternalTool.Run("chown", "-R", WorkspaceOwner, _runner.Workspace));
        var inputs = new Dictionary<string, string>
        {
            ["key"] = fixture.RsaKeyWithoutPinSource,
            ["pin"] = fixture.Token.Pin,
            ["files"] = "out/**/*.dll\nout/notes.txt",
            ["timestamp-url"] = fixture.TimestampUrl.ToString(),
        };

        var result = RunImage(inputs);

        Assert.True(result.ExitCode == 0, result.Output);
        LogAssert.MaskedOnly(result, fixture.Token.Pin);
        foreach (var file in new[] { app, lib })
        {
            var verify = fixture.Osslsigncode(file);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Contains("Timestamp verified using:", verify.StandardOutput);
        }
        Assert.True(fixture.OpensslCms(notes, notes + ".p7s").ExitCode == 0);
        foreach (var file in new[] { app, lib, notes + ".p7s" })
        {
            Assert.Equal(WorkspaceOwner, ExternalTool.Run("stat", "-c", "%u:%g", file).StandardOutput.Trim());
        }
        var outputs = _runner.Outputs();
        Assert.Equal(["out/app.dll", "out/lib/lib.dll", "out/notes.txt"], JsonSerializer.Deserialize<string[]>(outputs["signed-files"])!.Order(StringComparer.Ordinal));
        Assert.Equal("3", outputs["signed-count"]);
        Assert.Contains("| File | Format | Digest | Timestamp | Key protection | Result |", _runner.Summary);
        Assert.Contains("| `out/app.dll` | pe |", _runner.Summary);
    }

    [Fact]
    public void TheImageAnnotatesBadInputs()
    {
        var result = RunImage(new Dictionary<string, string> { ["files"] = "out/*.dll", ["digest"] = "md5" });

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("::error title=Input key::input 'key' is required", LogAssert.Errors(result));
        Assert.Contains("::error title=Input digest::input 'digest' must be one of sha256, sha384, sha512, not 'md5'", LogAssert.Errors(result));
    }

    [Fact]
    public void TheImageSignsWithAModuleOfTheHostForwardedByP11Kit()
    {
        // As examples/github/sign-with-self-hosted-hsm.yml: the runner serves its module on a socket
        // in the workspace, and the image's p11-kit client module reaches it.
        var app = _runner.CopyToWorkspace(UnsignedPe.Pe32, "out/app.dll");
        var socket = Path.Combine(_runner.Workspace, ".p11-kit.sock");
        using var server = StartP11KitServer(socket);
        try
        {
            var result = RunImage(
                new Dictionary<string, string>
                {
                    ["key"] = $"pkcs11:token={fixture.Token.TokenLabel};object=rsa?module-path=/usr/lib/x86_64-linux-gnu/pkcs11/p11-kit-client.so",
                    ["pin"] = fixture.Token.Pin,
                    ["files"] = "out/app.dll",
                },
                new Dictionary<string, string> { ["P11_KIT_SERVER_ADDRESS"] = "unix:path=/github/workspace/.p11-kit.sock" });

            Assert.True(result.ExitCode == 0, result.Output);
            LogAssert.MaskedOnly(result, fixture.Token.Pin);
            var verify = fixture.Osslsigncode(app);
            Assert.True(verify.ExitCode == 0, verify.Output);
            Assert.Equal(["out/app.dll"], JsonSerializer.Deserialize<string[]>(_runner.Outputs()["signed-files"])!);
        }
        finally
        {
            server.Kill();
            server.WaitForExit();
        }
    }

    // As the runner does: the image's own entry point, the workspace at /github/workspace, the
    // file-command files under /github/file_commands, inputs as INPUT_* with hyphens kept.
    private ToolResult RunImage(IReadOnlyDictionary<string, string> inputs, IReadOnlyDictionary<string, string>? stepEnvironment = null)
    {
        var entrypoint = JsonSerializer.Deserialize<string[]>(Check(ExternalTool.Run("podman", "image", "inspect", "--format", "{{json .Config.Entrypoint}}", Image)).StandardOutput)!;
        var container = Check(ExternalTool.Run("buildah", "from", "--pull-never", Image)).StandardOutput.Trim();
        try
        {
            var arguments = new List<string>
            {
                "run", "--isolation=chroot",
                "-v", $"{_runner.Workspace}:/github/workspace",
                "-v", $"{_runner.FileCommands}:/github/file_commands",
                // The SoftHSM2 token's configuration and files, where its key string says they are.
                "-v", $"{fixture.Token.Path}:{fixture.Token.Path}",
                "-e", "GITHUB_ACTIONS=true",
                "-e", "GITHUB_WORKSPACE=/github/workspace",
                "-e", "GITHUB_OUTPUT=/github/file_commands/set_output",
                "-e", "GITHUB_STEP_SUMMARY=/github/file_commands/step_summary",
                "-e", "GITHUB_REPOSITORY=octo-org/hello",
                "-e", "GITHUB_EVENT_NAME=push",
            };
            foreach (var (name, value) in stepEnvironment ?? new Dictionary<string, string>())
            {
                arguments.AddRange(["-e", $"{name}={value}"]);
            }
            foreach (var (name, value) in inputs)
            {
                arguments.AddRange(["-e", $"INPUT_{name.ToUpperInvariant()}={value}"]);
            }
            arguments.Add(container);
            arguments.Add("--");
            arguments.AddRange(entrypoint);
            return ExternalTool.Run("buildah", arguments, timeout: TimeSpan.FromMinutes(3));
        }
        finally
        {
            ExternalTool.Run("buildah", "rm", container);
        }
    }

    // In the foreground, so the test owns the process and stops it; ready once the socket exists.
    private Process StartP11KitServer(string socket)
    {
        var start = new ProcessStartInfo("p11-kit") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "server", "--foreground", "--sh", "--provider", SoftHsmToken.ModulePath, "--name", socket, $"pkcs11:token={fixture.Token.TokenLabel}" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["SOFTHSM2_CONF"] = fixture.Token.ConfigPath;
        var server = Process.Start(start)!;
        server.BeginOutputReadLine();
        server.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (!File.Exists(socket))
        {
            Assert.False(server.HasExited, "p11-kit server stopped before it made its socket");
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), "p11-kit server made no socket in 30 s");
            Thread.Sleep(20);
        }
        return server;
    }

    private static ToolResult Check(ToolResult result)
    {
        Assert.True(result.ExitCode == 0, result.Output);
        return result;
    }
}
