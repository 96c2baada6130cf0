using System.Security.Cryptography;
using BuildSign.Core.Formats;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Pipeline;

public sealed class SigningPipelineTests : IDisposable
{
    private readonly TempDirectory _dir = new("buildsign-pipeline");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task AFileThatChangesWhileBeingSignedIsLeftAsItIsNow()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var options = new SigningRunOptions { Paths = [file] };
        var plan = await new SigningPlanner(DefaultFormats.CreateRegistry()).PlanAsync(options, CancellationToken.None);
        await using var key = SoftwareSigningKey.Load(TestPki.Shared.RsaPfx);

        var run = await new SigningPipeline(key, new NullTimestampReturningChange(file)).ExecuteAsync(plan, options, CancellationToken.None);

        var result = Assert.Single(run.Files);
        Assert.Equal(FileSigningStatus.Failed, result.Status);
        Assert.Contains("changed while", result.Error);
        var afterChange = File.ReadAllBytes(file);
        Assert.Equal(NullTimestampReturningChange.Marker, afterChange[^NullTimestampReturningChange.Marker.Length..]);
        Assert.Empty(Directory.GetFiles(_dir.Path, ".*.tmp"));
    }

    [Fact]
    public async Task ATimestampFailureFailsOnlyThatRunsFilesAndLeavesThemUntouched()
    {
        var file = TestPeFiles.Unsigned(_dir, TestPeFiles.Pe32);
        var before = SHA256.HashData(File.ReadAllBytes(file));
        var options = new SigningRunOptions { Paths = [file] };
        var plan = await new SigningPlanner(DefaultFormats.CreateRegistry()).PlanAsync(options, CancellationToken.None);
        await using var key = SoftwareSigningKey.Load(TestPki.Shared.RsaPfx);

        var run = await new SigningPipeline(key, new FailingTimestamper()).ExecuteAsync(plan, options, CancellationToken.None);

        Assert.Equal("no timestamp server answered", Assert.Single(run.Files).Error);
        Assert.Equal(before, SHA256.HashData(File.ReadAllBytes(file)));
    }

    /// <summary>Appends to the file during the timestamp step and returns a token-less result.</summary>
    private sealed class NullTimestampReturningChange(string path) : ISignatureTimestamper
    {
        public static readonly byte[] Marker = "changed by another process"u8.ToArray();

        public Task<SignatureTimestamp> TimestampSignatureAsync(ReadOnlyMemory<byte> signatureValue, DigestAlgorithm imprintAlgorithm, CancellationToken cancellationToken)
        {
            using (var stream = new FileStream(path, FileMode.Append))
            {
                stream.Write(Marker);
            }
            // A syntactically valid token is not needed: the pipeline must notice the change before relying on it.
            return Task.FromResult(new SignatureTimestamp(new byte[] { 0x30, 0x00 }, DateTimeOffset.UtcNow));
        }
    }

    private sealed class FailingTimestamper : ISignatureTimestamper
    {
        public Task<SignatureTimestamp> TimestampSignatureAsync(ReadOnlyMemory<byte> signatureValue, DigestAlgorithm imprintAlgorithm, CancellationToken cancellationToken) =>
            throw new SigningException("no timestamp server answered");
    }
}
