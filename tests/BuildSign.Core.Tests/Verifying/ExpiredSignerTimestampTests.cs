using BuildSign.Core.Formats.Detached;
using BuildSign.Core.Keys.Software;
using BuildSign.Core.Pipeline;
using BuildSign.Core.Tests.Timestamping;
using BuildSign.Core.Timestamping;
using BuildSign.DevTools.Timestamping;
using BuildSign.Core.Verification;
using Microsoft.Extensions.Time.Testing;

namespace BuildSign.Core.Tests.Verifying;

/// <summary>
/// Only a trusted timestamp may vouch that an expired signer certificate was valid when it
/// signed: a token from any self-made TSA must not backdate a signature.
/// </summary>
public sealed class ExpiredSignerTimestampTests
{
    [Fact]
    public async Task Expired_signer_with_a_timestamp_from_a_trusted_tsa_is_valid()
    {
        using var pki = new ExpiredSignerPki();
        var file = await SignAsync(pki, new TimestampAuthority(pki.Tsa, pki.TsaKey, timeProvider: new FakeTimeProvider(ExpiredSignerPki.WhileSignerWasValid)));

        var result = await new DetachedSignatureFormat().VerifyAsync(file, Trusting(pki), CancellationToken.None);

        Assert.True(result.IsValid, result.Error ?? string.Join("; ", result.Signatures.SelectMany(s => s.Problems)));
        var signature = Assert.Single(result.Signatures);
        Assert.InRange(signature.TimestampTime!.Value, ExpiredSignerPki.WhileSignerWasValid.AddMinutes(-1), ExpiredSignerPki.WhileSignerWasValid.AddMinutes(1));
    }

    [Fact]
    public async Task Expired_signer_with_a_timestamp_from_a_self_made_tsa_is_invalid()
    {
        using var pki = new ExpiredSignerPki();
        var file = await SignAsync(pki, new TimestampAuthority(pki.SelfMadeTsa, pki.SelfMadeTsaKey, timeProvider: new FakeTimeProvider(ExpiredSignerPki.WhileSignerWasValid)));

        var result = await new DetachedSignatureFormat().VerifyAsync(file, Trusting(pki), CancellationToken.None);

        Assert.False(result.IsValid);
        var problems = Assert.Single(result.Signatures).Problems;
        Assert.Contains(problems, p => p.StartsWith("timestamp: TSA certificate chain of 'CN=Self-made TSA'", StringComparison.Ordinal) && p.Contains("not trusted", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("expired or not yet valid", StringComparison.Ordinal) && p.Contains("checked at the current time, because the timestamp is not trusted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_tsa_trusted_only_for_code_signing_does_not_extend_an_expired_signer()
    {
        using var pki = new ExpiredSignerPki();
        var file = await SignAsync(pki, new TimestampAuthority(pki.Tsa, pki.TsaKey, timeProvider: new FakeTimeProvider(ExpiredSignerPki.WhileSignerWasValid)));

        // The root is a code-signing anchor here, not a timestamping one (and not in the system store).
        var result = await new DetachedSignatureFormat().VerifyAsync(file, new VerificationOptions { TrustedCertificates = [pki.Root] }, CancellationToken.None);

        Assert.False(result.IsValid);
        Assert.Contains(Assert.Single(result.Signatures).Problems, p => p.Contains("checked at the current time", StringComparison.Ordinal));
    }

    private static VerificationOptions Trusting(ExpiredSignerPki pki) => new()
    {
        TrustedCertificates = [pki.Root],
        TrustedTimestampCertificates = [pki.Root],
    };

    // Signs through the real planner and pipeline, timestamped over HTTP by a TSA whose clock says
    // the signer was still valid. Nothing in the signing path refuses the expired certificate: the
    // preflight that would belongs to the entry point, and this test is about verify.
    private static async Task<string> SignAsync(ExpiredSignerPki pki, TimestampAuthority authority)
    {
        var file = pki.File("payload.bin");
        await File.WriteAllBytesAsync(file, [1, 2, 3, 4, 5]);
        await using var server = TestTsa.StartServer(authority: authority);
        using var timestamps = new TimestampClient(TestTsa.FastOptions(server.Url));
        await using var key = SoftwareSigningKey.Load(pki.SignerPfx);
        var options = new SigningRunOptions { Paths = [file], MaxParallelFiles = 1 };
        var plan = await new SigningPlanner(new FormatRegistry([new DetachedSignatureFormat()])).PlanAsync(options, CancellationToken.None);
        var run = await new SigningPipeline(key, timestamps).ExecuteAsync(plan, options, CancellationToken.None);
        var signed = Assert.Single(run.Files);
        Assert.True(signed.Status == FileSigningStatus.Signed, signed.Error);
        return file;
    }
}
