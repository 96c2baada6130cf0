using BuildSign.Core.Formats;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Core.Timestamping;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>Signs one file through the real planner and pipeline with the test PKI's RSA key and a timestamp from a loopback TSA.</summary>
internal static class TimestampedSigning
{
    public static async Task SignAsync(IFileFormat format, string path, Uri tsa, ExistingSignatureAction onExisting = ExistingSignatureAction.Replace, string? pfx = null)
    {
        using var timestamps = new TimestampClient(TestTsa.FastOptions(tsa));
        await using var key = SoftwareSigningKey.Load(pfx ?? TestPki.Shared.RsaPfx);
        var options = new SigningRunOptions { Paths = [path], MaxParallelFiles = 1, OnExistingSignature = onExisting };
        var plan = await new SigningPlanner(new FormatRegistry([format])).PlanAsync(options, CancellationToken.None);
        var run = await new SigningPipeline(key, timestamps).ExecuteAsync(plan, options, CancellationToken.None);
        var result = Assert.Single(run.Files);
        Assert.True(result.Status == FileSigningStatus.Signed, result.Error);
    }
}
