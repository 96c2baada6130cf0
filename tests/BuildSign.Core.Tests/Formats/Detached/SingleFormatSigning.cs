using BuildSign.Core.Formats;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Testing;

namespace BuildSign.Core.Tests.Formats.Detached;

/// <summary>Signs files through the real planner and pipeline with one format and a test PKI key.</summary>
internal static class SingleFormatSigning
{
    public static async Task<FileSigningResult> SignAsync(IFileFormat format, string path, string keyKind = "rsa", ExistingSignatureAction onExisting = ExistingSignatureAction.Replace)
    {
        var pki = TestPki.Shared;
        await using var key = SoftwareSigningKey.Load(keyKind == "rsa" ? pki.RsaPfx : pki.EcdsaPfx);
        var options = new SigningRunOptions { Paths = [path], OnExistingSignature = onExisting, MaxParallelFiles = 1 };
        var plan = await new SigningPlanner(new FormatRegistry([format])).PlanAsync(options, CancellationToken.None);
        var run = await new SigningPipeline(key, timestamper: null).ExecuteAsync(plan, options, CancellationToken.None);
        return Assert.Single(run.Files);
    }
}
