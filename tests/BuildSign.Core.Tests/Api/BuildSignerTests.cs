using System.Text.Json;
using BuildSign.Core.Api;
using BuildSign.Core.Formats;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Formats.NuGet;
using BuildSign.Testing;
using BuildSign.Core.Cms;

namespace BuildSign.Core.Tests.Api;

[Collection(NuGetCollection.Name)]
public sealed class BuildSignerTests(NuGetFixture nuget) : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-entry");

    public void Dispose() => _dir.Dispose();

    private string RsaKey => $"file:{TestPki.Shared.RsaPfx}";

    private string[] UnsignedPeFiles(int count)
    {
        var unsigned = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32Plus);
        var files = Enumerable.Range(0, count).Select(i => _dir.File($"app{i}.dll")).ToArray();
        foreach (var file in files)
        {
            File.Copy(unsigned, file);
        }
        File.Delete(unsigned);
        return files;
    }

    [Fact]
    public async Task Progress_reports_the_plan_then_each_file_once_with_counts_that_reach_the_total()
    {
        var files = UnsignedPeFiles(3);
        var progress = new RecordingProgress();

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = files }, progress);

        Assert.True(result.Succeeded, result.Error ?? string.Join("; ", result.Files.Select(f => f.Error)));
        Assert.Equal(3, result.Signed);
        var planned = Assert.Single(progress.Events, e => e.Kind == SigningProgressKind.Planned);
        Assert.Equal(3, planned.Total);
        var signed = progress.Events.Where(e => e.Kind == SigningProgressKind.Signed).ToList();
        Assert.Equal(files.Order(), signed.Select(e => e.File!).Order());
        Assert.Equal([1, 2, 3], signed.Select(e => e.Completed).Order());
        Assert.All(files, f => Assert.Equal(0, TestPeFiles.VerifyWithOsslsigncode(f).ExitCode));
    }

    [Fact]
    public async Task A_run_without_a_timestamp_server_says_so_in_the_result_and_as_a_warning_event()
    {
        var files = UnsignedPeFiles(1);
        var progress = new RecordingProgress();

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = files }, progress);

        Assert.Equal("none", result.Timestamp);
        var warning = Assert.Single(result.Warnings);
        Assert.Contains("no timestamp server", warning, StringComparison.Ordinal);
        Assert.Contains(progress.Events, e => e.Kind == SigningProgressKind.Warning && e.Message == warning);
    }

    [Fact]
    public async Task More_files_than_the_cap_fail_the_run_before_anything_is_signed()
    {
        var files = UnsignedPeFiles(3);
        var before = files.Select(File.ReadAllBytes).ToList();

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = files, MaxFiles = 2 });

        Assert.False(result.Succeeded);
        Assert.Equal("3 files are selected for signing, more than the limit of 2; nothing was signed", result.Error);
        Assert.Equal(before, files.Select(File.ReadAllBytes));
    }

    [Fact]
    public async Task A_software_key_is_refused_when_the_request_says_so()
    {
        var files = UnsignedPeFiles(1);
        var before = File.ReadAllBytes(files[0]);

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = files, RefuseSoftwareKeys = true });

        Assert.False(result.Succeeded);
        Assert.Contains("software keys are refused", result.Error, StringComparison.Ordinal);
        Assert.Equal("software", result.KeyProtection);
        Assert.Equal(before, File.ReadAllBytes(files[0]));
    }

    [Fact]
    public async Task A_dry_run_with_an_ECDSA_key_refuses_the_package_and_its_insides_in_the_plan_and_signs_nothing()
    {
        var package = _dir.File("BuildSign.Sample.1.2.3.nupkg");
        File.Copy(nuget.UnsignedPackage, package);
        var before = File.ReadAllBytes(package);

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = $"file:{TestPki.Shared.EcdsaPfx}", Paths = [package], Recursive = true, DryRun = true });

        Assert.True(result.DryRun);
        Assert.False(result.Succeeded);
        var expected = new PlanEntry
        {
            File = package,
            Format = "nupkg",
            Action = "refuse",
            Reason = "NuGet accepts only RSA signing keys of at least 2048 bits; this certificate has an ECDSA key",
            SignatureFile = package,
        };
        var entry = Assert.Single(result.Plan!);
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(entry));
        Assert.Equal(before, File.ReadAllBytes(package));
    }

    [Fact]
    public async Task A_dry_run_plan_is_data_whose_inner_files_come_in_earlier_rounds_than_their_container()
    {
        var package = _dir.File("BuildSign.Sample.1.2.3.nupkg");
        File.Copy(nuget.UnsignedPackage, package);

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = [package], Recursive = true, DryRun = true });

        Assert.True(result.Succeeded, result.Error);
        var expected = new[]
        {
            new PlanEntry
            {
                File = package,
                Format = "nupkg",
                Action = "sign",
                SignatureFile = package,
                Round = 1,
                Children =
                [
                    new PlanEntry { File = package + "!lib/net10.0/BuildSign.Sample.dll", Format = "pe", Action = "sign", SignatureFile = package + "!lib/net10.0/BuildSign.Sample.dll", Round = 0 },
                ],
            },
        };
        Assert.Equal(ResultJsonOf(expected), ResultJsonOf(result.Plan!));
        Assert.Equal([FileOutcome.Planned, FileOutcome.Planned], result.Files.Select(f => f.Status));
    }

    [Fact]
    public async Task A_digest_the_key_refuses_fails_that_file_only_and_leaves_it_untouched()
    {
        var files = UnsignedPeFiles(3);
        var refused = files[1];
        var before = File.ReadAllBytes(refused);
        var services = new BuildSignerServices { Keys = BuildSign.Core.Keys.SigningKeyProviders.CreateDefault().Add(new RefusingKeyProvider(TestPki.Shared.RsaPfx, Path.GetFileName(refused))) };

        var result = await new BuildSigner(services).SignAsync(new SignRequest { Key = "refusing:any", Paths = files });

        Assert.False(result.Succeeded);
        Assert.Equal(2, result.Signed);
        var failed = Assert.Single(result.Files, f => f.Status == FileOutcome.Failed);
        Assert.Equal(refused, failed.File);
        Assert.Equal("the key refused to sign it: policy forbids this file", failed.Error);
        Assert.Equal(before, File.ReadAllBytes(refused));
    }

    [Fact]
    public async Task An_unexpected_exception_in_one_file_fails_that_file_with_its_path_and_keeps_the_trace_for_a_verbose_log()
    {
        var files = UnsignedPeFiles(2);
        var broken = _dir.File("broken.brk");
        File.WriteAllText(broken, "anything");
        var formats = new FormatRegistry([new ThrowingFormat(), .. DefaultFormats.CreateRegistry().Formats]);

        var result = await new BuildSigner(new BuildSignerServices { Formats = formats }).SignAsync(new SignRequest { Key = RsaKey, Paths = [broken, .. files] });

        Assert.Equal(2, result.Signed);
        var failed = Assert.Single(result.Files, f => f.Status == FileOutcome.Failed);
        Assert.Equal(broken, failed.File);
        Assert.Equal("unexpected error (ArgumentException): a defect in a format", failed.Error);
        Assert.Contains(nameof(ThrowingFormat), failed.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain("\"detail\"", ResultJson.Serialize(result), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_json_result_carries_the_schema_version_and_reads_back()
    {
        var files = UnsignedPeFiles(1);

        var result = await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = files });
        var json = ResultJson.Serialize(result);
        using var document = JsonDocument.Parse(json);

        Assert.Equal(1, document.RootElement.GetProperty("schemaVersion").GetInt32());
        Assert.Equal("signed", document.RootElement.GetProperty("files")[0].GetProperty("status").GetString());
        Assert.Equal("software", document.RootElement.GetProperty("keyProtection").GetString());
        Assert.Equal(1, document.RootElement.GetProperty("signed").GetInt32());
        Assert.Equal(json, ResultJson.Serialize(ResultJson.DeserializeSignResult(json)!));
    }

    [Fact]
    public async Task Verify_reports_each_file_and_a_run_that_found_nothing_does_not_succeed()
    {
        var files = UnsignedPeFiles(2);
        await new BuildSigner().SignAsync(new SignRequest { Key = RsaKey, Paths = [files[0]] });
        var seen = new List<VerifiedFile>();

        var result = await new BuildSigner().VerifyAsync(new VerifyRequest { Paths = files, TrustedCertificates = [TestPki.Shared.RootPem] }, new SynchronousProgress<VerifiedFile>(seen.Add));
        var empty = await new BuildSigner().VerifyAsync(new VerifyRequest { Paths = [] });

        Assert.Equal([true, false], result.Files.Select(f => f.Valid));
        Assert.Equal(2, seen.Count);
        Assert.False(result.Succeeded);
        Assert.False(empty.Succeeded);
    }

    private static string ResultJsonOf(IReadOnlyList<PlanEntry> plan) => JsonSerializer.Serialize(plan, ResultJson.Options);

    /// <summary>A format that claims .brk files and throws what a parser defect would.</summary>
    private sealed class ThrowingFormat : IFileFormat
    {
        public string Name => "broken";
        public bool Recognizes(FileHead head) => head.Path.EndsWith(".brk", StringComparison.Ordinal);
        public ValueTask<FileInspection> InspectAsync(string path, CancellationToken cancellationToken) => throw new ArgumentException("a defect in a format");
        public ValueTask<SigningInput> PrepareAsync(string path, FileInspection inspection, SignatureOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask EmbedAsync(string sourcePath, string outputPath, SigningInput input, SignedContent signature, ExistingSignatureAction action, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask CheckWrittenAsync(string sourcePath, string outputPath, SigningInput input, CancellationToken cancellationToken) => throw new NotSupportedException();
        public ValueTask<BuildSign.Core.Verification.FileVerification> VerifyAsync(string path, BuildSign.Core.Verification.VerificationOptions options, CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    /// <summary>Progress delivered on the reporting thread (Progress&lt;T&gt; would post it later).</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value)
        {
            lock (this)
            {
                report(value);
            }
        }
    }
}
